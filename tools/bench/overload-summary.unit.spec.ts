import type { ChallengeRecord } from './load-run';
import { recoveryBySecond, recoverySeconds, summarizeOverload } from './overload-summary';

const at = (second: number, record: Partial<ChallengeRecord> = {}): ChallengeRecord => ({
  phase: 1,
  intendedAt: 1_000_000 + second * 1000,
  outcome: 'approved',
  createMs: 5,
  createToDispatchedMs: 20,
  approveToAnswerMs: 10,
  ...record,
});

describe('overload summary', () => {
  it('counts useful approvals during the overload against the capacity, refusals, resets and time-outs', () => {
    const timeline: ChallengeRecord[] = [
      // 10 s of overload against a capacity of 2/s: 18 useful approvals, one approved too late, refusals, a reset.
      ...Array.from({ length: 18 }, (_, i) => at(i / 2, { phase: 0 })),
      at(9, { phase: 0, createToDispatchedMs: 4000 }),
      ...Array.from({ length: 99 }, (_, i) => at(i / 10, { phase: 0, outcome: 'refused', createMs: 3 })),
      at(5, { phase: 0, outcome: 'refused', createMs: 70 }),
      at(6, { phase: 0, outcome: 'connection reset', createMs: 2 }),
      at(10),
      at(11),
    ];
    const summary = summarizeOverload({
      factor: 3,
      capacity: 2,
      overloadSeconds: 10,
      timeline,
      errors: { 'create: connection reset': 1, 'connection reset': 2, 'create: client timeout': 4, 'create 503 unavailable': 100 },
    });
    expect(summary).toEqual({
      factor: 3,
      goodputRatio: 0.9,
      refusedAnswerMsP99: 3,
      connectionResets: 3,
      clientTimeouts: 4,
      recoverySeconds: 0,
      recoveryBySecond: [
        { second: 0, offered: 1, normal: true, createToDispatchedP99Ms: 20, approveToAnswerP99Ms: 10 },
        { second: 1, offered: 1, normal: true, createToDispatchedP99Ms: 20, approveToAnswerP99Ms: 10 },
      ],
    });
  });

  it('says how many seconds passed until every later second was normal again', () => {
    const slow = { createToDispatchedMs: 900 };
    const recovery = [at(0, slow), at(0.5, slow), at(1.2, { outcome: 'refused' }), at(2.1), at(3.3, { approveToAnswerMs: 31 }), at(4), at(5.5), at(6)];
    expect(recoverySeconds(recovery)).toBe(4);
    expect(recoverySeconds([at(0), at(1), at(2, slow)])).toBeNull();
    expect(recoverySeconds([at(0), at(1)])).toBe(0);
    expect(recoverySeconds([])).toBeNull();
    // What decided it, second by second: the slow dispatches, the refusal, the slow answer; a second with no send is normal.
    expect(recoveryBySecond(recovery).map(({ second, offered, normal }) => [second, offered, normal])).toEqual([
      [0, 2, false],
      [1, 1, false],
      [2, 1, true],
      [3, 1, false],
      [4, 1, true],
      [5, 1, true],
      [6, 1, true],
    ]);
    expect(recoveryBySecond(recovery)[3]).toEqual({ second: 3, offered: 1, normal: false, createToDispatchedP99Ms: 20, approveToAnswerP99Ms: 31 });
    expect(recoveryBySecond([at(0), at(2)])[1]).toEqual({ second: 1, offered: 0, normal: true, createToDispatchedP99Ms: null, approveToAnswerP99Ms: null });
  });
});
