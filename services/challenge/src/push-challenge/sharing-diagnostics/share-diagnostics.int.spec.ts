import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INCIDENT_ID_PATTERN } from '@pushmfa/contracts';
import { type ChallengeInstance, ChallengeTestWorld, type TestWorkspaceWithAdmin } from '../../challenge.test-app';

/** "Share app logs with support" (POST /v1/device/diagnostics) against a service instance on the real broker, database and cache. */
describe('sharing app logs with support', () => {
  let world: ChallengeTestWorld;
  let service: ChallengeInstance;
  let acme: TestWorkspaceWithAdmin;
  let other: TestWorkspaceWithAdmin;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('diagnostics');
    service = await world.start();
    [acme, other] = await Promise.all([world.workspace(service, { diagnosticsRetentionDays: 7 }), world.workspace(service)]);
  }, 120_000);

  afterAll(async () => {
    await world?.dispose();
  });

  const userOf = (name: string) => `${name}-${randomUUID()}`;

  it("answers 202 with an incident id, publishes the redacted logs on the challenge topic, and appends nothing to the challenge's stream", async () => {
    const phone = await world.pairDevice(acme, userOf('ann'));
    const token = `fcm-token-${phone.deviceId}`;
    const { body: issued } = await service.call('POST', '/v1/challenges', { key: acme.platformKey, body: { userId: phone.userId } });
    const logs = [`push registered, token ${token}`, `retrying with pmk_plt_${'a1B2c3'.repeat(7)}`, 'Accept tapped, no answer'];
    const answer = await service.device(phone, 'POST', '/v1/device/diagnostics', {
      challengeId: issued.challengeId,
      logs,
      appVersion: '3.2.1',
      health: { notifications: 'allowed', batterySaver: true },
    });
    expect(answer.status).toBe(202);
    expect(answer.body.incidentId).toMatch(INCIDENT_ID_PATTERN);

    const records = await world.publishedFor(`${acme.workspaceId}/${answer.body.incidentId}`, ['DiagnosticsShared']);
    const data = records.find((r) => r.type === 'DiagnosticsShared')!.data;
    expect(data).toMatchObject({
      incidentId: answer.body.incidentId,
      userId: phone.userId,
      deviceId: phone.deviceId,
      challengeId: issued.challengeId,
      appVersion: '3.2.1',
      health: { notifications: 'allowed', batterySaver: true },
      logs: [`push registered, token [push token …${token.slice(-6)}]`, 'retrying with pmk_plt_[redacted]', 'Accept tapped, no answer'],
    });
    expect(Date.parse(data.expiresAt as string) - Date.parse(data.sharedAt as string)).toBe(7 * 24 * 3600 * 1000);
    expect((await world.storedEvents(issued.challengeId)).map((e) => e.type)).not.toContain('DiagnosticsShared');
  });

  it("refuses a challenge that is not this user's in this workspace, and changes nothing", async () => {
    const [ann, bob] = await Promise.all([world.pairDevice(acme, userOf('ann')), world.pairDevice(acme, userOf('bob'))]);
    const stranger = await world.pairDevice(other, ann.userId);
    const { body: annChallenge } = await service.call('POST', '/v1/challenges', { key: acme.platformKey, body: { userId: ann.userId } });
    for (const [device, challengeId] of [
      [bob, annChallenge.challengeId],
      [stranger, annChallenge.challengeId],
      [ann, randomUUID()],
      [ann, 'not-a-challenge'],
    ] as const)
      expect(await service.device(device, 'POST', '/v1/device/diagnostics', { challengeId, logs: ['x'] })).toMatchObject({
        status: 404,
        body: { code: 'not_found' },
      });
  });

  it('takes up to 256 KiB and answers payload_too_large beyond; bad bodies are validation_failed; unsigned is 401', async () => {
    const phone = await world.pairDevice(acme, userOf('cy'));
    const line = 'a log line with words only '.repeat(30);
    const big = Array.from({ length: Math.ceil((200 * 1024) / line.length) }, () => line);
    expect((await service.device(phone, 'POST', '/v1/device/diagnostics', { logs: big })).status).toBe(202);
    const tooBig = Array.from({ length: Math.ceil((260 * 1024) / line.length) }, () => line);
    expect(await service.device(phone, 'POST', '/v1/device/diagnostics', { logs: tooBig })).toMatchObject({
      status: 413,
      body: { code: 'payload_too_large' },
    });
    expect(await service.device(phone, 'POST', '/v1/device/diagnostics', { lines: ['x'] })).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect(await service.device(phone, 'POST', '/v1/device/diagnostics', { logs: [1] })).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect(await service.device(phone, 'POST', '/v1/device/diagnostics', { logs: [], health: { osVersion: 'iOS\u202e18' } })).toMatchObject({
      status: 400,
      body: { code: 'validation_failed' },
    });
    expect(await service.call('POST', '/v1/device/diagnostics', { body: { logs: ['x'] } })).toMatchObject({ status: 401 });
    // Other routes keep the 64 KiB limit.
    expect(
      (await service.device(phone, 'POST', `/v1/device/challenges/${randomUUID()}/response`, { decision: 'deny', pad: 'x'.repeat(70 * 1024) })).status,
    ).toBe(413);
  });
});
