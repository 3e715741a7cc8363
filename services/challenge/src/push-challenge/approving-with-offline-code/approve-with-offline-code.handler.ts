import { Injectable } from '@nestjs/common';
import { DomainError } from '@pushmfa/event-store';
import { challengeView } from '../challenge-view';
import { OfflineCodeApprover } from './offline-code-approver';

export interface ApprovedWithOfflineCode {
  challengeId: string;
  status: string;
  method: 'offline_code';
  deviceId?: string;
}

/**
 * The platform approves a pending challenge with the code the user reads from the app (when no push arrives).
 * Raises `invalid_offline_code` (a wrong code: the challenge stays pending, or after repeated wrong codes push locks
 * and it is cancelled), and the approver's `offline_code_replayed`, `offline_codes_disabled`, `push_locked`,
 * `challenge_not_pending`, `not_found`.
 */
@Injectable()
export class ApproveWithOfflineCodeHandler {
  constructor(private readonly approver: OfflineCodeApprover) {}

  async execute(command: { workspaceId: string; challengeId: string; code: string }): Promise<ApprovedWithOfflineCode> {
    const { workspaceId, challengeId, code } = command;
    const { state, newEvents } = await this.approver.approve(challengeId, workspaceId, code);
    if (newEvents.some((e) => e.type === 'OfflineCodeRejected')) {
      const locked = newEvents.some((e) => e.type === 'PushLocked');
      throw new DomainError(
        'invalid_offline_code',
        `the code is not the one the app shows${locked ? '; after repeated wrong codes push is locked for this user and the request was cancelled' : ''}`,
      );
    }
    if (state.status === 'absent') throw new DomainError('not_found', 'no such challenge');
    const approved = newEvents.find((e) => e.type === 'ChallengeApproved');
    return {
      challengeId,
      status: challengeView(state).status,
      method: 'offline_code',
      ...(approved?.type === 'ChallengeApproved' ? { deviceId: approved.data.deviceId } : {}),
    };
  }
}
