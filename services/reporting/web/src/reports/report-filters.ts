import { HEALTH_BADGES, type HealthBadge, REPORT_STATUSES, type ReportStatus } from '../api/report-types';

/** What the admin typed into the filter form; empty (or absent) means "any". Times are the form's local date-times. */
export interface ReportFilters {
  userId: string;
  status: ReportStatus | '';
  fromLocal: string;
  toLocal: string;
  fraudReported?: 'true' | 'false' | '';
  deviceId?: string;
  application?: string;
  ipAddress?: string;
  health?: HealthBadge | '';
  poolId?: string;
  factor?: 'first' | 'second' | '';
}

export const NO_FILTERS: ReportFilters = {
  userId: '',
  status: '',
  fromLocal: '',
  toLocal: '',
  fraudReported: '',
  deviceId: '',
  application: '',
  ipAddress: '',
  health: '',
  poolId: '',
  factor: '',
};

export const PAGE_SIZE = 50;

/** The query string of `GET /v1/reports/mfa` for these filters: only the parameters API.md names, none empty. */
export function reportListQuery(filters: ReportFilters, cursor?: string | null, limit = PAGE_SIZE): URLSearchParams {
  const query = new URLSearchParams();
  const userId = filters.userId.trim();
  if (userId) query.set('userId', userId);
  if (filters.status) query.set('status', filters.status);
  const from = isoOfLocal(filters.fromLocal);
  const to = isoOfLocal(filters.toLocal);
  if (from) query.set('from', from);
  if (to) query.set('to', to);
  if (filters.fraudReported) query.set('fraudReported', filters.fraudReported);
  for (const name of ['deviceId', 'application', 'ipAddress', 'poolId'] as const) {
    const value = filters[name]?.trim();
    if (value) query.set(name, value);
  }
  if (filters.health) query.set('health', filters.health);
  if (filters.factor) query.set('factor', filters.factor);
  query.set('limit', String(limit));
  if (cursor) query.set('cursor', cursor);
  return query;
}

/** A `datetime-local` value ("2026-11-23T09:30") read in the browser's time zone, as ISO 8601 UTC; undefined if blank or invalid. */
export function isoOfLocal(local: string): string | undefined {
  if (!local.trim()) return undefined;
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** Why the filters cannot be sent, in words, or undefined when they can. */
export function filtersProblem(filters: ReportFilters): string | undefined {
  if (filters.fromLocal.trim() && !isoOfLocal(filters.fromLocal)) return 'The "from" time is not a date and time.';
  if (filters.toLocal.trim() && !isoOfLocal(filters.toLocal)) return 'The "to" time is not a date and time.';
  const from = isoOfLocal(filters.fromLocal);
  const to = isoOfLocal(filters.toLocal);
  if (from && to && Date.parse(from) >= Date.parse(to)) return '"From" must be before "to".';
  if (filters.userId.trim().length > 200) return 'That user id is too long.';
  if ((filters.deviceId?.trim().length ?? 0) > 100) return 'That device id is too long.';
  if ((filters.application?.trim().length ?? 0) > 200) return 'That application name is too long.';
  if ((filters.poolId?.trim().length ?? 0) > 100) return 'That pool id is too long.';
  const ip = filters.ipAddress?.trim() ?? '';
  if (ip && !looksLikeIpAddress(ip)) return 'That IP address is not an IPv4 or IPv6 address.';
  return undefined;
}

/** A rough check (the API validates exactly): dotted IPv4, or hex groups with colons for IPv6. */
function looksLikeIpAddress(text: string): boolean {
  return /^(\d{1,3}\.){3}\d{1,3}$/.test(text) || (/^[0-9a-f:.]+$/i.test(text) && text.includes(':'));
}

export function isHealthBadge(value: string): value is HealthBadge {
  return (HEALTH_BADGES as readonly string[]).includes(value);
}

export function isReportStatus(value: string): value is ReportStatus {
  return (REPORT_STATUSES as readonly string[]).includes(value);
}
