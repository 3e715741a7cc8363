import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { buildEnvelope, topicName } from '@pushmfa/contracts';
import { callJson, createTestNamespace, eventually, type TestNamespace } from '@pushmfa/testing';
import { createWorkspaceWithKeys, startRegistryForTest } from '../device-registry.test-app';
import type { Pool } from 'pg';
import { EventStoreKafkaRelay } from '@pushmfa/messaging';
import { REGISTRY_DATABASE } from '../device-registry.di-tokens';
import { PushLockView } from '../user/push-lock-view/push-lock-view';

const OPERATOR = 'registry-publish-operator-token';

/**
 * A write the other services must honour at once answers only after the relay has published its event: while the
 * relay cannot publish, the registry answers 503 (the change is recorded and the registry itself honours it), and the
 * repeated call answers once the event is on Kafka.
 */
describe('the registry answers security-relevant writes after they are published', () => {
  let ns: TestNamespace;
  let app: NestFastifyApplication;
  let base: string;
  let pushLocks: PushLockView;
  let pool: Pool;

  beforeAll(async () => {
    ns = await createTestNamespace('publishwait');
    // Long enough for a loaded machine's relay to publish the setup's writes, short enough for the outages below.
    ({ app, base } = await startRegistryForTest(ns, OPERATOR, { REGISTRY_PUBLISH_WAIT_MS: '2000' }));
    pushLocks = app.get(PushLockView);
    pool = app.get<Pool>(REGISTRY_DATABASE);
  });

  afterAll(async () => {
    await app?.close();
    await ns?.dispose();
  });

  const call = (method: string, path: string, auth?: string, body?: unknown) => callJson(base, method, path, auth, body);
  // The relay of this instance, stopped and started as an outage of the broker would.
  const relay = () => app.get(EventStoreKafkaRelay);

  it('answers 503 to a revocation the relay could not publish, refuses the key itself at once, and 204 once published', async () => {
    const ws = await createWorkspaceWithKeys(base, OPERATOR, 'Relay down');
    const issued = await call('POST', `/v1/workspaces/${ws.id}/api-keys`, OPERATOR, { role: 'admin' });
    expect(issued.status).toBe(201);

    await relay().stop();
    try {
      const revoked = await call('DELETE', `/v1/workspaces/${ws.id}/api-keys/${issued.body.id}`, OPERATOR);
      expect(revoked).toMatchObject({ status: 503, body: { code: 'unavailable' } });
      expect((await call('GET', '/v1/workspace', issued.body.key)).status).toBe(401);

      const during = await call('POST', `/v1/workspaces/${ws.id}/api-keys`, OPERATOR, { role: 'platform' });
      expect(during).toMatchObject({ status: 503, body: { code: 'unavailable' } });
      expect(during.body.key).toBeUndefined();
    } finally {
      await relay().start();
    }
    expect((await call('DELETE', `/v1/workspaces/${ws.id}/api-keys/${issued.body.id}`, OPERATOR)).status).toBe(204);
  });

  it('answers 503 to a push-lock lift the relay could not publish; the lift is recorded, so the lock is no longer in force there', async () => {
    const ws = await createWorkspaceWithKeys(base, OPERATOR, 'Lift while relay down');
    const challengeId = `c-${randomUUID()}`;
    const producer = ns.kafka('publishwait-lock').producer();
    await producer.connect();
    try {
      const fraud = buildEnvelope({
        id: randomUUID(),
        type: 'FraudReported',
        occurredAt: new Date().toISOString(),
        workspaceId: ws.id,
        streamId: `challenge-${challengeId}`,
        correlationId: randomUUID(),
        data: { challengeId, userId: 'gus', deviceId: 'd-1', lockedUntil: new Date(Date.now() + 15 * 60_000).toISOString() },
      });
      await producer.send({ topic: topicName('challenge', ns.topicPrefix), messages: [{ key: challengeId, value: JSON.stringify(fraud) }] });
    } finally {
      await producer.disconnect();
    }
    await eventually(async () => ((await pushLocks.inForce(pool, ws.id, 'gus', new Date())) ? true : undefined), 'the lock in the view');

    await relay().stop();
    try {
      expect(await call('DELETE', '/v1/users/gus/push-lock', ws.admin)).toMatchObject({ status: 503, body: { code: 'unavailable' } });
      expect(await pushLocks.inForce(pool, ws.id, 'gus', new Date())).toBeNull();
    } finally {
      await relay().start();
    }
    // Recorded once: PushLockLifted goes out when the relay is back, and a repeated call finds nothing to lift.
    expect(await call('DELETE', '/v1/users/gus/push-lock', ws.admin)).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });
});
