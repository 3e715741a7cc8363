import type { TimelineEntry } from './mfa-report.facts';
import type { ReportEvent } from './mfa-report.events';

/** The timeline entry an event adds: when it happened by its own clock, and what an admin needs to read it. */
export function timelineEntryOf(event: ReportEvent): TimelineEntry {
  const base = { eventId: event.id, type: event.type };
  switch (event.type) {
    case 'ChallengeIssued':
      return { ...base, at: event.data.createdAt, detail: { expiresAt: event.data.expiresAt, devices: event.data.devices.length } };
    case 'ChallengeResendRequested':
      return { ...base, at: event.occurredAt, detail: { attempt: event.data.attempt } };
    case 'ChallengeReceived':
      return { ...base, at: event.data.receivedAt, deviceId: event.data.deviceId };
    case 'ChallengeApproved':
      return {
        ...base,
        at: event.data.resolvedAt,
        deviceId: event.data.deviceId,
        ...(event.data.method === 'offline_code' ? { detail: { method: event.data.method } } : {}),
      };
    case 'ChallengeDenied':
      return { ...base, at: event.data.resolvedAt, deviceId: event.data.deviceId, detail: { reason: event.data.reason } };
    case 'ChallengeExpired':
      return { ...base, at: event.data.resolvedAt };
    case 'ChallengeCancelled':
      return {
        ...base,
        at: event.data.resolvedAt,
        detail: { reason: event.data.reason ?? 'platform', ...(event.data.supersededBy ? { supersededBy: event.data.supersededBy } : {}) },
      };
    case 'FraudReported':
      return {
        ...base,
        at: event.occurredAt,
        deviceId: event.data.deviceId,
        detail: { lockedUntil: event.data.lockedUntil, ...(event.data.challengeStatus ? { challengeStatus: event.data.challengeStatus } : {}) },
      };
    case 'PushLocked':
      return {
        ...base,
        at: event.occurredAt,
        detail: { reason: event.data.reason, lockedUntil: event.data.lockedUntil, consecutiveMismatches: event.data.consecutiveMismatches },
      };
    case 'PushUnlocked':
      return {
        ...base,
        at: event.data.unlockedAt,
        detail: {
          unlockedBy: event.data.unlockedBy,
          ...(event.data.previousReason ? { reason: event.data.previousReason } : {}),
          ...(event.data.previousLockedUntil ? { lockedUntil: event.data.previousLockedUntil } : {}),
        },
      };
    case 'PushLockLifted':
      return {
        ...base,
        at: event.occurredAt,
        detail: { unlockedBy: { keyId: event.data.liftedBy }, reason: event.data.reason, lockedUntil: event.data.lockedUntil },
      };
    case 'DiagnosticsShared':
      return {
        ...base,
        at: event.data.sharedAt,
        deviceId: event.data.deviceId,
        detail: { incidentId: event.data.incidentId, lineCount: event.data.logs.length },
      };
    case 'PushDispatched':
      return {
        ...base,
        at: event.occurredAt,
        deviceId: event.data.deviceId,
        detail: { provider: event.data.provider, attempt: event.data.attempt, latencyMs: event.data.latencyMs },
      };
    case 'PushAttemptFailed':
      return {
        ...base,
        at: event.occurredAt,
        deviceId: event.data.deviceId,
        detail: { provider: event.data.provider, attempt: event.data.attempt, reason: event.data.reason, retryInMs: event.data.retryInMs },
      };
    case 'PushFailed':
    case 'PushRejected':
      return {
        ...base,
        at: event.occurredAt,
        deviceId: event.data.deviceId,
        detail: { provider: event.data.provider, attempt: event.data.attempt, reason: event.data.reason },
      };
    default: {
      const unexpected: never = event;
      throw new Error(`no timeline entry for ${(unexpected as { type: string }).type}`);
    }
  }
}

/** Lifecycle order, for events stamped with the same millisecond. */
const LIFECYCLE_RANK: Record<string, number> = {
  ChallengeIssued: 0,
  ChallengeResendRequested: 1,
  PushAttemptFailed: 2,
  PushDispatched: 2,
  PushFailed: 2,
  PushRejected: 2,
  ChallengeReceived: 3,
  ChallengeApproved: 4,
  ChallengeDenied: 4,
  ChallengeExpired: 4,
  ChallengeCancelled: 4,
  FraudReported: 5,
  PushLocked: 5,
  PushUnlocked: 6,
  PushLockLifted: 6,
  DiagnosticsShared: 7,
};

function compareEntries(a: TimelineEntry, b: TimelineEntry): number {
  const byTime = Date.parse(a.at) - Date.parse(b.at);
  if (byTime !== 0) return byTime;
  const byRank = (LIFECYCLE_RANK[a.type] ?? 9) - (LIFECYCLE_RANK[b.type] ?? 9);
  if (byRank !== 0) return byRank;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

/** Chronological, ties broken deterministically, so every arrival order gives the same timeline. */
export function insertTimelineEntry(timeline: TimelineEntry[], entry: TimelineEntry): TimelineEntry[] {
  return [...timeline, entry].sort(compareEntries);
}
