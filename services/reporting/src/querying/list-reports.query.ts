import { z } from 'zod';
import { idSchema, isoDateTime, safeText, userIdSchema } from '@pushmfa/contracts';
import { HEALTH_BADGES } from '../mfa-report/mfa-report.health';
import { REPORT_STATUSES } from '../mfa-report/mfa-report.status';
import { decodeReportCursor, type ReportCursor } from './report-cursor';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** The query string of `GET /v1/reports/mfa`; a bad value answers validation_failed naming its field. */
export const listReportsQuerySchema = z.object({
  userId: userIdSchema.optional(),
  status: z.enum(REPORT_STATUSES).optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  fraudReported: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  deviceId: idSchema.optional(),
  application: safeText(z.string().min(1).max(200)).optional(),
  ipAddress: z.union([z.ipv4(), z.ipv6()]).optional(),
  health: z.enum(HEALTH_BADGES).optional(),
  poolId: idSchema.optional(),
  factor: z.enum(['first', 'second']).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z
    .string()
    .max(1000)
    .transform((text, ctx) => {
      const cursor = decodeReportCursor(text);
      if (!cursor) ctx.addIssue({ code: 'custom', message: 'not a cursor from a previous page' });
      return cursor as ReportCursor;
    })
    .optional(),
});

export type ListReportsQuery = z.output<typeof listReportsQuerySchema>;
