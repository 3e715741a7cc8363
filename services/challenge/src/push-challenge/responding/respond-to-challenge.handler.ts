import { Injectable } from '@nestjs/common';
import { DEFAULT_SETTINGS } from '@pushmfa/contracts';
import { DomainError } from '@pushmfa/event-store';
import { MetricsService } from '@pushmfa/observability';
import { assertChallengeId, ChallengeCommands, type IssuedChallenge, metadataOf, type UserCommandResult, type UserGuardCommand } from '../challenge-commands';
import { challengeView } from '../challenge-view';
import { GROUP_COMMIT_LIMITS, GroupCommit, isStoreUnavailable } from '../group-commit';
import { groupCommitBatchRecorder } from '../group-commit.metric';

export interface RespondToChallenge {
  /** The device that signed the response. */
  device: { deviceId: string; workspaceId: string; userId: string };
  decision: 'approve' | 'deny';
  /** The number the user typed or tapped. */
  numberMatch?: string;
  /** "This wasn't me": recorded whatever the status, and locks push for the user. */
  fraud?: boolean;
  /** The user passed the device's own check (biometric or PIN); a first-factor push needs it to be approved. */
  userVerified?: boolean;
}

/**
 * The app approves or denies a challenge of its user; the first response wins. The challenge, the user's push lock,
 * wrong-number streak and the workspace's settings are read under the user's lock, in one round trip of the append's
 * transaction. Responses that arrive together are written with group commit (group-commit.ts): the responses of one
 * tick, and those arriving while both response transactions are busy, share one transaction
 * (`executeManyUnderUserGuard`), each decided on its own; two responses of one user never share a batch, and a batch
 * that fails (another writer appended first) is written again one response at a time, each with its own retries.
 * Raises `not_found` (another user's challenge), `number_mismatch` (the request is denied: one try), and the decider's
 * `challenge_not_pending`, `challenge_expired`, `push_locked`, `user_verification_required`.
 */
@Injectable()
export class RespondToChallengeHandler {
  private readonly groupCommit: GroupCommit<UserGuardCommand, UserCommandResult>;

  constructor(
    private readonly challenges: ChallengeCommands,
    metrics: MetricsService,
  ) {
    this.groupCommit = new GroupCommit(
      (batch) =>
        batch.length === 1 ? this.challenges.executeUnderUserGuard(batch[0]!).then((answer) => [{ answer }]) : this.challenges.executeManyUnderUserGuard(batch),
      {
        ...GROUP_COMMIT_LIMITS,
        conflictKey: ({ user }) => `${user.workspaceId}/${user.userId}`,
        isStoreFailure: isStoreUnavailable,
        observeBatch: groupCommitBatchRecorder(metrics, 'response'),
      },
    );
  }

  async execute(challengeId: string, command: RespondToChallenge): Promise<{ status: string }> {
    // A malformed id is refused before it joins a batch (where it would fail the others' transaction).
    assertChallengeId(challengeId);
    const { device } = command;
    const user = { workspaceId: device.workspaceId, userId: device.userId };
    const { state, newEvents } = await this.groupCommit.submit({
      challengeId,
      user,
      metadata: metadataOf(device.workspaceId),
      command: (admission, now) => {
        const settings = admission.settings ?? DEFAULT_SETTINGS;
        return {
          type: 'RespondToChallenge',
          deviceId: device.deviceId,
          decision: command.decision,
          fraud: command.fraud === true,
          fraudLockMinutes: settings.fraudLockMinutes,
          numberMismatchLockThreshold: settings.numberMismatchLockThreshold,
          user: admission.guard,
          now,
          ...(command.numberMatch ? { numberMatch: command.numberMatch } : {}),
          ...(command.userVerified === true ? { userVerified: true } : {}),
        };
      },
    });
    if (newEvents.some((e) => e.type === 'ChallengeDenied' && e.data.reason === 'number_mismatch')) {
      const locked = newEvents.some((e) => e.type === 'PushLocked');
      throw new DomainError(
        'number_mismatch',
        `the number does not match the one on the sign-in page; the request was denied${locked ? ', and push is locked for this user after repeated wrong numbers' : ''}`,
      );
    }
    return { status: challengeView(state as IssuedChallenge).status };
  }
}
