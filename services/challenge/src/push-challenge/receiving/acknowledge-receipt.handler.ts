import { Injectable } from '@nestjs/common';
import { DomainError } from '@pushmfa/event-store';
import { ChallengeCommands } from '../challenge-commands';

/** The app says a challenge of its user reached it; recorded once per device. Raises `not_found` for another user's. */
@Injectable()
export class AcknowledgeReceiptHandler {
  constructor(private readonly challenges: ChallengeCommands) {}

  async execute(challengeId: string, device: { deviceId: string; workspaceId: string; userId: string }): Promise<void> {
    const challenge = await this.challenges.read(challengeId, device.workspaceId);
    if (challenge.state.userId !== device.userId) throw new DomainError('not_found', 'no such challenge');
    await this.challenges.execute(challengeId, device.workspaceId, { type: 'AcknowledgeReceipt', deviceId: device.deviceId, now: new Date() }, challenge);
  }
}
