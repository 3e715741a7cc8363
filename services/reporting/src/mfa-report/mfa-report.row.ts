import type { ChallengeContext, NumberMatchingStyle, RiskSignal } from '@pushmfa/contracts';
import type { MfaReportFacts } from './mfa-report.facts';
import { type DeviceDelivery, deviceDeliveryOf, type ReportStatus, reportStatusOf } from './mfa-report.status';

export interface MfaReportRow {
  challengeId: string;
  userId: string;
  status: ReportStatus;
  createdAt: string;
  deliveredAt?: string;
  receivedAt?: string;
  resolvedAt?: string;
  devices: { deviceId: string; delivery: DeviceDelivery }[];
  context: ChallengeContext;
  /** The user's identity pool when the challenge was issued (`default` before pools existed). */
  poolId: string;
  /** The factor push stood for: `second` after a password, `first` for passwordless push. */
  factor: 'first' | 'second';
  /**
   * How the user proved the push was theirs: the style in force (`off`, `always`, `choose`, `risk`), whether a number
   * was asked for, and for `risk` the signals that asked for it (empty: none fired). Absent on requests issued before
   * the report kept it.
   */
  numberMatching?: { style: NumberMatchingStyle; required: boolean; riskSignals?: RiskSignal[] };
  fraudReported: boolean;
  /** Why it was denied (`user_denied`, `number_mismatch`, `fraud`) or cancelled (`platform`, `push_locked`, `superseded`). */
  reason?: string;
  /** The newer request that superseded this one (reason `superseded`, `maxPendingPerUser`). */
  supersededBy?: string;
  /** `offline_code`: approved with the app's offline code (no push answered); absent for an answer to the push. */
  approvedWith?: 'offline_code';
  /**
   * Push locked for the user by this request: `fraud_report` or `number_mismatch`, until when; `unlockedAt` and
   * `unlockedBy` once an admin lifted that lock.
   */
  pushLock?: { reason: 'fraud_report' | 'number_mismatch' | 'offline_code'; lockedUntil: string; unlockedAt?: string; unlockedBy?: { keyId: string } };
}

export interface MfaReportTimelineItem {
  type: string;
  at: string;
  deviceId?: string;
  detail?: Record<string, unknown>;
}

export type MfaReportDetail = MfaReportRow & { timeline: MfaReportTimelineItem[] };

/** The row an admin reads; undefined until ChallengeIssued has arrived (no user, time or context before). */
export function reportRowOf(facts: MfaReportFacts): MfaReportRow | undefined {
  const issued = facts.issued;
  if (!issued) return undefined;
  const deviceIds = [...new Set([...issued.targetDeviceIds, ...Object.keys(facts.devices)])];
  return {
    challengeId: facts.challengeId,
    userId: issued.userId,
    status: reportStatusOf(facts),
    createdAt: issued.createdAt,
    ...optional('deliveredAt', firstDispatchOf(facts)),
    ...optional('receivedAt', facts.receivedAt),
    ...optional('resolvedAt', facts.resolution?.at),
    devices: deviceIds.map((deviceId) => ({ deviceId, delivery: deviceDeliveryOf(facts.devices[deviceId]) })),
    context: issued.context,
    poolId: issued.poolId ?? 'default',
    factor: issued.factor ?? 'second',
    ...optional('numberMatching', numberMatchingOf(issued)),
    fraudReported: facts.fraudReported,
    ...optional('reason', facts.resolution?.reason),
    ...optional('supersededBy', facts.resolution?.supersededBy),
    ...optional('approvedWith', facts.resolution?.outcome === 'success' ? facts.resolution.method : undefined),
    ...optional('pushLock', facts.pushLock && { ...facts.pushLock, ...facts.pushUnlock }),
  };
}

export function reportDetailOf(facts: MfaReportFacts): MfaReportDetail | undefined {
  const row = reportRowOf(facts);
  if (!row) return undefined;
  const timeline = facts.timeline.map(({ type, at, deviceId, detail }) => ({
    type,
    at,
    ...optional('deviceId', deviceId),
    ...optional('detail', detail),
  }));
  return { ...row, timeline };
}

/** The style in force; a request from before styles had `always` with a number, else `off`. */
function numberMatchingOf(issued: NonNullable<MfaReportFacts['issued']>): MfaReportRow['numberMatching'] {
  if (issued.numberMatchRequired === undefined) return undefined;
  const style = issued.numberMatching ?? (issued.numberMatchRequired ? 'always' : 'off');
  return { style, required: issued.numberMatchRequired, ...(issued.riskSignals ? { riskSignals: issued.riskSignals } : {}) };
}

function firstDispatchOf(facts: MfaReportFacts): string | undefined {
  const times = Object.values(facts.devices).flatMap((device) => (device.dispatchedAt ? [device.dispatchedAt] : []));
  return times.sort((a, b) => Date.parse(a) - Date.parse(b))[0];
}

/** Leaves absent fields out of the JSON instead of sending null. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
