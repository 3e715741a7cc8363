import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { base32Decode, matchOfflineCode, offlineCodeAt } from '@pushmfa/device-auth';
import { type ChallengeInstance, ChallengeTestWorld, type TestDevice, type TestWorkspaceWithAdmin } from '../../challenge.test-app';

/**
 * The offline code (issue 14 §5) over HTTP against a service instance on the real broker, database and cache: the
 * app enrols its secret after pairing; the platform approves a pending challenge with the code the app shows.
 */
describe('approving with the offline code from the app', () => {
  let world: ChallengeTestWorld;
  let service: ChallengeInstance;
  let acme: TestWorkspaceWithAdmin;
  let closed: TestWorkspaceWithAdmin;
  let stranger: TestWorkspaceWithAdmin;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('offlinecode');
    service = await world.start();
    [acme, closed, stranger] = await Promise.all([
      world.workspace(service, { maxChallengesPerUserPer10Min: 50, fraudLockMinutes: 15 }),
      world.workspace(service, { offlineCodesEnabled: false }),
      world.workspace(service),
    ]);
  }, 120_000);

  afterAll(async () => {
    await world?.dispose();
  });

  const userOf = (name: string) => `${name}-${randomUUID()}`;
  const enrol = (device: TestDevice) => service.device(device, 'POST', '/v1/device/offline-code');
  const issue = (workspace: TestWorkspaceWithAdmin, userId: string) => service.call('POST', '/v1/challenges', { key: workspace.platformKey, body: { userId } });
  const submit = (workspace: TestWorkspaceWithAdmin, challengeId: string, code: unknown) =>
    service.call('POST', `/v1/challenges/${challengeId}/offline-code`, { key: workspace.platformKey, body: { code } });
  const statusOf = async (workspace: TestWorkspaceWithAdmin, challengeId: string) =>
    (await service.call('GET', `/v1/challenges/${challengeId}`, { key: workspace.platformKey })).body.status as string;
  /** A phone paired and enrolled: what its app shows now. */
  const enrolledPhone = async (workspace: TestWorkspaceWithAdmin, userId: string) => {
    const phone = await world.pairDevice(workspace, userId);
    const answer = await enrol(phone);
    expect(answer.status).toBe(201);
    const secret = base32Decode(answer.body.secret as string);
    return { phone, secret, enrolled: answer.body, codeNow: () => offlineCodeAt(secret, Date.now()) };
  };
  /** Six digits that are none of the codes the secret gives around now. */
  const wrongCodeFor = (secret: Buffer) => {
    let candidate = Number(offlineCodeAt(secret, Date.now()));
    do candidate = (candidate + 1) % 1_000_000;
    while (matchOfflineCode(secret, String(candidate).padStart(6, '0'), Date.now(), 2) !== null);
    return String(candidate).padStart(6, '0');
  };

  it('enrols once per device: the secret is answered once, sealed at rest, and on no event', async () => {
    const { phone, enrolled, secret } = await enrolledPhone(acme, userOf('ann'));
    expect(enrolled).toMatchObject({ digits: 6, period: 30, algorithm: 'SHA1' });
    expect(enrolled.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(new URL(enrolled.otpauthUri as string).searchParams.get('secret')).toBe(enrolled.secret);
    expect(await enrol(phone)).toMatchObject({ status: 409, body: { code: 'offline_code_already_enrolled' } });

    const { rows } = await world.db.query<{ sealed_secret: string }>('select sealed_secret from challenge.offline_code_secrets where device_id = $1', [
      phone.deviceId,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.sealed_secret).toMatch(/^v1\.k1\./);
    for (const form of [enrolled.secret as string, secret.toString('hex'), secret.toString('base64'), secret.toString('base64url')]) {
      expect(rows[0]!.sealed_secret).not.toContain(form);
    }
    const { rows: events } = await world.db.query<{ data: unknown }>('select data from challenge.events');
    expect(JSON.stringify(events)).not.toContain(enrolled.secret as string);
  });

  it('approves the pending challenge once; the same code again is refused and approves nothing', async () => {
    const { phone, codeNow, secret } = await enrolledPhone(acme, userOf('bea'));
    const first = (await issue(acme, phone.userId)).body;
    const code = codeNow();
    const approved = await submit(acme, first.challengeId, code);
    expect(approved).toMatchObject({
      status: 200,
      body: { challengeId: first.challengeId, status: 'approved', method: 'offline_code', deviceId: phone.deviceId },
    });
    expect(await statusOf(acme, first.challengeId)).toBe('approved');
    expect(await submit(acme, first.challengeId, code)).toMatchObject({ status: 409, body: { code: 'challenge_not_pending' } });

    const second = (await issue(acme, phone.userId)).body;
    // The code the app showed a moment ago (still within the accepted window: one step either side).
    expect(matchOfflineCode(secret, code, Date.now())).not.toBeNull();
    expect(await submit(acme, second.challengeId, code)).toMatchObject({ status: 409, body: { code: 'offline_code_replayed' } });
    expect(await statusOf(acme, second.challengeId)).toBe('pending');

    const published = await world.publishedFor(first.challengeId, ['ChallengeApproved']);
    const approval = published.find((e) => e.type === 'ChallengeApproved')!;
    expect(approval.data).toEqual(expect.objectContaining({ deviceId: phone.deviceId, method: 'offline_code' }));
    expect(approval.data).not.toHaveProperty('offlineCodeStep');
  });

  it('five wrong codes in a row lock push for the user, as wrong numbers do, and cancel the request', async () => {
    const { phone, secret, codeNow } = await enrolledPhone(acme, userOf('cid'));
    const { challengeId } = (await issue(acme, phone.userId)).body;
    for (let attempt = 1; attempt <= 4; attempt++) {
      const answer = await submit(acme, challengeId, wrongCodeFor(secret));
      expect(answer).toMatchObject({ status: 422, body: { code: 'invalid_offline_code' } });
      expect(answer.body.detail).not.toMatch(/locked/);
      expect(await statusOf(acme, challengeId)).toBe('pending');
    }
    const fifth = await submit(acme, challengeId, wrongCodeFor(secret));
    expect(fifth).toMatchObject({ status: 422, body: { code: 'invalid_offline_code' } });
    expect(fifth.body.detail).toMatch(/locked/);
    expect(await statusOf(acme, challengeId)).toBe('cancelled');
    expect(await issue(acme, phone.userId)).toMatchObject({ status: 423, body: { code: 'push_locked' } });
    expect(await submit(acme, challengeId, codeNow())).toMatchObject({ status: 423, body: { code: 'push_locked' } });
    const stored = await world.storedEvents(challengeId);
    expect(stored.find((e) => e.type === 'PushLocked')?.data).toMatchObject({ reason: 'offline_code', consecutiveMismatches: 5 });
  });

  it('a right code ends the streak of wrong ones', async () => {
    const { phone, secret, codeNow } = await enrolledPhone(acme, userOf('dee'));
    const first = (await issue(acme, phone.userId)).body;
    for (let attempt = 1; attempt <= 4; attempt++) expect((await submit(acme, first.challengeId, wrongCodeFor(secret))).status).toBe(422);
    expect((await submit(acme, first.challengeId, codeNow())).status).toBe(200);
    const { rows } = await world.db.query('select 1 from challenge.offline_code_failures where user_id = $1', [phone.userId]);
    expect(rows).toEqual([]);
  });

  it("a revoked device's code never approves", async () => {
    const userId = userOf('eve');
    const { phone: lost, codeNow } = await enrolledPhone(acme, userId);
    const { phone: current } = await enrolledPhone(acme, userId);
    await world.revokeDevice(acme, lost);
    const { challengeId } = (await issue(acme, userId)).body;
    expect(await submit(acme, challengeId, codeNow())).toMatchObject({ status: 422, body: { code: 'invalid_offline_code' } });
    expect(await statusOf(acme, challengeId)).toBe('pending');
    expect(current.deviceId).not.toBe(lost.deviceId);
  });

  it('is refused when the workspace turned offline codes off, for another workspace (404) and for a malformed code, changing nothing', async () => {
    const { phone, codeNow } = await enrolledPhone(closed, userOf('fay'));
    const { challengeId } = (await issue(closed, phone.userId)).body;
    expect(await submit(closed, challengeId, codeNow())).toMatchObject({ status: 403, body: { code: 'offline_codes_disabled' } });
    expect(await submit(stranger, challengeId, codeNow())).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(await submit(closed, challengeId, '12ab56')).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect(await submit(closed, challengeId, 123456)).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect(await statusOf(closed, challengeId)).toBe('pending');
    expect((await world.storedEvents(challengeId)).map((e) => e.type)).toEqual(['ChallengeIssued']);
    expect(await submit(closed, randomUUID(), codeNow())).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });
});
