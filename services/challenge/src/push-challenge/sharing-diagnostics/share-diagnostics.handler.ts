import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_SETTINGS, type EventData, type ReportedDeviceHealth, topicName } from '@pushmfa/contracts';
import { DomainError } from '@pushmfa/event-store';
import { currentTraceparent, KafkaEventPublisher } from '@pushmfa/messaging';
import { currentCorrelationId } from '@pushmfa/observability';
import { CHALLENGE_CONFIG } from '../../challenge.di-tokens';
import type { ChallengeConfig } from '../../config';
import { RegistryView } from '../../registry-view/registry-view';
import { ChallengeCommands } from '../challenge-commands';
import { newIncidentId } from './incident-id';
import { redactLogLines } from './log-redactor';

/**
 * The largest record a share may become. Redaction can lengthen lines a little (`password=x` → `password=[redacted]`),
 * and the record shares produce requests with the relay's: it stays well under the broker's 1 MiB message limit.
 */
export const DIAGNOSTICS_MAX_RECORD_BYTES = 768 * 1024;

/** How long a share waits for the broker's acknowledgement before answering 503 `unavailable`. */
export const DIAGNOSTICS_PUBLISH_WAIT_MS = 5000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface DiagnosticsShare {
  workspaceId: string;
  userId: string;
  deviceId: string;
  challengeId?: string;
  logs: readonly string[];
  appVersion?: string;
  health?: ReportedDeviceHealth;
}

/**
 * The incident a share becomes: a new id, the logs redacted, and `expiresAt` = now + the workspace's retention. Pure
 * apart from the id it draws.
 */
export function diagnosticsIncident(
  share: DiagnosticsShare,
  context: { pushTokenSha256: string | null; retentionDays: number; now: Date; incidentId?: string },
): EventData<'DiagnosticsShared'> {
  return {
    incidentId: context.incidentId ?? newIncidentId(),
    userId: share.userId,
    deviceId: share.deviceId,
    ...(share.challengeId ? { challengeId: share.challengeId } : {}),
    sharedAt: context.now.toISOString(),
    expiresAt: new Date(context.now.getTime() + context.retentionDays * DAY_MS).toISOString(),
    ...(share.appVersion ? { appVersion: share.appVersion } : {}),
    ...(share.health ? { health: share.health } : {}),
    logs: redactLogLines(share.logs, { pushTokenSha256: context.pushTokenSha256 }),
  };
}

/**
 * "Share app logs with support": the logs travel to reporting as DiagnosticsShared, produced straight to
 * `pushmfa.challenge.v1` and acknowledged by the broker before the app is answered. They are never appended to the
 * challenge's event store, which keeps everything forever; reporting deletes the incident at `expiresAt`, and the
 * topic's retention must not exceed the shortest diagnostics retention.
 */
@Injectable()
export class ShareDiagnosticsHandler {
  private readonly topic: string;
  /** How long the broker's acknowledgement is awaited (tests shorten it). */
  publishWaitMs = DIAGNOSTICS_PUBLISH_WAIT_MS;

  constructor(
    @Inject(CHALLENGE_CONFIG) config: ChallengeConfig,
    private readonly registry: RegistryView,
    private readonly publisher: KafkaEventPublisher,
    private readonly challenges: ChallengeCommands,
  ) {
    this.topic = topicName('challenge', config.topicPrefix);
  }

  /** Throws `not_found` when `challengeId` is not a challenge of this user in this workspace, `unavailable` when the broker does not acknowledge. */
  async execute(share: DiagnosticsShare): Promise<{ incidentId: string }> {
    if (share.challengeId !== undefined) {
      const challenge = await this.challenges.read(share.challengeId, share.workspaceId).catch((error: unknown) => {
        if (error instanceof DomainError && error.code === 'not_found') throw challengeNotFound();
        throw error;
      });
      if (challenge.state.userId !== share.userId) throw challengeNotFound();
    }
    const [settings, pushTokenSha256] = await Promise.all([
      this.registry.settings(share.workspaceId),
      this.registry.pushTokenSha256(share.deviceId, share.workspaceId),
    ]);
    const retentionDays = (settings ?? DEFAULT_SETTINGS).diagnosticsRetentionDays;
    const data = diagnosticsIncident(share, { pushTokenSha256, retentionDays, now: new Date() });
    if (Buffer.byteLength(JSON.stringify(data)) > DIAGNOSTICS_MAX_RECORD_BYTES)
      throw new DomainError('payload_too_large', 'the logs are too large once redacted; share fewer lines');
    const { publisher } = this;
    if (!publisher.isConnected) throw brokerUnavailable();
    const envelope = {
      id: randomUUID(),
      type: 'DiagnosticsShared' as const,
      occurredAt: data.sharedAt,
      workspaceId: share.workspaceId,
      streamId: `diagnostics-${data.incidentId}`,
      correlationId: currentCorrelationId() ?? randomUUID(),
      data,
    };
    const traceparent = currentTraceparent();
    await withDeadline(
      publisher.publish([{ topic: this.topic, key: `${share.workspaceId}/${data.incidentId}`, envelope, ...(traceparent ? { traceparent } : {}) }]),
      this.publishWaitMs,
    ).catch(() => {
      throw brokerUnavailable();
    });
    return { incidentId: data.incidentId };
  }
}

function challengeNotFound(): DomainError {
  return new DomainError('not_found', "no such challenge for this device's user");
}

/** The controller answers it as this refusal (see unavailable-refusal.ts), not as a store failure. */
function brokerUnavailable(): DomainError {
  return new DomainError('unavailable', 'the logs could not be handed to the broker; nothing was shared, try again shortly');
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no acknowledgement within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
