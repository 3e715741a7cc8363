import type { MetricsService } from '@pushmfa/observability';
import { type BatchOutcome, GROUP_COMMIT_LIMITS, GroupCommit, isStoreUnavailable } from './group-commit';
import { type GroupCommitted, groupCommitBatchRecorder } from './group-commit.metric';

/**
 * Group commit (group-commit.ts) of commands that each decide on one challenge's stream (receipts, cancellations,
 * resends): the commands of one tick, and those arriving while both transactions are busy, share one transaction
 * (`many`: ChallengeCommands.executeMany, executeManyForUser), each decided on its own; two commands of one challenge
 * never share a batch. A command alone, or one of a batch that failed (another writer appended first), is written by
 * `one` (executeOne, executeOneForUser), which decides again on a fresh read.
 */
export function challengeGroupCommit<C extends { challengeId: string }, R>(
  metrics: MetricsService,
  command: GroupCommitted,
  write: { one: (command: C) => Promise<R>; many: (batch: readonly C[]) => Promise<Array<BatchOutcome<R>>> },
): GroupCommit<C, R> {
  return new GroupCommit((batch) => (batch.length === 1 ? write.one(batch[0]!).then((answer) => [{ answer }]) : write.many(batch)), {
    ...GROUP_COMMIT_LIMITS,
    conflictKey: ({ challengeId }) => challengeId,
    isStoreFailure: isStoreUnavailable,
    observeBatch: groupCommitBatchRecorder(metrics, command),
  });
}
