/** The shapes of the MFA Report API as the page reads them (API.md, and the service's /openapi.json). */
export const REPORT_STATUSES = ['pending', 'delivered', 'received', 'success', 'denied', 'expired', 'failed', 'cancelled'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

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
  /** Why it was denied (user_denied, number_mismatch, fraud) or cancelled (platform, push_locked). */
  reason?: string;
  /** Push was locked for the user by this request. */
  pushLock?: { reason: 'fraud_report' | 'number_mismatch'; lockedUntil: string; unlockedAt?: string; unlockedBy?: { keyId: string } };
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
