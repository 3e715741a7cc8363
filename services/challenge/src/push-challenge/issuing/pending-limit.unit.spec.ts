import { supersededBy } from './pending-limit';

describe('maxPendingPerUser', () => {
  it('supersedes the oldest pending challenge beyond the limit, naming the newer one', () => {
    expect(supersededBy([{ userKey: 'w/alice', challengeId: 'c3', limit: 1, pendingBefore: ['c1'] }])).toEqual([
      { challengeId: 'c1', supersededBy: 'c3', issuedInBatch: false },
    ]);
    expect(supersededBy([{ userKey: 'w/alice', challengeId: 'c3', limit: 2, pendingBefore: ['c1', 'c2'] }])).toEqual([
      { challengeId: 'c1', supersededBy: 'c3', issuedInBatch: false },
    ]);
  });

  it('supersedes nothing within the limit, and more than one when the limit was lowered', () => {
    expect(supersededBy([{ userKey: 'w/alice', challengeId: 'c2', limit: 2, pendingBefore: ['c1'] }])).toEqual([]);
    expect(supersededBy([{ userKey: 'w/alice', challengeId: 'c4', limit: 1, pendingBefore: ['c1', 'c2', 'c3'] }]).map((s) => s.challengeId)).toEqual([
      'c1',
      'c2',
      'c3',
    ]);
  });

  it('counts the challenges issued together for one user, and keeps users apart', () => {
    const batch = [
      { userKey: 'w/alice', challengeId: 'a1', limit: 1, pendingBefore: ['a0'] },
      { userKey: 'w/bob', challengeId: 'b1', limit: 1, pendingBefore: [] },
      { userKey: 'w/alice', challengeId: 'a2', limit: 1, pendingBefore: ['a0'] },
    ];
    expect(supersededBy(batch)).toEqual([
      { challengeId: 'a0', supersededBy: 'a1', issuedInBatch: false },
      { challengeId: 'a1', supersededBy: 'a2', issuedInBatch: true },
    ]);
  });
});
