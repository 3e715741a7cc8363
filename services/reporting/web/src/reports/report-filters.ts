import { REPORT_STATUSES, type ReportStatus } from '../api/report-types';

/** What the admin typed into the filter form; empty means "any". Times are the form's local date-times. */
export interface ReportFilters {
  userId: string;
  status: ReportStatus | '';
  fromLocal: string;
  toLocal: string;
}

export const NO_FILTERS: ReportFilters = { userId: '', status: '', fromLocal: '', toLocal: '' };

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
  return undefined;
}

export function isReportStatus(value: string): value is ReportStatus {
  return (REPORT_STATUSES as readonly string[]).includes(value);
}
