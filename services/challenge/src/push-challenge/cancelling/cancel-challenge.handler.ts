import { Injectable } from '@nestjs/common';
import { ChallengeCommands } from '../challenge-commands';

/** The platform cancels a pending challenge (the user gave up signing in). Raises `not_found`, `challenge_not_pending`. */
@Injectable()
export class CancelChallengeHandler {
  constructor(private readonly challenges: ChallengeCommands) {}

  async execute(command: { workspaceId: string; challengeId: string }): Promise<{ status: 'cancelled' }> {
    const { workspaceId, challengeId } = command;
    await this.challenges.load(challengeId, workspaceId);
    await this.challenges.execute(challengeId, workspaceId, { type: 'CancelChallenge', now: new Date() });
    return { status: 'cancelled' };
  }
}
