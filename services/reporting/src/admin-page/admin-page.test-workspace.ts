import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type ContractEnvelope, type EventData, type EventType, topicKeyOf, topicName } from '@pushmfa/contracts';
import { createKafka, KafkaEventPublisher } from '@pushmfa/messaging';
import { kafkaSecurityAs } from '@pushmfa/testing';

/**
 * Test-only: one workspace's recent sign-in requests, published as contract events to a test namespace's topics,
 * exactly as the challenge, delivery and registry services would publish them.
 */
export interface SeededChallenge {
  challengeId: string;
  userId: string;
  status: string;
}

export class AdminPageWorkspace {
  readonly workspaceId = `ws-admin-page-${randomUUID()}`;
  readonly adminKey = `pmk_test_${randomBytes(24).toString('base64url')}`;
  readonly adminKeyId = randomUUID();
  readonly platformKey = `pmk_test_${randomBytes(24).toString('base64url')}`;
  private readonly publisher: KafkaEventPublisher;

  constructor(
    brokers: string[],
    private readonly topicPrefix: string,
  ) {
    this.publisher = new KafkaEventPublisher(createKafka({ brokers, clientId: `admin-page-test-${randomUUID()}`, security: kafkaSecurityAs('admin') }));
  }

  async connect(): Promise<void> {
    await this.publisher.connect();
  }

  async disconnect(): Promise<void> {
    await this.publisher.disconnect().catch(() => undefined);
  }

  async issueKeys(): Promise<void> {
    await this.publish(
      this.envelope(
        'ApiKeyIssued',
        this.workspaceId,
        { workspaceId: this.workspaceId, keyId: this.adminKeyId, role: 'admin', keyHash: sha256(this.adminKey) },
        new Date(),
      ),
      this.envelope(
        'ApiKeyIssued',
        this.workspaceId,
        { workspaceId: this.workspaceId, keyId: randomUUID(), role: 'platform', keyHash: sha256(this.platformKey) },
        new Date(),
      ),
    );
  }

  async revokeAdminKey(): Promise<void> {
    await this.publish(this.envelope('ApiKeyRevoked', this.workspaceId, { workspaceId: this.workspaceId, keyId: this.adminKeyId }, new Date()));
  }

  /** Six requests of the last few minutes, one per outcome an admin reads, each with a full event history. */
  async seedChallenges(nowMs: number): Promise<SeededChallenge[]> {
    const seeded: SeededChallenge[] = [];
    const events: ContractEnvelope[] = [];
    const story = (userId: string, status: string, secondsAgo: number, deviceIds: string[], steps: (c: ChallengeSteps) => ContractEnvelope[]) => {
      const challengeId = randomUUID();
      const steps_ = new ChallengeSteps(this, challengeId, userId, nowMs - secondsAgo * 1000);
      events.push(steps_.issued(deviceIds), ...steps(steps_));
      seeded.push({ challengeId, userId, status });
    };
    story('frank@acme.example', 'expired', 240, ['frank-phone'], (c) => [c.dispatched('frank-phone', 0.3), c.expired(60)]);
    story('alice@acme.example', 'success', 180, ['alice-phone'], (c) => [
      c.dispatched('alice-phone', 0.4),
      c.received('alice-phone', 1.1),
      c.approved('alice-phone', 3.2),
    ]);
    story('bob@acme.example', 'denied', 150, ['bob-phone'], (c) => [
      c.dispatched('bob-phone', 0.5),
      c.received('bob-phone', 1.5),
      c.denied('bob-phone', 4, 'fraud'),
      c.fraudReported('bob-phone', 4),
    ]);
    // Carol's Accept never answered: she shared her app logs with support.
    story('carol@acme.example', 'delivered', 120, ['carol-phone'], (c) => [c.dispatched('carol-phone', 0.6), c.logsShared('carol-phone', 20)]);
    story('dave@acme.example', 'failed', 90, ['dave-phone', 'dave-tablet'], (c) => [
      c.attemptFailed('dave-phone', 0.5),
      c.pushFailed('dave-phone', 2),
      c.rejected('dave-tablet', 0.7),
    ]);
    story('erin@acme.example', 'pending', 30, ['erin-phone'], () => []);
    await this.publish(...events);
    return seeded;
  }

  /** An admin's test push to the user's device that the phone received. */
  async seedTestPush(userId: string, deviceId: string, nowMs: number): Promise<string> {
    const testPushId = randomUUID();
    const ids = { testPushId, userId, deviceId };
    const stream = `device-${deviceId}`;
    await this.publish(
      this.envelope(
        'TestPushRequested',
        stream,
        { ...ids, requestedBy: { kind: 'admin', keyId: this.adminKeyId }, requestedAt: new Date(nowMs).toISOString() },
        new Date(nowMs),
      ),
      this.envelope('PushDispatched', stream, { ...ids, provider: 'fcm', attempt: 1, providerMessageId: 'm-1', latencyMs: 40 }, new Date(nowMs + 400)),
      this.envelope('TestPushReceived', stream, { ...ids, receivedAt: new Date(nowMs + 1200).toISOString() }, new Date(nowMs + 1200)),
    );
    return testPushId;
  }

  /** `count` requests still pending, one second apart, for paging through more than one page. */
  async seedPendingRequests(count: number, nowMs: number): Promise<void> {
    await this.publish(
      ...Array.from({ length: count }, (_, index) =>
        new ChallengeSteps(this, randomUUID(), `user-${String(index).padStart(3, '0')}@bulk.example`, nowMs - (count - index) * 1000).issued(['phone']),
      ),
    );
  }

  envelope<T extends EventType>(type: T, streamId: string, data: EventData<T>, at: Date): ContractEnvelope {
    return {
      id: randomUUID(),
      type,
      version: 1,
      occurredAt: at.toISOString(),
      workspaceId: this.workspaceId,
      streamId,
      correlationId: randomUUID(),
      data,
    } as ContractEnvelope;
  }

  private async publish(...envelopes: ContractEnvelope[]): Promise<void> {
    await this.publisher.publish(
      envelopes.map((envelope) => ({
        topic: topicName(topicKeyOf(envelope.type), this.topicPrefix),
        key: String((envelope.data as { challengeId?: string }).challengeId ?? envelope.workspaceId),
        envelope,
      })),
    );
  }
}

/** The incident of the app logs Carol shared (seedChallenges). */
export const SHARED_INCIDENT_ID = 'INC-C4R0-1234';

/** The events of one challenge, `second` counted from its issue. */
class ChallengeSteps {
  constructor(
    private readonly workspace: AdminPageWorkspace,
    private readonly challengeId: string,
    private readonly userId: string,
    private readonly issuedAtMs: number,
  ) {}

  issued(deviceIds: string[]): ContractEnvelope {
    return this.event('ChallengeIssued', 0, {
      createdAt: this.at(0).toISOString(),
      expiresAt: this.at(60).toISOString(),
      numberMatchRequired: true,
      context: { ipAddress: '203.0.113.7', location: 'Lisbon, PT', application: 'Payroll' },
      devices: deviceIds.map((deviceId) => ({ deviceId, pushProvider: 'fcm' as const, platform: 'android' as const })),
    });
  }

  dispatched = (deviceId: string, second: number) =>
    this.event('PushDispatched', second, { deviceId, provider: 'fcm', attempt: 1, providerMessageId: `m-${randomUUID()}`, latencyMs: 40 });
  attemptFailed = (deviceId: string, second: number) =>
    this.event('PushAttemptFailed', second, { deviceId, provider: 'fcm', attempt: 1, reason: 'unavailable', retryInMs: 500 });
  pushFailed = (deviceId: string, second: number) =>
    this.event('PushFailed', second, { deviceId, provider: 'fcm', attempt: 3, reason: 'provider unavailable' });
  rejected = (deviceId: string, second: number) => this.event('PushRejected', second, { deviceId, provider: 'fcm', attempt: 1, reason: 'unregistered' });
  received = (deviceId: string, second: number) => this.event('ChallengeReceived', second, { deviceId, receivedAt: this.at(second).toISOString() });
  approved = (deviceId: string, second: number) => this.event('ChallengeApproved', second, { deviceId, resolvedAt: this.at(second).toISOString() });
  denied = (deviceId: string, second: number, reason: 'user_denied' | 'number_mismatch' | 'fraud') =>
    this.event('ChallengeDenied', second, { deviceId, resolvedAt: this.at(second).toISOString(), reason });
  expired = (second: number) => this.event('ChallengeExpired', second, { resolvedAt: this.at(second).toISOString() });
  fraudReported = (deviceId: string, second: number) => this.event('FraudReported', second, { deviceId, lockedUntil: this.at(second + 900).toISOString() });

  logsShared = (deviceId: string, second: number) =>
    this.event('DiagnosticsShared', second, {
      incidentId: SHARED_INCIDENT_ID,
      deviceId,
      sharedAt: this.at(second).toISOString(),
      expiresAt: this.at(second + 30 * 86_400).toISOString(),
      appVersion: '4.1.0',
      logs: ['push registered, token [push token …abc123]', 'Accept tapped, no answer within 10 s'],
    });

  private event<T extends EventType>(type: T, second: number, data: Omit<EventData<T>, 'challengeId' | 'userId'>): ContractEnvelope {
    return this.workspace.envelope(
      type,
      this.challengeId,
      { challengeId: this.challengeId, userId: this.userId, ...data } as unknown as EventData<T>,
      this.at(second),
    );
  }

  private at(second: number): Date {
    return new Date(this.issuedAtMs + second * 1000);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
