import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChallengeInstance, ChallengeTestWorld } from '../../challenge.test-app';

describe('a challenge past its deadline before the expiry timer has run', () => {
  let world: ChallengeTestWorld;
  let service: ChallengeInstance;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('expirybeforetimer');
    // The timer looks once at start-up, then not again during this test.
    service = await world.start({ expiryPollIntervalMs: 120_000 });
  });

  afterAll(async () => {
    await world?.dispose();
  });

  it('reads as expired everywhere, judged by the server clock, with nothing recorded yet', async () => {
    const ws = await world.workspace(service, { challengeTtlSeconds: 10 });
    const device = await world.pairDevice(ws, 'olivia');
    const issued = await service.call('POST', '/v1/challenges', { key: ws.platformKey, body: { userId: 'olivia' } });
    expect(issued.status).toBe(201);
    const { challengeId, expiresAt, numberMatch } = issued.body as { challengeId: string; expiresAt: string; numberMatch: string };

    const polled = await service.call('GET', `/v1/challenges/${challengeId}?waitSeconds=15`, { key: ws.platformKey });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expiresAt));
    expect(polled.body).toMatchObject({ status: 'expired', resolvedAt: expiresAt });
    expect((await world.storedEvents(challengeId)).map((e) => e.type)).toEqual(['ChallengeIssued']);

    const path = `/v1/device/challenges/${challengeId}`;
    expect(await service.device(device, 'POST', `${path}/response`, { decision: 'approve', numberMatch })).toMatchObject({
      status: 410,
      body: { code: 'challenge_expired' },
    });
    expect(await service.call('POST', `/v1/challenges/${challengeId}/resend`, { key: ws.platformKey })).toMatchObject({
      status: 410,
      body: { code: 'challenge_expired' },
    });
    expect((await service.device(device, 'GET', '/v1/device/challenges?status=pending')).body).toEqual({ items: [] });
    expect((await service.device(device, 'POST', `${path}/receipt`)).status).toBe(204);
    expect((await world.storedEvents(challengeId)).map((e) => e.type)).toEqual(['ChallengeIssued']);
  });
});
