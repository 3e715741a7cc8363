import { Injectable } from '@nestjs/common';
import { MetricsService } from '@pushmfa/observability';
import { assertChallengeId, type ChallengeCommand, ChallengeCommands, type CommandResult, metadataOf } from '../challenge-commands';
import { challengeGroupCommit } from '../challenge-group-commit';
import type { GroupCommit } from '../group-commit';

/**
 * The platform cancels a pending challenge (the user gave up signing in). Raises `not_found`, `challenge_not_pending`.
 * Cancellations that arrive together are written with group commit (challenge-group-commit.ts).
 */
@Injectable()
export class CancelChallengeHandler {
  private readonly groupCommit: GroupCommit<ChallengeCommand, CommandResult>;

  constructor(challenges: ChallengeCommands, metrics: MetricsService) {
    this.groupCommit = challengeGroupCommit(metrics, 'cancel', { one: (c) => challenges.executeOne(c), many: (batch) => challenges.executeMany(batch) });
  }

  async execute(command: { workspaceId: string; challengeId: string }): Promise<{ status: 'cancelled' }> {
    const { workspaceId, challengeId } = command;
    // A malformed id is refused before it joins a batch.
    assertChallengeId(challengeId);
    await this.groupCommit.submit({
      challengeId,
      owner: { workspaceId },
      metadata: metadataOf(workspaceId),
      command: (now) => ({ type: 'CancelChallenge', now }),
    });
    return { status: 'cancelled' };
  }
}
