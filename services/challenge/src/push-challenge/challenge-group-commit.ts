import type { MetricsService } from '@pushmfa/observability';
import type { ChallengeCommand, ChallengeCommands, CommandResult } from './challenge-commands';
import { GROUP_COMMIT_LIMITS, GroupCommit, isStoreUnavailable } from './group-commit';
import { type GroupCommitted, groupCommitBatchRecorder } from './group-commit.metric';

/**
 * Group commit (group-commit.ts) of commands that each decide on one challenge's stream and take no user lock
 * (receipts, cancellations): the commands of one tick, and those arriving while both transactions are busy, share one
 * transaction (`ChallengeCommands.executeMany`), each decided on its own; two commands of one challenge never share a
 * batch. A command alone, or one of a batch that failed (another writer appended first), is written by
 * `executeOne`, which decides again on a fresh read.
 */
export function challengeGroupCommit(
  challenges: ChallengeCommands,
  metrics: MetricsService,
  command: GroupCommitted,
): GroupCommit<ChallengeCommand, CommandResult> {
  return new GroupCommit((batch) => (batch.length === 1 ? challenges.executeOne(batch[0]!).then((answer) => [{ answer }]) : challenges.executeMany(batch)), {
    ...GROUP_COMMIT_LIMITS,
    conflictKey: ({ challengeId }) => challengeId,
    isStoreFailure: isStoreUnavailable,
    observeBatch: groupCommitBatchRecorder(metrics, command),
  });
}
