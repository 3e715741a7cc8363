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
