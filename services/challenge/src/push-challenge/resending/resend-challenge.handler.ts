import { Injectable } from '@nestjs/common';
import { MetricsService } from '@pushmfa/observability';
import { assertChallengeId, ChallengeCommands, metadataOf, type UserCommandResult, type UserPushCommand } from '../challenge-commands';
import { challengeGroupCommit } from '../challenge-group-commit';
import type { GroupCommit } from '../group-commit';

/**
 * The platform pushes a pending challenge again (at most 3 times; the deadline stays). A resend is a push, decided
 * under the user's lock: `push_locked` while the user is locked, `rate_limited` (with Retry-After) past the user's
 * push budget, `resend_limit_reached`, `challenge_not_pending`, `not_found`. Resends that arrive together are written
 * with group commit (challenge-group-commit.ts): the resends of one tick, and those arriving while both resend
 * transactions are busy, share one transaction (`executeManyForUser`), each decided on its own user's admission after
 * the batch's earlier pushes; two resends of one challenge never share a batch, and a batch that fails (another writer
 * appended first) is written again one resend at a time, each on a fresh read with its own retries.
 */
@Injectable()
export class ResendChallengeHandler {
  private readonly groupCommit: GroupCommit<UserPushCommand, UserCommandResult>;

  constructor(challenges: ChallengeCommands, metrics: MetricsService) {
    this.groupCommit = challengeGroupCommit(metrics, 'resend', {
      one: (command) => challenges.executeOneForUser(command),
      many: (batch) => challenges.executeManyForUser(batch),
    });
  }

  async execute(command: { workspaceId: string; challengeId: string }): Promise<{ attempt: number }> {
    // A malformed id is refused before it joins a batch.
    assertChallengeId(command.challengeId);
    const { newEvents } = await this.groupCommit.submit({
      challengeId: command.challengeId,
      workspaceId: command.workspaceId,
      metadata: metadataOf(command.workspaceId),
      command: (admission, now) => ({ type: 'ResendChallenge', now, refusal: admission.refusal }),
    });
    const resent = newEvents.find((event) => event.type === 'ChallengeResendRequested');
    return { attempt: resent?.type === 'ChallengeResendRequested' ? resent.data.attempt : 0 };
  }
}
