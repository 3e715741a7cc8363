import type { DeviceDeliveryFacts, MfaReportFacts, PushLockFact, PushUnlockFact, ResolutionFact } from './mfa-report.facts';
import type { ReportEvent } from './mfa-report.events';
import { insertTimelineEntry, timelineEntryOf } from './mfa-report.timeline';

/**
 * Folds one event into a challenge's facts. Pure and order-independent: every fact keeps its earliest time,
 * and an event already on the timeline (same envelope id) changes nothing.
 */
export function evolveReportFacts(facts: MfaReportFacts, event: ReportEvent): MfaReportFacts {
  if (facts.timeline.some((entry) => entry.eventId === event.id)) return facts;
  const next: MfaReportFacts = {
    ...recordFact(facts, event),
    userId: facts.userId ?? event.data.userId,
    timeline: insertTimelineEntry(facts.timeline, timelineEntryOf(event)),
  };
  return next;
}

function recordFact(facts: MfaReportFacts, event: ReportEvent): MfaReportFacts {
  switch (event.type) {
    case 'ChallengeIssued': {
      const { userId, createdAt, expiresAt, context, devices, poolId, factor, numberMatchRequired, numberMatching, riskSignals } = event.data;
      const pool = { ...(poolId ? { poolId } : {}), ...(factor ? { factor } : {}) };
      const matching = { numberMatchRequired, ...(numberMatching ? { numberMatching } : {}), ...(riskSignals ? { riskSignals } : {}) };
      return { ...facts, issued: { userId, createdAt, expiresAt, context, targetDeviceIds: devices.map((d) => d.deviceId), ...pool, ...matching } };
    }
    case 'ChallengeResendRequested':
      return facts;
    case 'ChallengeReceived':
      return { ...facts, receivedAt: earliest(facts.receivedAt, event.data.receivedAt) };
    case 'ChallengeApproved': {
      const { resolvedAt: at, deviceId, method } = event.data;
      return withResolution(facts, { outcome: 'success', at, deviceId, ...(method === 'offline_code' ? { method } : {}) });
    }
    case 'ChallengeDenied': {
      const denied = withResolution(facts, { outcome: 'denied', at: event.data.resolvedAt, deviceId: event.data.deviceId, reason: event.data.reason });
      return event.data.reason === 'fraud' ? { ...denied, fraudReported: true } : denied;
    }
    case 'ChallengeExpired':
      return withResolution(facts, { outcome: 'expired', at: event.data.resolvedAt });
    case 'ChallengeCancelled':
      return withResolution(facts, {
        outcome: 'cancelled',
        at: event.data.resolvedAt,
        reason: event.data.reason ?? 'platform',
        ...(event.data.supersededBy ? { supersededBy: event.data.supersededBy } : {}),
      });
    case 'FraudReported':
      // Also after the decision (a deny, a wrong number, an approval, an expiry): the row is flagged either way.
      return withPushLock({ ...facts, fraudReported: true }, { reason: 'fraud_report', lockedUntil: event.data.lockedUntil });
    case 'PushLocked':
      return withPushLock(facts, { reason: event.data.reason, lockedUntil: event.data.lockedUntil });
    case 'PushUnlocked':
      return withPushUnlock(facts, { unlockedAt: event.data.unlockedAt, unlockedBy: { keyId: event.data.unlockedBy.keyId } });
    case 'PushLockLifted':
      return withPushUnlock(facts, { unlockedAt: event.occurredAt, unlockedBy: { keyId: event.data.liftedBy } });
    case 'DiagnosticsShared':
      // Only the timeline says so (with the incident id): the logs live in the incident, which expires.
      return facts;
    case 'PushDispatched':
      return withDeviceFact(facts, event.data.deviceId, 'dispatchedAt', event.occurredAt);
    case 'PushAttemptFailed':
      return withDeviceFact(facts, event.data.deviceId, 'attemptFailedAt', event.occurredAt);
    case 'PushFailed':
      return withDeviceFact(facts, event.data.deviceId, 'failedAt', event.occurredAt);
    case 'PushRejected':
      return withDeviceFact(facts, event.data.deviceId, 'rejectedAt', event.occurredAt);
    default: {
      const unexpected: never = event;
      throw new Error(`unexpected event ${(unexpected as { type: string }).type}`);
    }
  }
}

/** A challenge resolves once; should two resolutions ever arrive, the earlier one is the truth in any arrival order. */
function withResolution(facts: MfaReportFacts, resolution: ResolutionFact): MfaReportFacts {
  const current = facts.resolution;
  if (!current) return { ...facts, resolution };
  const byTime = Date.parse(resolution.at) - Date.parse(current.at);
  const earlier = byTime < 0 || (byTime === 0 && resolution.outcome < current.outcome);
  return earlier ? { ...facts, resolution } : facts;
}

/** The longest lock this challenge caused, whatever order its events arrive in. */
function withPushLock(facts: MfaReportFacts, lock: PushLockFact): MfaReportFacts {
  const current = facts.pushLock;
  if (current && Date.parse(current.lockedUntil) >= Date.parse(lock.lockedUntil)) return facts;
  return { ...facts, pushLock: lock };
}

/** The latest unlock of this challenge's lock (it lifted the latest lock), whatever order its events arrive in. */
function withPushUnlock(facts: MfaReportFacts, unlock: PushUnlockFact): MfaReportFacts {
  const current = facts.pushUnlock;
  if (current && Date.parse(current.unlockedAt) >= Date.parse(unlock.unlockedAt)) return facts;
  return { ...facts, pushUnlock: unlock };
}

function withDeviceFact(facts: MfaReportFacts, deviceId: string, fact: keyof DeviceDeliveryFacts, at: string): MfaReportFacts {
  const device = facts.devices[deviceId] ?? {};
  return { ...facts, devices: { ...facts.devices, [deviceId]: { ...device, [fact]: earliest(device[fact], at) } } };
}

function earliest(current: string | undefined, candidate: string): string {
  return current !== undefined && Date.parse(current) <= Date.parse(candidate) ? current : candidate;
}
