import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { topicName } from '@pushmfa/contracts';
import { createServiceApp } from '@pushmfa/http';
import { shutdownTracing, startTracing } from '@pushmfa/observability';
import { assertJestCanRunFirebaseAdmin, createTestServiceAccount, type FcmEmulator, startFcmEmulator } from '@pushmfa/push-emulators';
import { createTestNamespace, type TestNamespace } from '@pushmfa/testing';
import { ContractTopicProbe } from '../contract-topic.test-probe';
import { loadDeliveryConfig } from '../config';
import { DeliveryModule } from '../delivery.module';
import { FcmPushProvider } from '../providers/fcm.provider';

jest.setTimeout(60_000);

const account = createTestServiceAccount('pushmfa-delivery-int');
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const workspaceId = `ws-${randomUUID()}`;
const userId = `alice-${randomUUID()}`;

let ns: TestNamespace;
let emulator: FcmEmulator;
let app: NestFastifyApplication | undefined;
let probe: ContractTopicProbe;
const credentialsDir = mkdtempSync(path.join(tmpdir(), 'delivery-int-'));

async function pairDevice(deviceId: string, pushToken: string): Promise<void> {
  await probe.publish(
    topicName('registry', ns.topicPrefix),
    `${workspaceId}/${userId}`,
    'DevicePaired',
    {
      pairingId: `pair-${deviceId}`,
      deviceId,
      userId,
      name: 'Pixel',
      platform: 'android',
      pushProvider: 'fcm',
      pushToken,
      publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      pairedAt: new Date().toISOString(),
    },
    { workspaceId, streamId: `device-${deviceId}` },
  );
}

async function issueChallenge(challengeId: string, deviceIds: string[], expiresAt: Date) {
  return probe.publish(
    topicName('challenge', ns.topicPrefix),
    challengeId,
    'ChallengeIssued',
    {
      challengeId,
      userId,
      createdAt: new Date().toISOString(),
      expiresAt: expiresAt.toISOString(),
      numberMatchRequired: true,
      context: { application: 'Payroll', ipAddress: '203.0.113.7' },
      devices: deviceIds.map((deviceId) => ({ deviceId, pushProvider: 'fcm' as const, platform: 'android' as const })),
    },
    { workspaceId, streamId: `challenge-${challengeId}`, traceparent: TRACEPARENT },
  );
}

async function publishChallengeEvent(challengeId: string, type: 'ChallengeResendRequested' | 'ChallengeApproved', data: Record<string, unknown>) {
  await probe.publish(topicName('challenge', ns.topicPrefix), challengeId, type, { challengeId, userId, ...data } as never, {
    workspaceId,
    streamId: `challenge-${challengeId}`,
  });
}

const inAMinute = () => new Date(Date.now() + 60_000);
const eventFor = (type: string, challengeId: string, deviceId: string) => (r: { envelope: { type: string; data: Record<string, unknown> } }) =>
  r.envelope.type === type && r.envelope.data.challengeId === challengeId && r.envelope.data.deviceId === deviceId;
const pushesTo = (token: string) => emulator.received().filter((message) => message.token === token);

async function waitUntilReady(): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = '';
  while (Date.now() < deadline) {
    const answer = await app!.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/health/ready' });
    if (answer.statusCode === 200) return;
    last = answer.body;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`delivery never became ready: ${last}`);
}

beforeAll(async () => {
  assertJestCanRunFirebaseAdmin();
  // As main.ts does: without a tracer provider the consumer span could not continue the producer's trace.
  startTracing('delivery-int-test');
  ns = await createTestNamespace('delivery');
  emulator = await startFcmEmulator({
    serviceAccounts: [{ clientEmail: account.serviceAccount.client_email, publicKeyPem: account.publicKeyPem }],
    requireKnownServiceAccount: true,
  });
  const serviceAccountFile = path.join(credentialsDir, 'service-account.json');
  writeFileSync(serviceAccountFile, JSON.stringify(account.serviceAccount));
  const fcm = new FcmPushProvider({
    serviceAccountFile,
    emulator: { host: '127.0.0.1', port: emulator.port, caPem: emulator.caPem },
  });
  const config = loadDeliveryConfig({ ...ns.serviceEnv('delivery'), PORT: '0' });
  @Module({ imports: [DeliveryModule.forRoot(config, { fcm })] })
  class DeliveryTestModule {}
  app = await createServiceApp(DeliveryTestModule, { serviceName: 'delivery', port: 0, host: '127.0.0.1', handleSignals: false });
  probe = new ContractTopicProbe(ns.kafkaBrokers);
  await probe.start(topicName('delivery', ns.topicPrefix));
  await waitUntilReady();
});

afterAll(async () => {
  await probe?.stop();
  await app?.close();
  await emulator?.close();
  await ns?.dispose();
  rmSync(credentialsDir, { recursive: true, force: true });
  await shutdownTracing();
});

describe('delivery pushes issued challenges through the provider and reports the outcome', () => {
  it('pushes a data message (challenge id, no number) and publishes PushDispatched with the trace carried on', async () => {
    const deviceId = `dev-${randomUUID()}`;
    const token = `token-${randomUUID()}`;
    const challengeId = `ch-${randomUUID()}`;
    await pairDevice(deviceId, token);
    const issued = await issueChallenge(challengeId, [deviceId], inAMinute());

    const dispatched = await probe.waitFor('PushDispatched', eventFor('PushDispatched', challengeId, deviceId));

    expect(dispatched.key).toBe(challengeId);
    expect(dispatched.envelope).toMatchObject({
      workspaceId,
      streamId: `push-${challengeId}-${deviceId}`,
      correlationId: issued.correlationId,
      causationId: issued.id,
      data: { userId, provider: 'fcm', attempt: 1, providerMessageId: expect.stringContaining('/messages/') },
    });
    expect(dispatched.traceparent?.split('-')[1]).toBe(TRACEPARENT.split('-')[1]);
    const [push] = pushesTo(token);
    const data = (push?.body as { message: { data: Record<string, string> } }).message.data;
    expect(data.challengeId).toBe(challengeId);
    expect(JSON.stringify(push?.body)).not.toMatch(/numberMatch|"number"/i);
  });

  it("reports a dead token as PushRejected while the same user's other device still gets its push", async () => {
    const deadDevice = `dev-${randomUUID()}`;
    const deadToken = `dead-${randomUUID()}`;
    const liveDevice = `dev-${randomUUID()}`;
    const liveToken = `live-${randomUUID()}`;
    emulator.script(deadToken, { fail: 'UNREGISTERED' });
    await pairDevice(deadDevice, deadToken);
    await pairDevice(liveDevice, liveToken);
    const challengeId = `ch-${randomUUID()}`;
    await issueChallenge(challengeId, [deadDevice, liveDevice], inAMinute());

    await probe.waitFor('PushRejected for the dead token', eventFor('PushRejected', challengeId, deadDevice));
    await probe.waitFor('PushDispatched for the live device', eventFor('PushDispatched', challengeId, liveDevice));
    expect(pushesTo(liveToken)).toHaveLength(1);
  });

  it('waits for a device whose pairing arrives after the challenge', async () => {
    const deviceId = `dev-${randomUUID()}`;
    const token = `late-${randomUUID()}`;
    const challengeId = `ch-${randomUUID()}`;
    await issueChallenge(challengeId, [deviceId], inAMinute());
    await new Promise((resolve) => setTimeout(resolve, 300));
    await pairDevice(deviceId, token);

    await probe.waitFor('PushDispatched for the late device', eventFor('PushDispatched', challengeId, deviceId));
  });

  it('sends nothing for a challenge whose expiry has already passed', async () => {
    const deviceId = `dev-${randomUUID()}`;
    const token = `expired-${randomUUID()}`;
    await pairDevice(deviceId, token);
    const expiredId = `ch-${randomUUID()}`;
    await issueChallenge(expiredId, [deviceId], new Date(Date.now() - 1_000));
    // A later live challenge to the same device proves the expired one has been consumed by then.
    const liveId = `ch-${randomUUID()}`;
    await issueChallenge(liveId, [deviceId], inAMinute());
    await probe.waitFor('PushDispatched for the live challenge', eventFor('PushDispatched', liveId, deviceId));
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    expect(pushesTo(token)).toHaveLength(1);
    expect(probe.received.filter((r) => r.envelope.data.challengeId === expiredId)).toEqual([]);
  });

  it('pushes again on a resend, and not at all once the challenge is resolved', async () => {
    const deviceId = `dev-${randomUUID()}`;
    const token = `resend-${randomUUID()}`;
    const challengeId = `ch-${randomUUID()}`;
    await pairDevice(deviceId, token);
    const expiresAt = inAMinute();
    await issueChallenge(challengeId, [deviceId], expiresAt);
    await probe.waitFor('the first PushDispatched', eventFor('PushDispatched', challengeId, deviceId));

    await publishChallengeEvent(challengeId, 'ChallengeResendRequested', { attempt: 1, expiresAt: expiresAt.toISOString() });
    const resent = await probe.waitFor(
      'the resend PushDispatched',
      (r) => eventFor('PushDispatched', challengeId, deviceId)(r) && r.envelope.data.attempt !== 1,
    );
    expect(resent.envelope.data).toMatchObject({ attempt: 4 });

    await publishChallengeEvent(challengeId, 'ChallengeApproved', { deviceId, resolvedAt: new Date().toISOString() });
    await publishChallengeEvent(challengeId, 'ChallengeResendRequested', { attempt: 2, expiresAt: expiresAt.toISOString() });
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    expect(pushesTo(token)).toHaveLength(2);
  });

  it("sends an admin's test push that says it is a test and approves nothing, and publishes its outcomes naming the test push", async () => {
    const deviceId = `dev-${randomUUID()}`;
    const token = `test-push-${randomUUID()}`;
    const testPushId = randomUUID();
    await pairDevice(deviceId, token);
    emulator.script(token, { fail: 'UNAVAILABLE', times: 1 });
    const requested = await probe.publish(
      topicName('registry', ns.topicPrefix),
      `${workspaceId}/${userId}`,
      'TestPushRequested',
      { testPushId, userId, deviceId, requestedBy: { kind: 'admin', keyId: 'k1' }, requestedAt: new Date().toISOString() },
      { workspaceId, streamId: `device-${deviceId}`, traceparent: TRACEPARENT },
    );
    const ofTestPush = (type: string) => (r: { envelope: { type: string; data: Record<string, unknown> } }) =>
      r.envelope.type === type && r.envelope.data.testPushId === testPushId;

    // The same retry policy as a challenge's push: a transient failure is tried again.
    const failedOnce = await probe.waitFor('PushAttemptFailed of the test push', ofTestPush('PushAttemptFailed'));
    expect(failedOnce.envelope.data).toMatchObject({ testPushId, userId, deviceId, provider: 'fcm', attempt: 1 });
    expect(failedOnce.envelope.data.challengeId).toBeUndefined();
    const dispatched = await probe.waitFor('PushDispatched of the test push', ofTestPush('PushDispatched'), 20_000);
    expect(dispatched.key).toBe(testPushId);
    expect(dispatched.envelope).toMatchObject({
      workspaceId,
      correlationId: requested.correlationId,
      causationId: requested.id,
      data: { testPushId, userId, deviceId, provider: 'fcm', attempt: 2, providerMessageId: expect.any(String) },
    });
    const pushes = pushesTo(token);
    expect(pushes).toHaveLength(2);
    const data = (pushes[1]?.body as { message: { data: Record<string, string> } }).message.data;
    expect(data).toMatchObject({ type: 'test_push', testPushId, title: 'Test notification', body: 'Test notification from pushmfa: no action needed' });
    expect(JSON.stringify(pushes[1]?.body)).not.toMatch(/challenge|numberMatch/i);

    // A redelivered request sends nothing more.
    await probe.publish(
      topicName('registry', ns.topicPrefix),
      `${workspaceId}/${userId}`,
      'TestPushRequested',
      { testPushId, userId, deviceId, requestedBy: { kind: 'admin', keyId: 'k1' }, requestedAt: new Date().toISOString() },
      { workspaceId, streamId: `device-${deviceId}`, id: requested.id },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(pushesTo(token)).toHaveLength(2);
  });

  it('counts published outcomes on /metrics', async () => {
    const answer = await app!.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/metrics' });
    expect(answer.body).toMatch(/delivery_push_outcomes_total\{[^}]*provider="fcm"[^}]*type="PushDispatched"[^}]*\} [1-9]/);
    expect(answer.body).toMatch(/delivery_push_outcomes_total\{[^}]*type="PushRejected"[^}]*\} 1/);
  });

  // Last: it shuts the service down.
  it('finishes a push in flight and reports it before shutting down', async () => {
    const deviceId = `dev-${randomUUID()}`;
    const token = `slow-${randomUUID()}`;
    const challengeId = `ch-${randomUUID()}`;
    await pairDevice(deviceId, token);
    emulator.script(token, { delayMs: 1_500 });
    await issueChallenge(challengeId, [deviceId], inAMinute());
    const deadline = Date.now() + 15_000;
    while (pushesTo(token).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pushesTo(token)[0]?.answer).toBe('pending');

    await app!.close();
    app = undefined;

    await probe.waitFor('PushDispatched of the push in flight', eventFor('PushDispatched', challengeId, deviceId), 5_000);
  });
});
