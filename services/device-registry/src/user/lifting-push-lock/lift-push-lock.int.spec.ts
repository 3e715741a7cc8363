import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Consumer, Producer } from 'kafkajs';
import { buildEnvelope, type ContractEnvelope, topicName } from '@pushmfa/contracts';
import { callJson, createTestNamespace, eventually, type TestNamespace } from '@pushmfa/testing';
import { createWorkspaceWithKeys, startRegistryForTest } from '../../device-registry.test-app';
import type { Pool } from 'pg';
import { REGISTRY_DATABASE } from '../../device-registry.di-tokens';
import { PushLockView } from '../push-lock-view/push-lock-view';
import { InboundEventsConsumer } from '../../consuming/inbound-events.consumer';

const OPERATOR = 'push-lock-int-operator-token';

/**
 * The help desk lifts a user's push lock at the registry: the registry knows the lock from the challenge topic
 * (FraudReported, PushLocked), lifts only a lock in force, and answers once PushLockLifted is published.
 */
describe('DELETE /v1/users/{userId}/push-lock at the registry', () => {
  let ns: TestNamespace;
  let app: NestFastifyApplication;
  let base: string;
  let pushLocks: PushLockView;
  let pool: Pool;
  let producer: Producer;
  let probe: Consumer;
  const published: ContractEnvelope[] = [];

  beforeAll(async () => {
    ns = await createTestNamespace('pushlock');
    ({ app, base } = await startRegistryForTest(ns, OPERATOR));
    pushLocks = app.get(PushLockView);
    pool = app.get<Pool>(REGISTRY_DATABASE);
    const kafka = ns.kafka('push-lock-int-probe');
    producer = kafka.producer();
    await producer.connect();
    probe = kafka.consumer({ groupId: `probe-${ns.id}`, maxWaitTimeInMs: 100 });
    await probe.connect();
    await probe.subscribe({ topic: topicName('registry', ns.topicPrefix), fromBeginning: true });
    await probe.run({ eachMessage: async ({ message }) => void published.push(JSON.parse(message.value?.toString() ?? '{}') as ContractEnvelope) });
  });

  afterAll(async () => {
    await probe?.disconnect();
    await producer?.disconnect();
    await app?.close();
    await ns?.dispose();
  });

  const lift = (userId: string, key: string) => callJson(base, 'DELETE', `/v1/users/${userId}/push-lock`, key);
  const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

  /** The challenge service's side: a locking event on the challenge topic, keyed by its challenge. */
  async function lock(workspaceId: string, userId: string, how: { type: 'FraudReported' | 'PushLocked'; lockedUntil: string; challengeId?: string }) {
    const challengeId = how.challengeId ?? `c-${randomUUID()}`;
    const common = {
      id: randomUUID(),
      occurredAt: new Date().toISOString(),
      workspaceId,
      streamId: `push-challenge-${challengeId}`,
      correlationId: randomUUID(),
    };
    const envelope =
      how.type === 'FraudReported'
        ? buildEnvelope({ ...common, type: 'FraudReported', data: { challengeId, userId, deviceId: 'd-1', lockedUntil: how.lockedUntil } })
        : buildEnvelope({
            ...common,
            type: 'PushLocked',
            data: { challengeId, userId, reason: 'number_mismatch', lockedUntil: how.lockedUntil, consecutiveMismatches: 3 },
          });
    await producer.send({ topic: topicName('challenge', ns.topicPrefix), messages: [{ key: challengeId, value: JSON.stringify(envelope) }] });
    return challengeId;
  }

  /** Waits until the registry's view has the lock of `challengeId` (it reads the challenge topic). */
  const viewed = (workspaceId: string, userId: string, challengeId: string) =>
    eventually(
      async () => ((await pushLocks.inForce(pool, workspaceId, userId, new Date()))?.challengeId === challengeId ? true : undefined),
      `the registry's view of ${challengeId}'s lock`,
      30_000,
    );

  const liftedEvents = (workspaceId: string) => published.filter((e) => e.type === 'PushLockLifted' && e.workspaceId === workspaceId);

  it('answers 404 not_found when push is not locked for the user, and publishes nothing', async () => {
    const ws = await createWorkspaceWithKeys(base, OPERATOR, 'Not locked');
    const answer = await lift('amy', ws.admin);
    expect(answer).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(answer.contentType).toContain('application/problem+json');
  });

  it('refuses the platform key (403) and leaves the lock in force', async () => {
    const ws = await createWorkspaceWithKeys(base, OPERATOR, 'Platform');
    const challengeId = await lock(ws.id, 'ben', { type: 'FraudReported', lockedUntil: inMinutes(15) });
    await viewed(ws.id, 'ben', challengeId);
    expect(await lift('ben', ws.platform)).toMatchObject({ status: 403 });
    expect(await pushLocks.inForce(pool, ws.id, 'ben', new Date())).toMatchObject({ challengeId });
  });

  it('lifts a fraud lock published just before: 204 after PushLockLifted is published; a second lift is 404', async () => {
    const ws = await createWorkspaceWithKeys(base, OPERATOR, 'Fraud');
    const lockedUntil = inMinutes(15);
    const challengeId = await lock(ws.id, 'cleo', { type: 'FraudReported', lockedUntil });

    // Right after the lock was published, without waiting for the view: the lift waits until the view is current.
    expect((await lift('cleo', ws.admin)).status).toBe(204);
    // Answered after the relay published it: the probe sees it without waiting for anything else.
    const event = await eventually(async () => liftedEvents(ws.id)[0], 'PushLockLifted');
    expect(event.data).toEqual({ userId: 'cleo', liftedBy: expect.any(String), reason: 'fraud_report', lockedUntil, challengeId });
    expect(await lift('cleo', ws.admin)).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(liftedEvents(ws.id)).toHaveLength(1);
  });

  it('lifts a wrong-number lock; a lock of another challenge recorded after the lift is in force again', async () => {
    const ws = await createWorkspaceWithKeys(base, OPERATOR, 'Mismatch');
    const first = await lock(ws.id, 'dora', { type: 'PushLocked', lockedUntil: inMinutes(15) });
    await viewed(ws.id, 'dora', first);
    expect((await lift('dora', ws.admin)).status).toBe(204);
    expect(liftedEvents(ws.id)[0]?.data).toMatchObject({ reason: 'number_mismatch', challengeId: first });

    const second = await lock(ws.id, 'dora', { type: 'FraudReported', lockedUntil: inMinutes(15) });
    await viewed(ws.id, 'dora', second);
    expect((await lift('dora', ws.admin)).status).toBe(204);
    expect(liftedEvents(ws.id).map((e) => (e.data as { challengeId?: string }).challengeId)).toEqual([first, second]);
  });

  it('answers 404 to a lock that has run out', async () => {
    const ws = await createWorkspaceWithKeys(base, OPERATOR, 'Run out');
    const challengeId = await lock(ws.id, 'eli', { type: 'FraudReported', lockedUntil: new Date(Date.now() + 1500).toISOString() });
    await viewed(ws.id, 'eli', challengeId);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(await lift('eli', ws.admin)).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });

  it("keeps workspaces apart: another workspace's admin cannot lift the lock of a user of the same id", async () => {
    const a = await createWorkspaceWithKeys(base, OPERATOR, 'A');
    const b = await createWorkspaceWithKeys(base, OPERATOR, 'B');
    const challengeId = await lock(a.id, 'fay', { type: 'FraudReported', lockedUntil: inMinutes(15) });
    await viewed(a.id, 'fay', challengeId);
    expect(await lift('fay', b.admin)).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(await pushLocks.inForce(pool, a.id, 'fay', new Date())).toMatchObject({ challengeId });
    expect((await lift('fay', a.admin)).status).toBe(204);
    expect(liftedEvents(b.id)).toEqual([]);
  });

  it('documents the lift in /openapi.json', async () => {
    const { body } = await callJson(base, 'GET', '/openapi.json');
    const operation = body.paths['/v1/users/{userId}/push-lock']?.delete;
    expect(operation).toMatchObject({ tags: ['users'], responses: { '204': expect.anything(), '404': expect.anything() } });
  });

  // Last: it leaves the view's consumer stopped.
  it('answers 503 unavailable, lifting nothing, while its view of the challenge topic cannot be shown current', async () => {
    const ws = await createWorkspaceWithKeys(base, OPERATOR, 'View behind');
    const consumer = (app.get(InboundEventsConsumer) as unknown as { consumer: { stop(): Promise<void> } }).consumer;
    await consumer.stop();
    await lock(ws.id, 'gil', { type: 'FraudReported', lockedUntil: inMinutes(15) });
    expect(await lift('gil', ws.admin)).toMatchObject({ status: 503, body: { code: 'unavailable' } });
    expect(liftedEvents(ws.id)).toEqual([]);
  });
});
