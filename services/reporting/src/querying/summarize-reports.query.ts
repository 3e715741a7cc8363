import type { z } from 'zod';
import { listReportsQuerySchema } from './list-reports.query';

/** `GET /v1/reports/mfa/summary?from&to`: the window on creation time, from inclusive, to exclusive; both optional. */
export const summarizeReportsQuerySchema = listReportsQuerySchema.pick({ from: true, to: true });

export type SummarizeReportsQuery = z.output<typeof summarizeReportsQuerySchema>;
