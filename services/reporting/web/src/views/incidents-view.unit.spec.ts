import { describe, expect, it } from 'vitest';
import { incidentFacts } from './incidents-view';

describe('incident facts', () => {
  it('lists what the help desk reads above the logs, leaving out what the app did not send', () => {
    const facts = incidentFacts({
      incidentId: 'INC-7K3M-Q9TX',
      userId: 'alice',
      deviceId: 'd1',
      challengeId: null,
      sharedAt: '2026-12-05T09:00:00.000Z',
      expiresAt: '2027-01-04T09:00:00.000Z',
      appVersion: '4.1.0',
      health: { notifications: 'denied' },
      lineCount: 3,
    });
    expect(facts.map(([label]) => label)).toEqual(['Shared', 'User', 'Device', 'App version', 'Health', 'Deleted after']);
    expect(Object.fromEntries(facts)).toMatchObject({ User: 'alice', 'App version': '4.1.0', Health: 'notifications denied' });
  });
});
