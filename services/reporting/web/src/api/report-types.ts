/** The shapes of the MFA Report API as the page reads them (API.md, and the service's /openapi.json). */
export const REPORT_STATUSES = ['pending', 'delivered', 'received', 'success', 'denied', 'expired', 'failed', 'cancelled'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** The health badges the report can be filtered on (`health=`): an issue a device of the row last reported. */
export const HEALTH_BADGES = ['notifications_off', 'focus_mode', 'battery_saver', 'background_refresh_off'] as const;
export type HealthBadge = (typeof HEALTH_BADGES)[number];

export type DeviceDelivery = 'pending' | 'delivered' | 'retrying' | 'failed' | 'rejected';

export interface ReportRow {
  challengeId: string;
  userId: string;
  status: ReportStatus;
  createdAt: string;
  deliveredAt?: string;
  receivedAt?: string;
  resolvedAt?: string;
  devices: { deviceId: string; delivery: DeviceDelivery }[];
  context: { ipAddress?: string; location?: string; userAgent?: string; application?: string };
  fraudReported: boolean;
  /** The user's identity pool, and the factor push stood for (absent from servers before pools). */
  poolId?: string;
  factor?: 'first' | 'second';
  /** The number matching style in force, whether a number was asked for, and the risk signals that asked for it. */
  numberMatching?: { style: 'off' | 'always' | 'choose' | 'risk'; required: boolean; riskSignals?: string[] };
  /** Why it was denied (user_denied, number_mismatch, fraud) or cancelled (platform, push_locked, superseded). */
  reason?: string;
  /** The newer request that superseded this one (reason superseded). */
  supersededBy?: string;
  /** Approved with the app's offline code (no push answered). */
  approvedWith?: 'offline_code';
  /** Push was locked for the user by this request. */
  pushLock?: { reason: 'fraud_report' | 'number_mismatch' | 'offline_code'; lockedUntil: string; unlockedAt?: string; unlockedBy?: { keyId: string } };
}

export interface ReportPage {
  items: ReportRow[];
  nextCursor: string | null;
}

export interface TimelineItem {
  type: string;
  at: string;
  deviceId?: string;
  detail?: Record<string, unknown>;
}

export type ReportDetail = ReportRow & { timeline: TimelineItem[] };

/** App logs a user shared with support (`GET /v1/reports/diagnostics`), kept for the workspace's retention. */
export interface IncidentSummary {
  incidentId: string;
  userId: string;
  deviceId: string;
  challengeId: string | null;
  sharedAt: string;
  expiresAt: string;
  appVersion: string | null;
  health: Record<string, unknown> | null;
  lineCount: number;
}

export type Incident = IncidentSummary & { logs: string[] };

export interface LatencyPercentiles {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface ReportLatency {
  issueToDelivered: LatencyPercentiles;
  issueToResolved: LatencyPercentiles;
}

export interface ReportSummary {
  total: number;
  counts: Record<ReportStatus, number>;
  latencyMs: ReportLatency;
}

export interface SeriesBucket extends ReportSummary {
  start: string;
}

export interface ReportSeries {
  from: string;
  to: string;
  bucketSeconds: number;
  buckets: SeriesBucket[];
}

/** `GET /v1/reports/test-pushes`: an admin's test push and how far it got. */
export interface TestPush {
  testPushId: string;
  userId: string;
  deviceId: string;
  deviceName?: string;
  requestedAt?: string;
  requestedBy?: { keyId?: string };
  status: 'requested' | 'delivered' | 'failed' | 'received';
  deliveredAt?: string;
  receivedAt?: string;
  failure?: { reason: string; summary: string };
}
