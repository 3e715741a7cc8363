import type { MetricsService } from '@pushmfa/observability';

/** The commands written with group commit. */
export type GroupCommitted = 'issue' | 'response' | 'receipt' | 'cancel' | 'resend';

/**
 * How many requests each group-commit transaction carried, by command: `sum / count` is the mean batch, which grows
 * with load (1 when requests come one at a time). An SRE reads from it whether the write path is sharing its round
 * trips, and the benchmark reports it beside its latencies.
 */
export function groupCommitBatchRecorder(metrics: MetricsService, command: GroupCommitted): (size: number) => void {
  const histogram = metrics.histogram({
    name: 'challenge_group_commit_batch_size',
    help: 'Requests written in one group-commit transaction, by command (issue, response, receipt, cancel, resend)',
    labelNames: ['command'],
    buckets: [1, 2, 4, 8, 16, 32, 64],
  });
  histogram.zero({ command });
  return (size) => histogram.observe({ command }, size);
}
