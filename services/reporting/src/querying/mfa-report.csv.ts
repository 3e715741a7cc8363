import type { MfaReportRow } from '../mfa-report/mfa-report.row';

/** The CSV columns, in order; devices are `deviceId:delivery` pairs joined by `;`. */
export const MFA_REPORT_CSV_COLUMNS = [
  'challengeId',
  'userId',
  'status',
  'createdAt',
  'deliveredAt',
  'receivedAt',
  'resolvedAt',
  'devices',
  'ipAddress',
  'location',
  'userAgent',
  'application',
  'fraudReported',
  'poolId',
  'factor',
  'numberMatching',
  'riskSignals',
] as const;

const CRLF = '\r\n';

/** Spreadsheets run a cell starting with one of these as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 field: a leading quote defuses a formula, and a field with a quote, comma or line break is quoted. */
export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvHeaderLine(): string {
  return MFA_REPORT_CSV_COLUMNS.join(',') + CRLF;
}

export function csvLineOf(row: MfaReportRow): string {
  const cells: Record<(typeof MFA_REPORT_CSV_COLUMNS)[number], string> = {
    challengeId: row.challengeId,
    userId: row.userId,
    status: row.status,
    createdAt: row.createdAt,
    deliveredAt: row.deliveredAt ?? '',
    receivedAt: row.receivedAt ?? '',
    resolvedAt: row.resolvedAt ?? '',
    devices: row.devices.map((device) => `${device.deviceId}:${device.delivery}`).join(';'),
    ipAddress: row.context.ipAddress ?? '',
    location: row.context.location ?? '',
    userAgent: row.context.userAgent ?? '',
    application: row.context.application ?? '',
    fraudReported: String(row.fraudReported),
    poolId: row.poolId,
    factor: row.factor,
    numberMatching: row.numberMatching?.style ?? '',
    riskSignals: row.numberMatching?.riskSignals?.join(';') ?? '',
  };
  return MFA_REPORT_CSV_COLUMNS.map((column) => csvField(cells[column])).join(',') + CRLF;
}
