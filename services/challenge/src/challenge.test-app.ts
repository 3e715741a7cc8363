import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import { type ContractEnvelope, DEFAULT_SETTINGS, topicName, type WorkspaceSettings } from '@pushmfa/contracts';
import { signDeviceRequest } from '@pushmfa/device-auth';
import { PostgresEventStore } from '@pushmfa/event-store';
import { createKafka, KafkaEventPublisher } from '@pushmfa/messaging';
import { createTestNamespace, type TestNamespace } from '@pushmfa/testing';
import { loadChallengeConfig } from './config';
import { startChallengeService } from './main';
import { guardPoolConnections } from '@pushmfa/postgres';

export interface HttpAnswer {
  status: number;
  body: any;
  headers: Headers;
}

export interface TestDevice {
  deviceId: string;
  userId: string;
  privateJwk: Record<string, unknown>;
}

export interface TestWorkspace {
  workspaceId: string;
  platformKey: string;
}

/** A workspace as `workspace()` sets it up: with an admin key too. */
export interface TestWorkspaceWithAdmin extends TestWorkspace {
  adminKey: string;
  adminKeyId: string;
}

/** One in-process challenge service instance on a random port. */
export class ChallengeInstance {
  constructor(
    readonly app: NestFastifyApplication,
    readonly baseUrl: string,
  ) {}

  async call(method: string, path: string, options: { key?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
    const text = options.body === undefined ? undefined : JSON.stringify(options.body);
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(text ? { 'content-type': 'application/json' } : {}),
        ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
        ...options.headers,
      },
      ...(text ? { body: text } : {}),
    });
    const answer = await response.text();
    return { status: response.status, body: answer ? JSON.parse(answer) : undefined, headers: response.headers };
  }

  /** A request signed by the device, as the authenticator app sends it. */
  device(device: TestDevice, method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const signed = signDeviceRequest(device.privateJwk, { method, pathWithQuery: path, body: text, deviceId: device.deviceId });
    return this.callRaw(method, path, text, signed as unknown as Record<string, string>);
  }

  private async callRaw(method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<HttpAnswer> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body } : {}),
    });
    const answer = await response.text();
    return { status: response.status, body: answer ? JSON.parse(answer) : undefined, headers: response.headers };
  }

  /** A group commit's histogram from the instance's /metrics: batches taken for `command`, and requests they carried. */
  async groupCommitBatches(command: string): Promise<{ batches: number; requests: number }> {
    const text = await (await fetch(`${this.baseUrl}/metrics`)).text();
    const value = (series: string) =>
      Number(
        text
          .split('\n')
          .find((line) => line.startsWith(`challenge_group_commit_batch_size_${series}{`) && line.includes(`command="${command}"`))
          ?.split(' ')
          .pop() ?? NaN,
      );
    return { batches: value('count'), requests: value('sum') };
  }

  close(): Promise<void> {
    return this.app.close();
  }
}

/**
 * Test-only: a namespace of its own, challenge service instances started in-process on it, and a publisher that
 * plays the device registry (as the registry's Kafka user) by publishing contract events to the namespace's registry topic.
 */
/** The key sealing offline-code secrets in tests (production mode requires one). */
const TEST_OFFLINE_CODE_KEY = randomBytes(32).toString('base64');

export class ChallengeTestWorld {
  private readonly instances = new Set<ChallengeInstance>();

  private constructor(
    readonly namespace: TestNamespace,
    private readonly publisher: KafkaEventPublisher,
    readonly db: Pool,
  ) {}

  static async create(label: string): Promise<ChallengeTestWorld> {
    process.env.LOG_LEVEL ??= 'error';
    const namespace = await createTestNamespace(label);
    const publisher = new KafkaEventPublisher(
      createKafka({ brokers: namespace.kafkaBrokers, clientId: `test-${namespace.id}`, security: namespace.kafkaSecurity('device-registry') }),
    );
    await publisher.connect();
    return new ChallengeTestWorld(namespace, publisher, guardPoolConnections(new Pool({ connectionString: namespace.databaseUrl, max: 3 })));
  }

  async start(options: { expiryPollIntervalMs?: number; maxIssuing?: number; env?: Record<string, string> } = {}): Promise<ChallengeInstance> {
    // Several instances and jest share a busy machine here: the event-loop delay check would refuse at random.
    const loaded = loadChallengeConfig({
      ...this.namespace.serviceEnv('challenge'),
      PORT: '0',
      CHALLENGE_ADMISSION_LOOP_DELAY_MS: '0',
      OFFLINE_CODE_ENCRYPTION_KEY: TEST_OFFLINE_CODE_KEY,
      ...options.env,
    });
    const config = { ...loaded, expiryPollIntervalMs: options.expiryPollIntervalMs ?? 100, maxIssuing: options.maxIssuing ?? loaded.maxIssuing };
    const app = await startChallengeService(config, { handleSignals: false });
    const { port } = app.getHttpServer().address() as AddressInfo;
    const instance = new ChallengeInstance(app as NestFastifyApplication, `http://127.0.0.1:${port}`);
    this.instances.add(instance);
    await this.eventually(
      () => instance.call('GET', '/health/ready'),
      (answer) => answer.status === 200,
      'the service to be ready',
    );
    return instance;
  }

  async stop(instance: ChallengeInstance): Promise<void> {
    this.instances.delete(instance);
    await instance.close();
  }

  async dispose(): Promise<void> {
    for (const instance of this.instances) await instance.close().catch(() => undefined);
    await this.publisher.disconnect().catch(() => undefined);
    await this.db.end();
    await this.namespace.dispose();
  }

  /** Publishes WorkspaceCreated (push on), a platform key and an admin key, and waits until `instance` knows them. */
  async workspace(instance: ChallengeInstance, settings: Partial<WorkspaceSettings> = {}): Promise<TestWorkspaceWithAdmin> {
    const workspaceId = `ws-${randomUUID()}`;
    const platformKey = `pmk_plt_${randomBytes(24).toString('base64url')}`;
    await this.publish(workspaceId, 'WorkspaceCreated', {
      workspaceId,
      name: 'Test workspace',
      settings: { ...DEFAULT_SETTINGS, pushEnabled: true, ...settings },
    });
    const adminKey = `pmk_adm_${randomBytes(24).toString('base64url')}`;
    const adminKeyId = randomUUID();
    await this.publish(workspaceId, 'ApiKeyIssued', {
      workspaceId,
      keyId: randomUUID(),
      role: 'platform',
      keyHash: createHash('sha256').update(platformKey).digest('hex'),
    });
    await this.publish(workspaceId, 'ApiKeyIssued', {
      workspaceId,
      keyId: adminKeyId,
      role: 'admin',
      keyHash: createHash('sha256').update(adminKey).digest('hex'),
    });
    await this.eventually(
      () => this.db.query('select 1 from challenge.workspaces where workspace_id = $1', [workspaceId]),
      (r) => r.rowCount === 1,
      `workspace ${workspaceId}`,
    );
    await this.eventually(
      () => instance.call('GET', `/v1/challenges/${randomUUID()}`, { key: platformKey }),
      (answer) => answer.status === 404,
      `the platform key of ${workspaceId}`,
    );
    return { workspaceId, platformKey, adminKey, adminKeyId };
  }

  /** Pairs a device with a real P-256 key for `userId` and waits until the service has it. */
  async pairDevice(workspace: TestWorkspace, userId: string): Promise<TestDevice> {
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const deviceId = randomUUID();
    await this.publish(
      `${workspace.workspaceId}/${userId}`,
      'DevicePaired',
      {
        pairingId: randomUUID(),
        deviceId,
        userId,
        name: 'Test phone',
        platform: 'android',
        pushProvider: 'fcm',
        pushToken: `fcm-token-${deviceId}`,
        publicJwk: keys.publicKey.export({ format: 'jwk' }),
        pairedAt: new Date().toISOString(),
      },
      workspace.workspaceId,
    );
    await this.eventually(
      () => this.db.query('select 1 from challenge.devices where device_id = $1', [deviceId]),
      (r) => r.rowCount === 1,
      `device ${deviceId}`,
    );
    return { deviceId, userId, privateJwk: keys.privateKey.export({ format: 'jwk' }) as Record<string, unknown> };
  }

  /** Revokes a device the way the registry does and waits until the service has applied it. */
  async revokeDevice(workspace: TestWorkspace, device: TestDevice): Promise<void> {
    await this.publish(
      `${workspace.workspaceId}/${device.userId}`,
      'DeviceRevoked',
      {
        deviceId: device.deviceId,
        userId: device.userId,
        reason: 'revoked',
        revokedBy: { kind: 'admin' },
      },
      workspace.workspaceId,
    );
    await this.eventually(
      () => this.db.query<{ status: string }>('select status from challenge.devices where device_id = $1', [device.deviceId]),
      (r) => r.rows[0]?.status === 'revoked',
      `device ${device.deviceId} revoked`,
    );
  }

  /** The challenge stream as stored: type and when it was recorded. */
  async storedEvents(challengeId: string): Promise<Array<{ type: string; recordedAt: Date; data: Record<string, unknown> }>> {
    const { rows } = await this.db.query<{ type: string; recorded_at: Date; data: Record<string, unknown> }>(
      'select type, recorded_at, data from challenge.events where stream_id = $1 order by stream_revision',
      [`challenge-${challengeId}`],
    );
    return rows.map((r) => ({ type: r.type, recordedAt: r.recorded_at, data: r.data }));
  }

  /** The transactions that appended to the challenges after their issue (group commit writes a batch in one). */
  async transactionsOf(challengeIds: string[]): Promise<string[]> {
    const { rows } = await this.db.query<{ transaction_id: string }>(
      'select distinct transaction_id::text from challenge.events where stream_id = any($1) and stream_revision > 0',
      [challengeIds.map((id) => `challenge-${id}`)],
    );
    return rows.map((row) => row.transaction_id);
  }

  /**
   * Another writer (another instance recording the device's receipt) appends to the challenge's stream and holds its
   * transaction open until `release`. `waitedOn` resolves once a transaction of this database waits on a lock (a batch
   * whose COMMIT waits on the held stream's row); `release` commits the held append.
   */
  holdStream(
    instance: ChallengeInstance,
    challengeId: string,
    device: TestDevice,
    workspaceId: string,
  ): { waitedOn: () => Promise<void>; release: () => Promise<void> } {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const holder = instance.app.get(PostgresEventStore).withTransaction(async (tx) => {
      const receivedAt = new Date().toISOString();
      const data = { challengeId, userId: device.userId, deviceId: device.deviceId, receivedAt };
      await tx.appendToStream(`challenge-${challengeId}`, [{ id: randomUUID(), type: 'ChallengeReceived', data, metadata: { workspaceId } }], 0n);
      await released;
    });
    return {
      waitedOn: async () => {
        await this.eventually(
          () => this.db.query("select 1 from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()"),
          (result) => (result.rowCount ?? 0) > 0,
          'a transaction to wait for the held stream',
        );
      },
      release: async () => {
        release();
        await holder;
      },
    };
  }

  /** Waits until the challenge topic holds every one of `types` for the challenge, and returns its records' envelopes. */
  async publishedFor(challengeId: string, types: string[]): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
    const kafka = this.namespace.kafka(`probe-${this.namespace.id}`);
    const consumer = kafka.consumer({ groupId: `probe-${this.namespace.id}-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const seen: Array<{ type: string; data: Record<string, unknown> }> = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topicName('challenge', this.namespace.topicPrefix)], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() !== challengeId || !message.value) return;
          const envelope = JSON.parse(message.value.toString()) as { type: string; data: Record<string, unknown> };
          seen.push({ type: envelope.type, data: envelope.data });
        },
      });
      await this.eventually(
        async () => seen.map((e) => e.type),
        (got) => types.every((type) => got.includes(type)),
        `${types.join(', ')} on the challenge topic`,
      );
      return seen;
    } finally {
      await consumer.disconnect();
    }
  }

  /** Publishes one registry event as the registry's relay would, without waiting for any service to apply it. */
  async publish(key: string, type: string, data: Record<string, unknown>, workspaceId = key): Promise<void> {
    const envelope = {
      id: randomUUID(),
      type,
      version: 1,
      occurredAt: new Date().toISOString(),
      workspaceId,
      streamId: key,
      correlationId: randomUUID(),
      data,
    } as ContractEnvelope;
    await this.publisher.publish([{ topic: topicName('registry', this.namespace.topicPrefix), key, envelope }]);
  }

  /** Polls until `done` holds, failing with what it waited for and the last answer once the deadline passes. */
  async eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, waitingFor: string, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe().catch((error: unknown) => error as T);
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${waitingFor}; last answer: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
