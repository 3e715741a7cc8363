import { Injectable } from '@nestjs/common';
import { MetricsService } from '@pushmfa/observability';
import { assertChallengeId, type ChallengeCommand, ChallengeCommands, type CommandResult, metadataOf } from '../challenge-commands';
import { challengeGroupCommit } from '../challenge-group-commit';
import type { GroupCommit } from '../group-commit';

/**
 * The app says a challenge of its user reached it; recorded once per device (and only while the challenge is
 * pending). Raises `not_found` for another user's. Receipts that arrive together are written with group commit
 * (challenge-group-commit.ts): one transaction for all of them, each decided on its own.
 */
@Injectable()
export class AcknowledgeReceiptHandler {
  private readonly groupCommit: GroupCommit<ChallengeCommand, CommandResult>;

  constructor(challenges: ChallengeCommands, metrics: MetricsService) {
    this.groupCommit = challengeGroupCommit(metrics, 'receipt', { one: (c) => challenges.executeOne(c), many: (batch) => challenges.executeMany(batch) });
  }

  async execute(challengeId: string, device: { deviceId: string; workspaceId: string; userId: string }): Promise<void> {
    // A malformed id is refused before it joins a batch.
    assertChallengeId(challengeId);
    await this.groupCommit.submit({
      challengeId,
      owner: { workspaceId: device.workspaceId, userId: device.userId },
      metadata: metadataOf(device.workspaceId),
      command: (now) => ({ type: 'AcknowledgeReceipt', deviceId: device.deviceId, now }),
    });
  }
}
