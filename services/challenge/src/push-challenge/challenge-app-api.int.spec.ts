import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChallengeInstance, ChallengeTestWorld, type TestDevice, type TestWorkspace } from '../challenge.test-app';

describe('challenges over HTTP: app API, fraud lock, rate limit, resend, idempotency, races', () => {
  let world: ChallengeTestWorld;
  let service: ChallengeInstance;
  let ws: TestWorkspace;
  let lockable: TestWorkspace;
  let limited: TestWorkspace;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('challengeapi');
    service = await world.start();
    // Several pending challenges per user at once: this spec is about each of them, not the pending limit (pending-limit.int.spec.ts).
    [ws, lockable, limited] = await Promise.all([
      world.workspace(service, { maxPendingPerUser: 20 }),
      world.workspace(service, { fraudLockMinutes: 1, maxPendingPerUser: 20 }),
      world.workspace(service, { maxChallengesPerUserPer10Min: 2, numberMatching: 'off', maxPendingPerUser: 20 }),
    ]);
  });

  afterAll(async () => {
    await world?.dispose();
  });

  const issue = (workspace: TestWorkspace, userId: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    service.call('POST', '/v1/challenges', { key: workspace.platformKey, body: { userId, ...body }, headers });
  const userOf = (name: string) => `${name}-${randomUUID()}`;

  describe('receipt and the Pending tab', () => {
    let alice: TestDevice;
    let alicePhone2: TestDevice;

    beforeAll(async () => {
      const userId = userOf('alice');
      alice = await world.pairDevice(ws, userId);
      alicePhone2 = await world.pairDevice(ws, userId);
    });

    it('records a receipt once per device and answers 204 every time', async () => {
      const { body } = await issue(ws, alice.userId);
      const path = `/v1/device/challenges/${body.challengeId}/receipt`;
      expect((await service.device(alice, 'POST', path)).status).toBe(204);
      expect((await service.device(alice, 'POST', path)).status).toBe(204);
      expect((await service.device(alicePhone2, 'POST', path)).status).toBe(204);
      const received = (await world.storedEvents(body.challengeId)).filter((e) => e.type === 'ChallengeReceived');
      expect(received.map((e) => e.data.deviceId).sort()).toEqual([alice.deviceId, alicePhone2.deviceId].sort());
      expect((await world.publishedFor(body.challengeId, ['ChallengeReceived'])).filter((e) => e.type === 'ChallengeReceived')).toHaveLength(2);
    });

    it("answers 404 to a receipt for another user's challenge", async () => {
      const bob = await world.pairDevice(ws, userOf('bob'));
      const { body } = await issue(ws, alice.userId);
      expect((await service.device(bob, 'POST', `/v1/device/challenges/${body.challengeId}/receipt`)).body.code).toBe('not_found');
      expect((await service.device(bob, 'POST', `/v1/device/challenges/${randomUUID()}/receipt`)).status).toBe(404);
    });

    it("lists the user's open challenges newest first, without the number, and drops resolved ones", async () => {
      const carol = await world.pairDevice(ws, userOf('carol'));
      const first = (await issue(ws, carol.userId, { context: { application: 'VPN' } })).body;
      const second = (await issue(ws, carol.userId)).body;
      const third = (await issue(ws, carol.userId)).body;
      await service.call('POST', `/v1/challenges/${third.challengeId}/cancel`, { key: ws.platformKey });

      const tab = await service.device(carol, 'GET', '/v1/device/challenges?status=pending');
      expect(tab.status).toBe(200);
      expect(tab.body).toEqual({
        items: [
          { challengeId: second.challengeId, createdAt: expect.any(String), expiresAt: second.expiresAt, context: {}, numberMatchRequired: true },
          {
            challengeId: first.challengeId,
            createdAt: expect.any(String),
            expiresAt: first.expiresAt,
            context: { application: 'VPN' },
            numberMatchRequired: true,
          },
        ],
      });
      expect(JSON.stringify(tab.body)).not.toContain('numberMatch"');
      expect(
        (await service.device(alice, 'GET', '/v1/device/challenges?status=pending')).body.items.map((i: { challengeId: string }) => i.challengeId),
      ).not.toContain(first.challengeId);
    });

    it('refuses another status filter, naming the field', async () => {
      const answer = await service.device(alice, 'GET', '/v1/device/challenges?status=approved');
      expect(answer).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [expect.objectContaining({ field: 'status' })] } });
    });
  });

  describe('fraud report', () => {
    it('denies, records FraudReported and answers push_locked to new challenges until the lock ends', async () => {
      const dave = await world.pairDevice(lockable, userOf('dave'));
      const { body } = await issue(lockable, dave.userId);
      const before = Date.now();
      const answer = await service.device(dave, 'POST', `/v1/device/challenges/${body.challengeId}/response`, { decision: 'deny', fraud: true });
      expect(answer).toMatchObject({ status: 200, body: { status: 'denied' } });

      const events = await world.storedEvents(body.challengeId);
      expect(events.map((e) => e.type)).toEqual(['ChallengeIssued', 'ChallengeDenied', 'FraudReported']);
      const lockedUntil = Date.parse(events[2]!.data.lockedUntil as string);
      expect(lockedUntil).toBeGreaterThanOrEqual(before + 60_000 - 1000);
      expect(lockedUntil).toBeLessThanOrEqual(Date.now() + 60_000);
      const published = await world.publishedFor(body.challengeId, ['ChallengeIssued', 'ChallengeDenied', 'FraudReported']);
      expect(published.find((e) => e.type === 'FraudReported')?.data).toEqual({
        challengeId: body.challengeId,
        userId: dave.userId,
        deviceId: dave.deviceId,
        lockedUntil: events[2]!.data.lockedUntil,
      });

      const locked = await issue(lockable, dave.userId);
      expect(locked).toMatchObject({ status: 423, body: { code: 'push_locked' } });
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another user of the workspace is not locked.
      const erin = await world.pairDevice(lockable, userOf('erin'));
      expect((await issue(lockable, erin.userId)).status).toBe(201);

      // Once the lock has passed (here: moved into the past), challenges are issued again.
      await world.db.query(`update challenge.push_locks set locked_until = now() - interval '1 second' where user_id = $1`, [dave.userId]);
      expect((await issue(lockable, dave.userId)).status).toBe(201);
    });
  });

  describe('rate limit', () => {
    it('answers rate_limited with Retry-After past the limit, counting only issued challenges', async () => {
      const userId = userOf('frank');
      // Refused requests do not count.
      expect((await issue(limited, userId)).body.code).toBe('no_active_device');
      expect((await issue(limited, userId)).body.code).toBe('no_active_device');
      await world.pairDevice(limited, userId);
      expect((await issue(limited, userId)).status).toBe(201);
      expect((await issue(limited, userId)).status).toBe(201);
      const refused = await issue(limited, userId);
      expect(refused).toMatchObject({ status: 429, body: { code: 'rate_limited' } });
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(590);
      expect(retryAfter).toBeLessThanOrEqual(600);
    });

    it('never lets concurrent requests past the limit', async () => {
      const user = await world.pairDevice(limited, userOf('grace'));
      const answers = await Promise.all(Array.from({ length: 6 }, () => issue(limited, user.userId)));
      expect(answers.filter((a) => a.status === 201)).toHaveLength(2);
      expect(answers.filter((a) => a.status === 429)).toHaveLength(4);
    });

    it('answers rate_limited before no_active_device', async () => {
      const user = await world.pairDevice(limited, userOf('heidi'));
      await issue(limited, user.userId);
      await issue(limited, user.userId);
      await world.db.query(`update challenge.devices set status = 'revoked' where device_id = $1`, [user.deviceId]);
      expect((await issue(limited, user.userId)).body.code).toBe('rate_limited');
    });
  });

  describe('resend', () => {
    it('resends at most 3 times, then resend_limit_reached; challenge_not_pending once resolved', async () => {
      const ivan = await world.pairDevice(ws, userOf('ivan'));
      const { body } = await issue(ws, ivan.userId);
      const path = `/v1/challenges/${body.challengeId}/resend`;
      for (const attempt of [1, 2, 3]) expect(await service.call('POST', path, { key: ws.platformKey })).toMatchObject({ status: 202, body: { attempt } });
      expect(await service.call('POST', path, { key: ws.platformKey })).toMatchObject({ status: 409, body: { code: 'resend_limit_reached' } });
      const resends = (await world.storedEvents(body.challengeId)).filter((e) => e.type === 'ChallengeResendRequested');
      expect(resends.map((e) => e.data)).toEqual([1, 2, 3].map((attempt) => expect.objectContaining({ attempt, expiresAt: body.expiresAt })));
      const published = await world.eventually(
        () => world.publishedFor(body.challengeId, ['ChallengeIssued', 'ChallengeResendRequested']),
        (records) => records.filter((e) => e.type === 'ChallengeResendRequested').length === 3,
        'three resends on the challenge topic',
      );
      expect(JSON.stringify(published)).not.toContain('"numberMatch"');

      const other = (await issue(ws, ivan.userId)).body;
      await service.device(ivan, 'POST', `/v1/device/challenges/${other.challengeId}/response`, { decision: 'deny' });
      expect(await service.call('POST', `/v1/challenges/${other.challengeId}/resend`, { key: ws.platformKey })).toMatchObject({
        status: 409,
        body: { code: 'challenge_not_pending' },
      });
      expect((await service.call('POST', `/v1/challenges/${randomUUID()}/resend`, { key: ws.platformKey })).status).toBe(404);
    });
  });

  describe('Idempotency-Key', () => {
    it('returns the first answer for the same key and body, and idempotency_conflict for another body', async () => {
      const judy = await world.pairDevice(ws, userOf('judy'));
      const key = { 'idempotency-key': `sign-in-${randomUUID()}` };
      const body = { context: { application: 'Mail', ipAddress: '203.0.113.9' } };
      const [first, second] = await Promise.all([
        issue(ws, judy.userId, body, key),
        issue(ws, judy.userId, { context: { ipAddress: '203.0.113.9', application: 'Mail' } }, key),
      ]);
      expect(first.status).toBe(201);
      expect(second).toEqual(expect.objectContaining({ status: 201, body: first.body }));
      const third = await issue(ws, judy.userId, body, key);
      expect(third.body).toEqual(first.body);
      expect(await issue(ws, judy.userId, {}, key)).toMatchObject({ status: 409, body: { code: 'idempotency_conflict' } });
      // Only one challenge was issued.
      const tab = await service.device(judy, 'GET', '/v1/device/challenges?status=pending');
      expect(tab.body.items).toHaveLength(1);
      // A new key issues a new challenge.
      expect((await issue(ws, judy.userId, body, { 'idempotency-key': `sign-in-${randomUUID()}` })).body.challengeId).not.toBe(first.body.challengeId);
    });

    it('keeps keys per workspace and forgets them after 24 hours', async () => {
      const key = { 'idempotency-key': `shared-${randomUUID()}` };
      const user = await world.pairDevice(ws, userOf('kim'));
      const other = await world.pairDevice(lockable, user.userId);
      const inWs = await issue(ws, user.userId, {}, key);
      const inOther = await issue(lockable, other.userId, {}, key);
      expect(inOther.body.challengeId).not.toBe(inWs.body.challengeId);

      await world.db.query(`update challenge.idempotency_keys set created_at = now() - interval '25 hours' where idempotency_key = $1`, [
        key['idempotency-key'],
      ]);
      const later = await issue(ws, user.userId, { context: { application: 'other' } }, key);
      expect(later.status).toBe(201);
      expect(later.body.challengeId).not.toBe(inWs.body.challengeId);
    });

    it('refuses a malformed key', async () => {
      expect((await issue(ws, 'someone', {}, { 'idempotency-key': 'has space' })).body).toMatchObject({ code: 'validation_failed' });
    });
  });

  describe('number matching', () => {
    it('denies an approval with a wrong or missing number: number_mismatch, and the platform reads denied', async () => {
      const userId = userOf('nina');
      const phone = await world.pairDevice(ws, userId);
      for (const typed of [{ numberMatch: 'x' }, {}]) {
        const { body } = await issue(ws, userId);
        const wrong = String((Number(body.numberMatch) + 1) % 100).padStart(2, '0');
        const sent = 'numberMatch' in typed ? { decision: 'approve', numberMatch: wrong } : { decision: 'approve' };
        const answer = await service.device(phone, 'POST', `/v1/device/challenges/${body.challengeId}/response`, sent);
        expect(answer.status).toBe(422);
        expect(answer.body.code).toBe('number_mismatch');
        expect((await service.call('GET', `/v1/challenges/${body.challengeId}`, { key: ws.platformKey })).body.status).toBe('denied');
      }
    });

    it('shows the number only to the platform: neither the Pending tab nor the challenge topic carries it', async () => {
      const userId = userOf('omar');
      const phone = await world.pairDevice(ws, userId);
      const { body } = await issue(ws, userId);
      expect(body.numberMatch).toMatch(/^\d{2}$/);
      const pending = await service.device(phone, 'GET', '/v1/device/challenges?status=pending');
      const item = pending.body.items.find((i: { challengeId: string }) => i.challengeId === body.challengeId);
      expect(item).toMatchObject({ numberMatchRequired: true });
      expect(item).not.toHaveProperty('numberMatch');
      const published = await world.publishedFor(body.challengeId, ['ChallengeIssued']);
      expect(JSON.stringify(published)).not.toContain('"numberMatch"');
    });
  });

  describe('racing responses', () => {
    it('lets one of two different answers win; the loser gets challenge_not_pending', async () => {
      const userId = userOf('leo');
      const phone = await world.pairDevice(ws, userId);
      const tablet = await world.pairDevice(ws, userId);
      for (let round = 0; round < 5; round++) {
        const { body } = await issue(ws, userId);
        const responsePath = `/v1/device/challenges/${body.challengeId}/response`;
        const answers = await Promise.all([
          service.device(phone, 'POST', responsePath, { decision: 'approve', numberMatch: body.numberMatch }),
          service.device(tablet, 'POST', responsePath, { decision: 'deny' }),
        ]);
        const winners = answers.filter((a) => a.status === 200);
        expect(winners).toHaveLength(1);
        expect(answers.filter((a) => a.status === 409 && a.body.code === 'challenge_not_pending')).toHaveLength(1);
        const status = (await service.call('GET', `/v1/challenges/${body.challengeId}`, { key: ws.platformKey })).body.status;
        expect(status).toBe(winners[0]!.body.status);
        const outcomes = (await world.storedEvents(body.challengeId)).filter((e) => e.type === 'ChallengeApproved' || e.type === 'ChallengeDenied');
        expect(outcomes).toHaveLength(1);
      }
    });

    it('answers 200 to both of two identical approvals, recording one', async () => {
      const userId = userOf('mia');
      const phone = await world.pairDevice(ws, userId);
      const tablet = await world.pairDevice(ws, userId);
      const { body } = await issue(ws, userId);
      const responsePath = `/v1/device/challenges/${body.challengeId}/response`;
      const answers = await Promise.all([
        service.device(phone, 'POST', responsePath, { decision: 'approve', numberMatch: body.numberMatch }),
        service.device(tablet, 'POST', responsePath, { decision: 'approve', numberMatch: body.numberMatch }),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      expect((await world.storedEvents(body.challengeId)).filter((e) => e.type === 'ChallengeApproved')).toHaveLength(1);
    });
  });

  describe('long-poll and signed requests', () => {
    it('answers a waiting long-poll with the approval, as a later read shows it', async () => {
      const userId = userOf('olga');
      const phone = await world.pairDevice(ws, userId);
      const { body } = await issue(ws, userId);
      const longPoll = service.call('GET', `/v1/challenges/${body.challengeId}?waitSeconds=20`, { key: ws.platformKey });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const startedApproving = Date.now();
      await service.device(phone, 'POST', `/v1/device/challenges/${body.challengeId}/response`, { decision: 'approve', numberMatch: body.numberMatch });
      const answered = await longPoll;
      expect(Date.now() - startedApproving).toBeLessThan(5000);
      expect(answered.status).toBe(200);
      expect(answered.body).toMatchObject({ challengeId: body.challengeId, userId, status: 'approved', resolvedAt: expect.any(String) });
      expect(answered.body).not.toHaveProperty('numberMatch');
      expect(answered.body).toEqual((await service.call('GET', `/v1/challenges/${body.challengeId}`, { key: ws.platformKey })).body);
    });

    it('refuses a device as soon as its revocation is applied, though it signed a request a moment before', async () => {
      const phone = await world.pairDevice(ws, userOf('pavel'));
      expect((await service.device(phone, 'GET', '/v1/device/challenges?status=pending')).status).toBe(200);
      await world.revokeDevice(ws, phone);
      const refused = await service.device(phone, 'GET', '/v1/device/challenges?status=pending');
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('unauthorized');
    });
  });
});
