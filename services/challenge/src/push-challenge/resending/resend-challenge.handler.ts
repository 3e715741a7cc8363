import { Injectable } from '@nestjs/common';
import { ChallengeCommands } from '../challenge-commands';

/**
 * The platform pushes a pending challenge again (at most 3 times; the deadline stays). A resend is a push, decided
 * under the user's lock: `push_locked` while the user is locked, `rate_limited` (with Retry-After) past the user's
 * push budget, `resend_limit_reached`, `challenge_not_pending`, `not_found`.
 */
@Injectable()
export class ResendChallengeHandler {
  constructor(private readonly challenges: ChallengeCommands) {}

  async execute(command: { workspaceId: string; challengeId: string }): Promise<{ attempt: number }> {
    const challenge = await this.challenges.read(command.challengeId, command.workspaceId);
    const { newEvents } = await this.challenges.executeForUser(challenge, command.workspaceId, (admission, now) => ({
      type: 'ResendChallenge',
      now,
      refusal: admission.refusal,
    }));
    const resent = newEvents.find((event) => event.type === 'ChallengeResendRequested');
    return { attempt: resent?.type === 'ChallengeResendRequested' ? resent.data.attempt : 0 };
  }
}
