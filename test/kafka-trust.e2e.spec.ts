import { randomUUID, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kafka, type KafkaConfig, logLevel, Partitioners } from 'kafkajs';
import { buildEnvelope, topicName } from '@pushmfa/contracts';
import {
  callJson,
  createTestNamespace,
  eventually,
  freePort,
  kafkaCaFile,
  kafkaCredentials,
  type RunningService,
  startServiceProcesses,
  testKafkaOptions,
  type TestNamespace,
} from '@pushmfa/testing';
import { generateApiKey, hashApiKey } from '@pushmfa/workspace-access';
import { readContractRecords } from './support/topic-records';

/**
 * The attack of issue "Kafka is trusted without authentication", tried against the product as it runs: service
 * processes in production mode on the real broker. An outsider who reaches the broker writes an `ApiKeyIssued` for
 * an admin key and a platform key of their own into a victim's workspace. Without authentication on the broker the
 * challenge and reporting services would believe it; now the broker refuses the record, so neither key ever works.
 */
describe('a forged ApiKeyIssued cannot be injected into pushmfa.registry.v1', () => {
  const operatorToken = 'e2e-operator-token-kafka-trust-0123456789';
  let ns: TestNamespace;
  let services: RunningService[] = [];
  let registry: RunningService;
  let challenge: RunningService;
  let reporting: RunningService;

  beforeAll(async () => {
    ns = await createTestNamespace('kafka-trust');
    const common = {
      ...ns.env,
      PUSHMFA_MODE: 'production',
      PUSHMFA_OPERATOR_TOKEN: operatorToken,
      OFFLINE_CODE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
    const [registryPort, challengePort, reportingPort] = await Promise.all([freePort(), freePort(), freePort()]);
    // Each process authenticates as its own Kafka user (startServiceProcess gives it its credentials).
    services = await startServiceProcesses([
      { name: 'device-registry', env: { ...common, PORT: String(registryPort), PUBLIC_BASE_URL: `http://127.0.0.1:${registryPort}` } },
      { name: 'challenge', env: { ...common, PORT: String(challengePort) } },
      { name: 'reporting', env: { ...common, PORT: String(reportingPort) } },
    ]);
    [registry, challenge, reporting] = services as [RunningService, RunningService, RunningService];
  }, 120_000);

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await ns?.dispose();
  }, 60_000);

  /** Tries to write `envelope` to the registry topic as the given client; resolves to the broker's refusal. */
  async function tryToPublish(security: Pick<KafkaConfig, 'ssl' | 'sasl'>, envelope: unknown): Promise<Error> {
    const kafka = new Kafka({
      clientId: `outsider-${randomUUID()}`,
      brokers: ns.kafkaBrokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      requestTimeout: 5000,
      retry: { retries: 1 },
      ...security,
    });
    const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    try {
      await producer.connect();
      await producer.send({
        topic: topicName('registry', ns.topicPrefix),
        acks: -1,
        messages: [{ key: (envelope as { workspaceId: string }).workspaceId, value: JSON.stringify(envelope) }],
      });
    } catch (error) {
      return error as Error;
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
    throw new Error('the broker accepted the forged record');
  }

  it("refuses the outsider's record on every path, and neither forged key is ever accepted", async () => {
    const workspace = await callJson(registry.baseUrl, 'POST', '/v1/workspaces', operatorToken, { name: 'Victim' });
    expect(workspace.status).toBe(201);
    const workspaceId = workspace.body.id as string;

    const forged = (role: 'admin' | 'platform') => {
      const key = generateApiKey(role);
      const keyId = randomUUID();
      const envelope = buildEnvelope({
        id: randomUUID(),
        type: 'ApiKeyIssued',
        occurredAt: new Date().toISOString(),
        workspaceId,
        streamId: `workspace-${workspaceId}`,
        correlationId: randomUUID(),
        data: { workspaceId, keyId, role, keyHash: hashApiKey(key) },
      });
      return { key, keyId, envelope };
    };
    const adminForgery = forged('admin');
    const platformForgery = forged('platform');
    const ca = readFileSync(kafkaCaFile(), 'utf8');
    const { username } = kafkaCredentials('device-registry');

    for (const { envelope } of [adminForgery, platformForgery]) {
      // No TLS, no user: the broker closes the connection.
      expect((await tryToPublish({}, envelope)).message).toMatch(/closed connection|socket disconnected|ECONNRESET/i);
      // TLS but no user.
      expect((await tryToPublish({ ssl: { ca: [ca] } }, envelope)).message).toMatch(/closed connection|socket disconnected|ECONNRESET/i);
      // The registry's user name with a guessed password.
      expect(await tryToPublish({ ssl: { ca: [ca] }, sasl: { mechanism: 'scram-sha-512', username, password: randomUUID() } }, envelope)).toMatchObject({
        name: 'KafkaJSSASLAuthenticationError',
      });
      // Another service's real credentials (a compromised delivery worker): authenticated, but not the registry.
      expect((await tryToPublish(testKafkaOptions('delivery'), envelope)).message).toMatch(/not authorized to access topics|topic authorization failed/i);
    }

    // Keys the operator issues after the attempts: once the services accept them, they have read past any forgery.
    const adminKey = (await callJson(registry.baseUrl, 'POST', `/v1/workspaces/${workspaceId}/api-keys`, operatorToken, { role: 'admin' })).body.key as string;
    const platformKey = (await callJson(registry.baseUrl, 'POST', `/v1/workspaces/${workspaceId}/api-keys`, operatorToken, { role: 'platform' })).body
      .key as string;
    await eventually(
      async () => ((await callJson(reporting.baseUrl, 'GET', '/v1/reports/mfa', adminKey)).status === 200 ? true : undefined),
      'the real admin key at reporting',
      30_000,
    );
    await eventually(
      async () => ((await callJson(challenge.baseUrl, 'GET', `/v1/challenges/${randomUUID()}`, platformKey)).status === 404 ? true : undefined),
      'the real platform key at challenge',
      30_000,
    );

    const forgedAdmin = await callJson(reporting.baseUrl, 'GET', '/v1/reports/mfa', adminForgery.key);
    expect(forgedAdmin.status).toBe(401);
    const forgedPlatform = await callJson(challenge.baseUrl, 'POST', '/v1/challenges', platformForgery.key, {
      userId: 'victim',
      context: { application: 'Payroll' },
    });
    expect(forgedPlatform.status).toBe(401);
    // And the topic holds the operator's keys only.
    const issued = (await readContractRecords(ns))
      .map((record) => JSON.parse(record.value) as { type: string; data: { keyId?: string } })
      .filter((e) => e.type === 'ApiKeyIssued');
    expect(issued.map((e) => e.data.keyId)).not.toEqual(expect.arrayContaining([adminForgery.keyId]));
    expect(issued.map((e) => e.data.keyId)).not.toEqual(expect.arrayContaining([platformForgery.keyId]));
    expect(issued).toHaveLength(2);
  }, 120_000);
});
