import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type ContractEnvelope, topicKeyOf, topicName } from '@pushmfa/contracts';
import { createKafka, KafkaEventPublisher } from '@pushmfa/messaging';
import { createTestNamespace, type TestNamespace } from '@pushmfa/testing';
import { loadReportingConfig } from './config';
import { startReporting } from './main';

export interface HttpAnswer {
  status: number;
  body: any;
}

/**
 * Test-only: the reporting service booted in-process on a random port, inside a test namespace of its own,
 * with a publisher for the contract topics it consumes.
 */
export class ReportingTestApp {
  private constructor(
    readonly namespace: TestNamespace,
    readonly app: NestFastifyApplication,
    readonly baseUrl: string,
    private readonly publisher: KafkaEventPublisher,
  ) {}

  /** `env` adds to or overrides the service's variables (such as the webhook sender's short test backoff). */
  static async start(label: string, env: Record<string, string> = {}): Promise<ReportingTestApp> {
    // Keep test output readable; a failing test still shows the service's errors.
    process.env.LOG_LEVEL ??= 'error';
    const namespace = await createTestNamespace(label);
    const config = loadReportingConfig({ ...namespace.serviceEnv('reporting'), ...env, PORT: '0' });
    const app = await startReporting(config, { handleSignals: false });
    const { port } = app.getHttpServer().address() as AddressInfo;
    const publisher = new KafkaEventPublisher(
      createKafka({ brokers: namespace.kafkaBrokers, clientId: `test-${namespace.id}`, security: namespace.kafkaSecurity('admin') }),
    );
    await publisher.connect();
    const started = new ReportingTestApp(namespace, app, `http://127.0.0.1:${port}`, publisher);
    await started.eventually(
      () => started.get('/health/ready'),
      (answer) => answer.status === 200,
      'the service to be ready',
    );
    return started;
  }

  async stop(): Promise<void> {
    await this.publisher.disconnect().catch(() => undefined);
    await this.app.close();
    await this.namespace.dispose();
  }

  /** Publishes each envelope to its prefixed contract topic, keyed like the producers key it. */
  async publish(...envelopes: ContractEnvelope[]): Promise<void> {
    await this.publisher.publish(
      envelopes.map((envelope) => ({
        topic: topicName(topicKeyOf(envelope.type), this.namespace.topicPrefix),
        key: String((envelope.data as { challengeId?: string }).challengeId ?? envelope.workspaceId),
        envelope,
      })),
    );
  }

  /** Makes up a key, publishes ApiKeyIssued with its hash, and waits until the service accepts it. */
  async issueApiKey(workspaceId: string, role: 'admin' | 'platform'): Promise<string> {
    const key = `pmk_test_${randomBytes(24).toString('base64url')}`;
    const keyHash = createHash('sha256').update(key).digest('hex');
    await this.publish({
      id: randomUUID(),
      type: 'ApiKeyIssued',
      version: 1,
      occurredAt: new Date().toISOString(),
      workspaceId,
      streamId: workspaceId,
      correlationId: randomUUID(),
      data: { workspaceId, keyId: randomUUID(), role, keyHash },
    } as ContractEnvelope);
    await this.eventually(
      () => this.get('/v1/reports/mfa?limit=1', key),
      (answer) => answer.status !== 401,
      `the ${role} key of ${workspaceId}`,
    );
    return key;
  }

  async get(path: string, key?: string): Promise<HttpAnswer> {
    return this.send('GET', path, key);
  }

  /** A request with an optional JSON body, answered as status and parsed body. */
  async send(method: 'GET' | 'POST' | 'DELETE', path: string, key?: string, body?: unknown): Promise<HttpAnswer> {
    const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Polls until `done` holds, failing with what it waited for and the last answer once the deadline passes. */
  async eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, waitingFor: string, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe().catch((error: unknown) => error as T);
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${waitingFor}; last answer: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
}
