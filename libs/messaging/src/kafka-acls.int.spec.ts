import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, type KafkaConfig, logLevel, Partitioners, ResourcePatternTypes } from 'kafkajs';
import { topicName } from '@pushmfa/contracts';
import { createTestNamespace, kafkaCaFile, kafkaCredentials, type KafkaPrincipalName, testKafkaOptions, type TestNamespace } from '@pushmfa/testing';

/**
 * The broker's trust boundary, asked of the real broker: nobody talks to it without TLS and a SCRAM user, and each
 * service's user may do only what kafka-acls.ts grants it. Each refusal below is the broker's own answer.
 */
/** The broker's TOPIC_AUTHORIZATION_FAILED, as kafkajs reports it from a produce or from the metadata before it. */
const TOPIC_REFUSED = /not authorized to access topics|topic authorization failed/i;

/** How kafkajs reports a connection the broker closed on it. */
const CONNECTION_CLOSED = /closed connection|socket disconnected|ECONNRESET/i;

describe('Kafka authentication and per-service ACLs', () => {
  let ns: TestNamespace;
  const clients: Array<{ disconnect(): Promise<void> }> = [];

  beforeAll(async () => {
    ns = await createTestNamespace('kafka-acls');
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.disconnect().catch(() => undefined)));
    await ns?.dispose();
  });

  /** A client that gives up at once: a refusal must surface as an error, not as kafkajs retrying for a minute. */
  function client(security: Pick<KafkaConfig, 'ssl' | 'sasl'>): Kafka {
    return new Kafka({
      clientId: `acl-test-${randomUUID()}`,
      brokers: ns.kafkaBrokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      requestTimeout: 5000,
      retry: { retries: 0 },
      ...security,
    });
  }
  const as = (principal: KafkaPrincipalName) => client(testKafkaOptions(principal));

  async function produce(kafka: Kafka, topic: string): Promise<void> {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 1 },
    });
    clients.push(producer);
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'ws-forged', value: JSON.stringify({ type: 'ApiKeyIssued', forged: true }) }] });
  }

  /** Joins `groupId` and reads `topic`; resolves once the group is joined, rejects with the broker's refusal. */
  async function joinAndRead(kafka: Kafka, groupId: string, topic: string): Promise<void> {
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, retry: { retries: 5, initialRetryTime: 200 } });
    clients.push(consumer);
    const outcome = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
      consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async () => undefined });
    try {
      await outcome;
    } finally {
      await consumer.disconnect();
    }
  }

  const registryTopic = () => topicName('registry', ns.topicPrefix);
  const challengeTopic = () => topicName('challenge', ns.topicPrefix);

  it('refuses a PLAINTEXT connection: the listener speaks TLS only', async () => {
    await expect(produce(client({}), registryTopic())).rejects.toThrow(CONNECTION_CLOSED);
    // The same broker answers a client that speaks TLS and authenticates.
    const admin = as('admin').admin();
    clients.push(admin);
    await admin.connect();
    expect((await admin.describeCluster()).brokers.length).toBeGreaterThan(0);
  });

  it("refuses an unauthenticated client's produce to pushmfa.registry.v1 (TLS without a SCRAM user)", async () => {
    // The broker closes a connection that sends anything but the SASL handshake before authenticating.
    await expect(produce(client({ ssl: { ca: [ca()] } }), registryTopic())).rejects.toThrow(CONNECTION_CLOSED);
  });

  it("refuses a wrong password for the registry's user", async () => {
    const { username } = kafkaCredentials('device-registry');
    const wrong = client({ ssl: { ca: [ca()] }, sasl: { mechanism: 'scram-sha-512', username, password: `not-${randomUUID()}` } });
    await expect(produce(wrong, registryTopic())).rejects.toMatchObject({ name: 'KafkaJSSASLAuthenticationError' });
  });

  it("refuses the challenge service's user producing to pushmfa.registry.v1 (TopicAuthorizationFailed)", async () => {
    await expect(produce(as('challenge'), registryTopic())).rejects.toThrow(TOPIC_REFUSED);
  });

  it("refuses the delivery service's user producing to pushmfa.challenge.v1", async () => {
    await expect(produce(as('delivery'), challengeTopic())).rejects.toThrow(TOPIC_REFUSED);
  });

  it("refuses the reporting service's user producing to any contract topic", async () => {
    for (const key of ['registry', 'challenge', 'delivery'] as const) {
      await expect(produce(as('reporting'), topicName(key, ns.topicPrefix))).rejects.toThrow(TOPIC_REFUSED);
    }
  });

  it("refuses the delivery service's user the registry's and challenge's consumer groups", async () => {
    // kafkajs reports a refused FindCoordinator as "group coordinator not found"; its debug log keeps the broker's
    // answer, so the test reads that to be sure the refusal is the ACL's and not a broker that is merely busy.
    const answers: string[] = [];
    const delivery = new Kafka({
      clientId: `acl-test-${randomUUID()}`,
      brokers: ns.kafkaBrokers,
      ...testKafkaOptions('delivery'),
      retry: { retries: 2, initialRetryTime: 100 },
      logLevel: logLevel.DEBUG,
      logCreator: () => (entry) => {
        const error = (entry.log as { error?: unknown }).error;
        if (error !== undefined) answers.push(String((error as { type?: string }).type ?? error));
      },
    });
    // Joining the challenge service's registry view group (delivery may read the topic, not that group).
    await expect(joinAndRead(delivery, `${ns.topicPrefix}challenge.registry-view`, registryTopic())).rejects.toThrow(/group coordinator|group authorization/i);
    expect(answers).toContain('GROUP_AUTHORIZATION_FAILED');
    // Reading the registry's own group's offsets.
    answers.length = 0;
    const admin = delivery.admin();
    clients.push(admin);
    await admin.connect();
    await expect(
      admin.fetchOffsets({ groupId: `${ns.topicPrefix}device-registry.dead-tokens`, topics: [topicName('delivery', ns.topicPrefix)] }),
    ).rejects.toThrow(/group coordinator|group authorization/i);
    expect(answers).toContain('GROUP_AUTHORIZATION_FAILED');
    // The same user in its own group is let in: the refusal above is about the group, not the user.
    await joinAndRead(delivery, `${ns.topicPrefix}delivery.device-projection`, registryTopic());
  });

  it("refuses a service's user reading a topic it does not consume", async () => {
    // The challenge service consumes only the registry topic.
    await expect(joinAndRead(as('challenge'), `${ns.topicPrefix}challenge.snoop-${randomUUID()}`, topicName('delivery', ns.topicPrefix))).rejects.toThrow(
      TOPIC_REFUSED,
    );
    // The registry reads the challenge topic (its view of push locks) in a group of its own.
    await joinAndRead(as('device-registry'), `${ns.topicPrefix}device-registry.snoop-${randomUUID()}`, challengeTopic());
  });

  it("refuses a service's user granting itself more: creating ACLs and topics are the admin's", async () => {
    const admin = as('challenge').admin();
    clients.push(admin);
    await admin.connect();
    await expect(admin.createTopics({ topics: [{ topic: `${ns.topicPrefix}pushmfa.registry.v1.own` }] })).rejects.toThrow();
    await expect(
      admin.createAcls({
        acl: [
          {
            resourceType: AclResourceTypes.TOPIC,
            resourceName: registryTopic(),
            resourcePatternType: ResourcePatternTypes.LITERAL,
            principal: 'User:pushmfa-challenge',
            host: '*',
            operation: AclOperationTypes.WRITE,
            permissionType: AclPermissionTypes.ALLOW,
          },
        ],
      }),
    ).rejects.toThrow();
  });

  it('lets each service do what it needs: the registry writes its topic, challenge and delivery read it in their own groups', async () => {
    await produce(as('device-registry'), registryTopic());
    await produce(as('challenge'), challengeTopic());
    await produce(as('delivery'), topicName('delivery', ns.topicPrefix));
    await joinAndRead(as('challenge'), `${ns.topicPrefix}challenge.registry-view`, registryTopic());
    await joinAndRead(as('delivery'), `${ns.topicPrefix}delivery.device-projection`, registryTopic());
    await joinAndRead(as('reporting'), `${ns.topicPrefix}reporting.mfa-report`, challengeTopic());
  });
});

const ca = () => readFileSync(kafkaCaFile(), 'utf8');
