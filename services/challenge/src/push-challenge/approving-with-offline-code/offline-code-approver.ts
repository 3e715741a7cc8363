import { Injectable } from '@nestjs/common';
import { DEFAULT_SETTINGS } from '@pushmfa/contracts';
import { matchOfflineCodeAmong, OfflineCodeSecrets } from '../../offline-code/offline-code-secrets';
import { ChallengeCommands, type UserCommandResult } from '../challenge-commands';

/**
 * Approves a pending challenge with the offline code the user read from the app. Under the user's lock, in one
 * transaction: the workspace's setting, the user's push lock and active devices (registry view), the devices'
 * secrets, their last used steps and the user's wrong-code streak are read, the code is matched, the decider decides
 * and the outcome is appended; so two submissions of one code, or a wrong code and a lock, never both pass.
 */
@Injectable()
export class OfflineCodeApprover {
  constructor(
    private readonly challenges: ChallengeCommands,
    private readonly offlineCodes: OfflineCodeSecrets,
  ) {}

  async approve(challengeId: string, workspaceId: string, code: string): Promise<UserCommandResult> {
    const challenge = await this.challenges.read(challengeId, workspaceId);
    const { userId } = challenge.state;
    return this.challenges.executeForUser(challenge, workspaceId, async (admission, now, client) => {
      const settings = admission.settings ?? DEFAULT_SETTINGS;
      const enabled = settings.offlineCodesEnabled;
      // Nothing to open when the decision is a refusal anyway.
      const readCodes = enabled && admission.guard.lockedUntil === undefined;
      const candidates = readCodes
        ? await this.offlineCodes.candidates(
            client,
            workspaceId,
            userId,
            admission.devices.map((d) => d.deviceId),
          )
        : { failures: 0, devices: [] };
      return {
        type: 'ApproveWithOfflineCode',
        enabled,
        match: matchOfflineCodeAmong(candidates.devices, code, now.getTime()),
        failures: candidates.failures,
        fraudLockMinutes: settings.fraudLockMinutes,
        user: admission.guard,
        now,
      };
    });
  }
}
