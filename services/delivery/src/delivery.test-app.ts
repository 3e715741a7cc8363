import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DEAD_LETTER_SUFFIX, topicName } from '@pushmfa/contracts';
import {
  type ApnsEmulator,
  assertJestCanRunFirebaseAdmin,
  type CheckedPushEmulators,
  type FcmEmulator,
  startCheckedPushEmulators,
} from '@pushmfa/push-emulators';
import { createTestNamespace, type TestNamespace } from '@pushmfa/testing';
import { loadDeliveryConfig } from './config';
import { startDelivery } from './main';
import { setUpPushProviders } from './push-provider-setup';
import { ContractTopicProbe, type ReceivedEnvelope } from './contract-topic.test-probe';
import { RawTopicProbe } from './raw-topic.test-probe';

export type ProviderName = 'fcm' | 'apns';

/** A delivery app started in this process against the harness's namespace and emulators. */
export interface DeliveryWorker {
  app: NestFastifyApplication;
  metrics(): Promise<string>;
  close(): Promise<void>;
}

/**
 * One test file's delivery world: a namespace on the real broker and database, both emulators (real SDKs talk to
 * them over TLS), probes on the delivery topic and its dead-letter topic, and delivery workers on demand.
 */
export class DeliveryTestHarness {
  readonly workspaceId = `ws-${randomUUID()}`;
  readonly userId = `user-${randomUUID()}`;
  readonly probe: ContractTopicProbe;
  readonly deadLetters: RawTopicProbe;
  /** The provider environment main.ts would read, pointing at the emulators. */
  readonly providerEnv: Record<string, string>;

  readonly fcm: FcmEmulator;
  readonly apns: ApnsEmulator;

  private constructor(
    readonly ns: TestNamespace,
    private readonly emulators: CheckedPushEmulators,
  ) {
    this.fcm = emulators.fcm;
    this.apns = emulators.apns;
    this.providerEnv = emulators.deliveryEnv;
    this.probe = new ContractTopicProbe(ns.kafkaBrokers);
    this.deadLetters = new RawTopicProbe(ns.kafkaBrokers);
  }

  static async start(label: string): Promise<DeliveryTestHarness> {
    assertJestCanRunFirebaseAdmin();
    const ns = await createTestNamespace(label);
    const harness = new DeliveryTestHarness(ns, await startCheckedPushEmulators(label));
    await harness.probe.start(topicName('delivery', ns.topicPrefix));
    await harness.deadLetters.start(topicName('delivery', ns.topicPrefix) + DEAD_LETTER_SUFFIX);
    return harness;
  }

  /** Starts a delivery app in this process, as main.ts does, and waits until it is ready. */
  async startWorker(extraEnv: Record<string, string> = {}): Promise<DeliveryWorker> {
    const env = { ...this.ns.serviceEnv('delivery'), ...this.providerEnv, PORT: '0', PUSHMFA_MODE: 'production', ...extraEnv };
    const config = loadDeliveryConfig(env);
    const providers = await setUpPushProviders(config, env);
    const app = await startDelivery(config, providers, { handleSignals: false, host: '127.0.0.1' });
    const inject = async (url: string) => app.getHttpAdapter().getInstance().inject({ method: 'GET', url });
    const deadline = Date.now() + 30_000;
    let last = '';
    for (;;) {
      const answer = await inject('/health/ready');
      if (answer.statusCode === 200) break;
      last = answer.body;
      if (Date.now() > deadline) {
        await app.close();
        throw new Error(`delivery never became ready: ${last}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    let closed = false;
    return {
      app,
      metrics: async () => (await inject('/metrics')).body,
      close: async () => {
        if (closed) return;
        closed = true;
        await app.close();
      },
    };
  }

  async pairDevice(provider: ProviderName, deviceId: string, pushToken: string): Promise<void> {
    await this.probe.publish(
      topicName('registry', this.ns.topicPrefix),
      `${this.workspaceId}/${this.userId}`,
      'DevicePaired',
      {
        pairingId: `pair-${deviceId}`,
        deviceId,
        userId: this.userId,
        name: provider === 'fcm' ? 'Pixel' : 'iPhone',
        platform: provider === 'fcm' ? 'android' : 'ios',
        pushProvider: provider,
        pushToken,
        publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
        pairedAt: new Date().toISOString(),
      },
      { workspaceId: this.workspaceId, streamId: `device-${deviceId}` },
    );
  }

  async issueChallenge(challengeId: string, devices: { deviceId: string; provider: ProviderName }[], expiresAt: Date) {
    return this.probe.publish(
      topicName('challenge', this.ns.topicPrefix),
      challengeId,
      'ChallengeIssued',
      {
        challengeId,
        userId: this.userId,
        createdAt: new Date().toISOString(),
        expiresAt: expiresAt.toISOString(),
        numberMatchRequired: true,
        context: { application: 'Payroll', ipAddress: '203.0.113.7' },
        devices: devices.map(({ deviceId, provider }) => ({
          deviceId,
          pushProvider: provider,
          platform: provider === 'fcm' ? ('android' as const) : ('ios' as const),
        })),
      },
      { workspaceId: this.workspaceId, streamId: `challenge-${challengeId}` },
    );
  }

  /** Outcome events of one push (challenge, device), in arrival order. */
  eventsOf(challengeId: string, deviceId: string): ReceivedEnvelope[] {
    return this.probe.received.filter((r) => r.envelope.data.challengeId === challengeId && r.envelope.data.deviceId === deviceId);
  }

  waitForEvent(type: string, challengeId: string, deviceId: string, timeoutMs?: number): Promise<ReceivedEnvelope> {
    return this.probe.waitFor(
      `${type} for challenge ${challengeId} device ${deviceId}`,
      (r) => r.envelope.type === type && r.envelope.data.challengeId === challengeId && r.envelope.data.deviceId === deviceId,
      timeoutMs,
    );
  }

  fcmPushesTo(token: string) {
    return this.fcm.received().filter((message) => message.token === token);
  }

  apnsPushesTo(token: string) {
    return this.apns.received().filter((notification) => notification.deviceToken === token);
  }

  async stop(): Promise<void> {
    await this.probe.stop().catch(() => undefined);
    await this.deadLetters.stop().catch(() => undefined);
    await this.emulators.close();
    await this.ns.dispose();
  }
}
