import { z } from 'zod';
import { isoDateTime } from '@pushmfa/contracts';

/** Enough for a day by the minute; a wider window asks for wider buckets. */
export const MAX_SERIES_BUCKETS = 1440;
export const DEFAULT_BUCKET_SECONDS = 60;

/**
 * `GET /v1/reports/mfa/summary/series?from&to&bucketSeconds`: a window on creation time (from inclusive, to
 * exclusive, both required so every bucket has a fixed start) cut into buckets of `bucketSeconds`.
 */
export const summarySeriesQuerySchema = z
  .object({
    from: isoDateTime,
    to: isoDateTime,
    bucketSeconds: z.coerce
      .number()
      .int()
      .min(1)
      .max(31 * 24 * 3600)
      .default(DEFAULT_BUCKET_SECONDS),
  })
  .superRefine((query, ctx) => {
    // zod runs this refinement even after bucketSeconds failed its own checks: one message per field is enough.
    if (!Number.isInteger(query.bucketSeconds) || query.bucketSeconds < 1) return;
    const windowMs = Date.parse(query.to) - Date.parse(query.from);
    if (windowMs <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (Math.ceil(windowMs / (query.bucketSeconds * 1000)) > MAX_SERIES_BUCKETS) {
      ctx.addIssue({ code: 'custom', path: ['bucketSeconds'], message: `the window holds more than ${MAX_SERIES_BUCKETS} buckets` });
    }
  });

export type SummarySeriesQuery = z.output<typeof summarySeriesQuerySchema>;
