import type { z } from 'zod';
import { listReportsQuerySchema } from './list-reports.query';

/** The export takes the list's filters; paging does not apply, every matching row is written. */
export const exportReportsQuerySchema = listReportsQuerySchema.pick({
  userId: true,
  status: true,
  from: true,
  to: true,
  fraudReported: true,
  deviceId: true,
  application: true,
  ipAddress: true,
  health: true,
  poolId: true,
  factor: true,
});

export type ExportReportsQuery = z.output<typeof exportReportsQuerySchema>;
