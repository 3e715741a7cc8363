import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { PoolPolicy } from '@pushmfa/contracts';
import { type ChallengeInstance, ChallengeTestWorld, type TestDevice, type TestWorkspace } from '../../challenge.test-app';

const PASSWORDLESS: PoolPolicy = {
  name: 'Passwordless',
  firstFactor: { methods: ['push'], preferred: 'push' },
  secondFactor: { methods: ['push', 'totp'], preferred: 'push' },
  passwordlessMaxPerUserPer10Min: 2,
};
const NO_PUSH: PoolPolicy = { name: 'No push', firstFactor: { methods: ['password'] }, secondFactor: { methods: ['totp'] } };
const PUSH_FIRST_TOTP_SECOND: PoolPolicy = {
  name: 'Push first, TOTP second',
  firstFactor: { methods: ['push'] },
  secondFactor: { methods: ['totp', 'sms_otp'], preferred: 'totp' },
  numberMatching: 'off',
};

/**
 * Challenges follow the user's identity pool as the registry publishes it: push must be a method of the pool for the
 * factor asked (method_not_allowed otherwise), a first-factor (passwordless) push always matches numbers, is approved
 * only with the app's signed user verification, has a tighter per-user budget, and its status answer tells the
 * platform what remains to do.
 */
describe('challenges under the identity pool policy', () => {
  let world: ChallengeTestWorld;
  let service: ChallengeInstance;
  let ws: TestWorkspace;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('poolpolicy');
    service = await world.start();
    ws = await world.workspace(service, { numberMatching: 'always' });
  });

  afterAll(async () => {
    await world?.dispose();
  });

  /** Publishes the pool and the user's assignment as the registry does, and waits until the service has both. */
  async function userInPool(pool: PoolPolicy): Promise<TestDevice> {
    const poolId = randomUUID();
    const userId = `u-${randomUUID()}`;
    await world.publish(ws.workspaceId, 'PoolCreated', { poolId, pool, createdBy: { kind: 'admin' } });
    await world.publish(
      `${ws.workspaceId}/${userId}`,
      'UserPoolAssigned',
      { userId, poolId, previousPoolId: 'default', assignedBy: { kind: 'platform' } },
      ws.workspaceId,
    );
    const device = await world.pairDevice(ws, userId);
    await world.eventually(
      async () =>
        (await world.db.query('select 1 from challenge.user_pools u join challenge.pools p using (workspace_id, pool_id) where u.user_id = $1', [userId]))
          .rowCount,
      (count) => count === 1,
      `the pool of ${userId}`,
    );
    return device;
  }

  const issue = (userId: string, factor?: 'first' | 'second') =>
    service.call('POST', '/v1/challenges', { key: ws.platformKey, body: { userId, ...(factor ? { factor } : {}) } });

  it('issues second-factor push in the default pool, and refuses a factor the pool does not offer push for', async () => {
    const device = await world.pairDevice(ws, `u-${randomUUID()}`);
    expect((await issue(device.userId)).status).toBe(201);
    // The default pool: a password first, push second.
    expect(await issue(device.userId, 'first')).toMatchObject({ status: 403, body: { code: 'method_not_allowed' } });

    const noPush = await userInPool(NO_PUSH);
    expect(await issue(noPush.userId)).toMatchObject({ status: 403, body: { code: 'method_not_allowed' } });
    expect(await issue(noPush.userId, 'first')).toMatchObject({ status: 403, body: { code: 'method_not_allowed' } });
    expect(await service.call('POST', '/v1/challenges', { key: ws.platformKey, body: { userId: noPush.userId, factor: 'third' } })).toMatchObject({
      status: 400,
      body: { code: 'validation_failed' },
    });
  });

  it('records the pool and the factor on ChallengeIssued', async () => {
    const device = await userInPool(PASSWORDLESS);
    const { body } = await issue(device.userId, 'first');
    const [issued] = await world.publishedFor(body.challengeId, ['ChallengeIssued']);
    expect(issued!.data).toMatchObject({ factor: 'first', numberMatchRequired: true, poolId: expect.any(String) });
  });

  it('approves a passwordless push only with user verification, and tells the platform no second factor remains', async () => {
    const device = await userInPool(PASSWORDLESS);
    const issued = await issue(device.userId, 'first');
    expect(issued.status).toBe(201);
    expect(issued.body.numberMatch).toMatch(/^\d{2}$/);
    const path = `/v1/device/challenges/${issued.body.challengeId}/response`;
    const refused = await service.device(device, 'POST', path, { decision: 'approve', numberMatch: issued.body.numberMatch });
    expect(refused).toMatchObject({ status: 403, body: { code: 'user_verification_required' } });
    // Refused, nothing changed: still pending, and the user may verify and approve.
    expect((await service.call('GET', `/v1/challenges/${issued.body.challengeId}`, { key: ws.platformKey })).body).toMatchObject({
      status: 'pending',
      factor: 'first',
    });
    expect((await service.device(device, 'POST', path, { decision: 'approve', numberMatch: issued.body.numberMatch, userVerified: true })).status).toBe(200);
    expect((await service.call('GET', `/v1/challenges/${issued.body.challengeId}`, { key: ws.platformKey })).body).toMatchObject({
      status: 'approved',
      factor: 'first',
      amr: ['push'],
      secondFactorRequired: false,
      secondFactor: { methods: [], preferred: null },
    });
  });

  it("asks for the pool's second factor when push does not count as one, and forces number matching whatever the pool says", async () => {
    const device = await userInPool(PUSH_FIRST_TOTP_SECOND);
    const issued = await issue(device.userId, 'first');
    expect(issued.body.numberMatch).toMatch(/^\d{2}$/);
    const path = `/v1/device/challenges/${issued.body.challengeId}/response`;
    expect((await service.device(device, 'POST', path, { decision: 'approve', numberMatch: issued.body.numberMatch, userVerified: true })).status).toBe(200);
    expect((await service.call('GET', `/v1/challenges/${issued.body.challengeId}`, { key: ws.platformKey })).body).toMatchObject({
      status: 'approved',
      amr: ['push'],
      secondFactorRequired: true,
      secondFactor: { methods: ['totp', 'sms_otp'], preferred: 'totp' },
    });
    // A denial needs no verification.
    const denied = await issue(device.userId, 'first');
    expect((await service.device(device, 'POST', `/v1/device/challenges/${denied.body.challengeId}/response`, { decision: 'deny' })).body).toEqual({
      status: 'denied',
    });
  });

  it("follows the pool's number matching for second-factor push", async () => {
    const device = await userInPool({ ...PUSH_FIRST_TOTP_SECOND, secondFactor: { methods: ['push'] }, numberMatching: 'off' });
    const issued = await issue(device.userId);
    expect(issued.status).toBe(201);
    expect(issued.body.numberMatch).toBeUndefined();
  });

  it('limits passwordless pushes per user tighter than the workspace does', async () => {
    const device = await userInPool(PASSWORDLESS);
    expect((await issue(device.userId, 'first')).status).toBe(201);
    expect((await issue(device.userId, 'first')).status).toBe(201);
    const third = await issue(device.userId, 'first');
    expect(third).toMatchObject({ status: 429, body: { code: 'rate_limited' } });
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    // The workspace's own budget (5) still lets a second-factor push through.
    expect((await issue(device.userId, 'second')).status).toBe(201);
  });
});
