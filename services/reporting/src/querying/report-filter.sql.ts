import { DEVICE_HEALTH_TABLE } from '../database/device-health-table';
import type { HealthBadge } from '../mfa-report/mfa-report.health';
import type { ReportCursor } from './report-cursor';

export interface ReportFilters {
  userId?: string;
  status?: string;
  from?: string;
  to?: string;
  fraudReported?: boolean;
  deviceId?: string;
  application?: string;
  ipAddress?: string;
  /** Rows with a device whose last health report shows this issue. */
  health?: HealthBadge;
  /** The user's identity pool when the request was issued. */
  poolId?: string;
  factor?: 'first' | 'second';
}

/** Each health badge as a condition on a device's last health report (`device_health.health`). */
const HEALTH_CONDITIONS: Record<HealthBadge, string> = {
  notifications_off: `health ->> 'notifications' = 'denied'`,
  focus_mode: `health -> 'focusMode' = 'true'::jsonb`,
  battery_saver: `health -> 'batterySaver' = 'true'::jsonb`,
  background_refresh_off: `health -> 'backgroundRefresh' = 'false'::jsonb`,
};

export interface ReportFilterSql {
  where: string;
  params: unknown[];
}

/**
 * The WHERE clause shared by the list and the CSV export: always one workspace, only rows whose ChallengeIssued
 * arrived, and, after `before`, only rows older than it in (created_at, challenge_id) order.
 */
export function reportFilterSql(workspaceId: string, filters: ReportFilters, before?: ReportCursor, schema?: string): ReportFilterSql {
  const params: unknown[] = [workspaceId];
  const where = ['workspace_id = $1', 'created_at is not null'];
  const add = (sql: (n: string) => string, value: unknown) => where.push(sql(`$${params.push(value)}`));
  if (filters.userId !== undefined) add((n) => `user_id = ${n}`, filters.userId);
  if (filters.status !== undefined) add((n) => `status = ${n}`, filters.status);
  if (filters.from !== undefined) add((n) => `created_at >= ${n}::timestamptz`, filters.from);
  if (filters.to !== undefined) add((n) => `created_at < ${n}::timestamptz`, filters.to);
  if (filters.fraudReported !== undefined) add((n) => `fraud_reported = ${n}`, filters.fraudReported);
  if (filters.application !== undefined) add((n) => `application = ${n}`, filters.application);
  if (filters.ipAddress !== undefined) add((n) => `ip_address = ${n}`, filters.ipAddress);
  if (filters.poolId !== undefined) add((n) => `pool_id = ${n}`, filters.poolId);
  if (filters.factor !== undefined) add((n) => `factor = ${n}`, filters.factor);
  if (filters.deviceId !== undefined) add((n) => `device_ids @> array[${n}::text]`, filters.deviceId);
  if (filters.health !== undefined) {
    if (schema === undefined) throw new Error('the health filter reads the device health table: pass the schema');
    // The workspace's devices showing the issue (a small table), then the rows naming any of them (the GIN index).
    where.push(`device_ids && array(select device_id from ${schema}.${DEVICE_HEALTH_TABLE} where workspace_id = $1 and ${HEALTH_CONDITIONS[filters.health]})`);
  }
  if (before !== undefined) {
    const at = `$${params.push(before.createdAt)}`;
    add((id) => `(created_at, challenge_id) < (${at}::timestamptz, ${id})`, before.challengeId);
  }
  return { where: where.join(' and '), params };
}
