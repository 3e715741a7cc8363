import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Consumer, Kafka } from 'kafkajs';
import { topicName } from '@pushmfa/contracts';
import { callJson, createTestNamespace, eventually, type TestNamespace } from '@pushmfa/testing';
import { createWorkspaceWithKeys, registerWithNewKey, startRegistryForTest } from '../device-registry.test-app';

const OPERATOR = 'pools-int-operator-token';

interface Envelope {
  type: string;
  workspaceId: string;
  data: Record<string, any>;
}

const PASSWORDLESS = {
  name: 'Engineering',
  firstFactor: { methods: ['push', 'passkey'], preferred: 'push' },
  secondFactor: { methods: ['totp'], preferred: 'totp' },
  mfaSessionTtlSeconds: 3600,
};

describe('identity pools and sign-in options over HTTP and Kafka with the real stack', () => {
  let ns: TestNamespace;
  let app: NestFastifyApplication;
  let base: string;
  let kafka: Kafka;
  let probe: Consumer;
  const published: Envelope[] = [];

  beforeAll(async () => {
    ns = await createTestNamespace('pools');
    ({ app, base } = await startRegistryForTest(ns, OPERATOR));
    kafka = ns.kafka('pools-int-probe');
    probe = kafka.consumer({ groupId: `probe-${ns.id}`, maxWaitTimeInMs: 100 });
    await probe.connect();
    await probe.subscribe({ topic: topicName('registry', ns.topicPrefix), fromBeginning: true });
    await probe.run({ eachMessage: async ({ message }) => void published.push(JSON.parse(message.value?.toString() ?? '{}') as Envelope) });
  });

  afterAll(async () => {
    await probe?.disconnect();
    await app?.close();
    await ns?.dispose();
  });

  const call = (method: string, path: string, auth?: string, body?: unknown) => callJson(base, method, path, auth, body);
  const workspaceWithKeys = (name: string) => createWorkspaceWithKeys(base, OPERATOR, name);
  const waitForPublished = (what: string, match: (e: Envelope) => boolean) => eventually(async () => published.find(match), what, 20_000);

  async function pairDevice(ws: { platform: string }, userId: string) {
    const pairing = (await call('POST', `/v1/users/${userId}/pairings`, ws.platform, {})).body;
    const { answer } = await registerWithNewKey(base, pairing);
    expect((await call('POST', `/v1/pairings/${pairing.pairingId}/confirm`, ws.platform, { code: answer.body.confirmationCode })).status).toBe(200);
  }

  it('gives every workspace a default pool (password, then push) that can be changed but not deleted', async () => {
    const ws = await workspaceWithKeys('Defaults');
    const { body } = await call('GET', '/v1/workspace/pools', ws.admin);
    expect(body.items).toEqual([
      {
        poolId: 'default',
        name: 'Default',
        isDefault: true,
        members: 0,
        firstFactor: { methods: ['password'], preferred: 'password' },
        secondFactor: { methods: ['push'], preferred: 'push' },
      },
    ]);
    expect(await call('DELETE', '/v1/workspace/pools/default', ws.admin)).toMatchObject({ status: 409, body: { code: 'pool_is_default' } });
    const changed = await call('PATCH', '/v1/workspace/pools/default', ws.admin, { secondFactor: { methods: ['push', 'totp'], preferred: 'totp' } });
    expect(changed).toMatchObject({ status: 200, body: { poolId: 'default', secondFactor: { methods: ['push', 'totp'], preferred: 'totp' } } });
    await waitForPublished('PoolChanged of the default pool', (e) => e.workspaceId === ws.id && e.type === 'PoolChanged' && e.data.poolId === 'default');
  });

  it('creates, reads, changes and deletes a pool, publishing each change; validates what an admin sends', async () => {
    const ws = await workspaceWithKeys('Crud');
    const created = await call('POST', '/v1/workspace/pools', ws.admin, PASSWORDLESS);
    expect(created).toMatchObject({ status: 201, body: { ...PASSWORDLESS, isDefault: false, members: 0, poolId: expect.any(String) } });
    const { poolId } = created.body;
    expect((await call('GET', `/v1/workspace/pools/${poolId}`, ws.admin)).body).toEqual(created.body);
    const created2 = await waitForPublished('PoolCreated', (e) => e.type === 'PoolCreated' && e.data.poolId === poolId);
    expect(created2).toMatchObject({ workspaceId: ws.id, data: { pool: PASSWORDLESS, createdBy: { kind: 'admin' } } });

    const renamed = await call('PATCH', `/v1/workspace/pools/${poolId}`, ws.admin, { name: 'Eng' });
    expect(renamed.body).toMatchObject({ name: 'Eng', firstFactor: PASSWORDLESS.firstFactor });
    await waitForPublished('PoolChanged', (e) => e.type === 'PoolChanged' && e.data.poolId === poolId && e.data.changed.includes('name'));

    // preferred must stay one of methods, also across a partial change.
    const orphaned = await call('PATCH', `/v1/workspace/pools/${poolId}`, ws.admin, { firstFactor: { methods: ['passkey'], preferred: 'push' } });
    expect(orphaned).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    for (const bad of [
      { ...PASSWORDLESS, name: '' },
      { ...PASSWORDLESS, firstFactor: { methods: ['push', 'push'] } },
      { ...PASSWORDLESS, firstFactor: { methods: ['carrier_pigeon'] } },
      { ...PASSWORDLESS, secondFactor: { methods: ['totp'], preferred: 'push' } },
      { ...PASSWORDLESS, numberMatching: 'sometimes' },
      { ...PASSWORDLESS, color: 'red' },
    ]) {
      expect(await call('POST', '/v1/workspace/pools', ws.admin, bad)).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    }
    expect(await call('POST', '/v1/workspace/pools', ws.admin, { ...PASSWORDLESS, name: ' eng ' })).toMatchObject({
      status: 409,
      body: { code: 'pool_name_taken' },
    });
    expect((await call('POST', '/v1/workspace/pools', ws.platform, PASSWORDLESS)).status).toBe(403);

    expect((await call('DELETE', `/v1/workspace/pools/${poolId}`, ws.admin)).status).toBe(204);
    await waitForPublished('PoolDeleted', (e) => e.type === 'PoolDeleted' && e.data.poolId === poolId);
    expect((await call('GET', `/v1/workspace/pools/${poolId}`, ws.admin)).status).toBe(404);
  });

  it("keeps workspaces apart: another workspace's pool answers 404 and cannot be assigned", async () => {
    const [mine, theirs] = await Promise.all([workspaceWithKeys('Mine'), workspaceWithKeys('Theirs')]);
    const { poolId } = (await call('POST', '/v1/workspace/pools', theirs.admin, PASSWORDLESS)).body;
    expect((await call('GET', `/v1/workspace/pools/${poolId}`, mine.admin)).status).toBe(404);
    expect((await call('PATCH', `/v1/workspace/pools/${poolId}`, mine.admin, { name: 'Mine now' })).status).toBe(404);
    expect((await call('DELETE', `/v1/workspace/pools/${poolId}`, mine.admin)).status).toBe(404);
    expect(await call('PUT', '/v1/users/zoe/pool', mine.platform, { poolId })).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });

  it('assigns users, refuses to delete a pool that still has them, and publishes UserPoolAssigned', async () => {
    const ws = await workspaceWithKeys('Members');
    const { poolId } = (await call('POST', '/v1/workspace/pools', ws.admin, PASSWORDLESS)).body;
    expect(await call('PUT', '/v1/users/amy/pool', ws.platform, { poolId })).toMatchObject({ status: 200, body: { userId: 'amy', poolId } });
    await waitForPublished(
      'UserPoolAssigned',
      (e) =>
        e.type === 'UserPoolAssigned' && e.workspaceId === ws.id && e.data.userId === 'amy' && e.data.poolId === poolId && e.data.previousPoolId === 'default',
    );
    expect((await call('GET', `/v1/workspace/pools/${poolId}`, ws.admin)).body.members).toBe(1);
    expect(await call('DELETE', `/v1/workspace/pools/${poolId}`, ws.admin)).toMatchObject({ status: 409, body: { code: 'pool_in_use' } });
    expect((await call('GET', `/v1/workspace/pools/${poolId}`, ws.admin)).status).toBe(200);

    expect((await call('PUT', '/v1/users/amy/pool', ws.admin, { poolId: 'default' })).status).toBe(200);
    expect((await call('DELETE', `/v1/workspace/pools/${poolId}`, ws.admin)).status).toBe(204);
    expect(await call('PUT', '/v1/users/amy/pool', ws.platform, { poolId })).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(await call('PUT', '/v1/users/amy/pool', ws.platform, { poolId: '' })).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
  });

  it('never leaves a user in a deleted pool when an assignment and the deletion race', async () => {
    const ws = await workspaceWithKeys('Race');
    for (let round = 0; round < 5; round++) {
      const { poolId } = (await call('POST', '/v1/workspace/pools', ws.admin, { ...PASSWORDLESS, name: `Race ${round}` })).body;
      const [assigned, deleted] = await Promise.all([
        call('PUT', `/v1/users/racer-${round}/pool`, ws.platform, { poolId }),
        call('DELETE', `/v1/workspace/pools/${poolId}`, ws.admin),
      ]);
      // Exactly one wins: assigned (and the pool stays, in use) or deleted (and the assignment is refused).
      if (assigned.status === 200) {
        expect(deleted.body.code).toBe('pool_in_use');
        expect((await call('GET', `/v1/users/racer-${round}/sign-in-options`, ws.platform)).body.poolId).toBe(poolId);
      } else {
        expect([assigned.status, deleted.status]).toEqual([404, 204]);
        expect((await call('GET', `/v1/users/racer-${round}/sign-in-options`, ws.platform)).body.poolId).toBe('default');
      }
    }
  });

  it("answers sign-in options from the user's pool, naming why push cannot be offered", async () => {
    const ws = await workspaceWithKeys('Options');
    const options = async (userId: string) => (await call('GET', `/v1/users/${userId}/sign-in-options`, ws.platform)).body;
    // Push is off for the workspace: the page offers the password and no push.
    expect(await options('ben')).toEqual({
      poolId: 'default',
      firstFactor: { methods: ['password'], preferred: 'password' },
      secondFactor: { methods: ['push'], preferred: 'push' },
      push: { available: false, reason: 'push_disabled' },
    });
    expect((await call('PATCH', '/v1/workspace/settings', ws.admin, { pushEnabled: true })).status).toBe(200);
    expect((await options('ben')).push).toEqual({ available: false, reason: 'no_active_device' });
    await pairDevice(ws, 'ben');
    expect((await options('ben')).push).toEqual({ available: true });

    const noPush = (
      await call('POST', '/v1/workspace/pools', ws.admin, {
        name: 'Contractors',
        firstFactor: { methods: ['password'] },
        secondFactor: { methods: ['totp', 'sms_otp'] },
      })
    ).body;
    expect((await call('PUT', '/v1/users/ben/pool', ws.admin, { poolId: noPush.poolId })).status).toBe(200);
    expect(await options('ben')).toEqual({
      poolId: noPush.poolId,
      firstFactor: { methods: ['password'], preferred: 'password' },
      secondFactor: { methods: ['totp', 'sms_otp'], preferred: 'totp' },
      push: { available: false, reason: 'not_in_pool' },
    });
    expect((await call('GET', '/v1/users/ben/sign-in-options', ws.admin)).status).toBe(200);
    expect((await call('GET', '/v1/users/ben/sign-in-options')).status).toBe(401);
  });
});
