import { Injectable } from '@nestjs/common';
import { DeviceCommands } from '../../device/device-commands';
import { RegistryPublication } from '../../publishing/registry-publication';
import { DeviceDirectory } from '../../device/device-directory';
import type { Actor } from '../../workspace/workspace.events';
import { UserCommands } from '../user-commands';

export interface ResetMfa {
  workspaceId: string;
  userId: string;
  resetBy: Actor;
}

/**
 * A help desk resets a locked-out user's MFA: every active device is revoked, then the reset is recorded (naming
 * them), so a reset interrupted half-way is finished by calling it again, and only then recorded. Answered once the
 * relay published the reset.
 */
@Injectable()
export class ResetMfaHandler {
  constructor(
    private readonly devices: DeviceCommands,
    private readonly users: UserCommands,
    private readonly publication: RegistryPublication,
    private readonly deviceDirectory: DeviceDirectory,
  ) {}

  async execute(command: ResetMfa): Promise<{ revokedDevices: number }> {
    const { workspaceId, userId, resetBy } = command;
    const now = new Date();
    const revokedDeviceIds: string[] = [];
    for (const device of await this.deviceDirectory.listForUser(workspaceId, userId)) {
      if (device.status !== 'active') continue;
      const { newEvents } = await this.devices.execute(device, { type: 'RevokeDevice', reason: 'mfa_reset', revokedBy: resetBy, now });
      if (newEvents.length > 0) revokedDeviceIds.push(device.deviceId);
    }
    const result = await this.users.execute(workspaceId, { type: 'ResetMfa', userId, revokedDeviceIds, resetBy, now });
    // Committed after every revocation above, so published after them too.
    await this.publication.published(result);
    return { revokedDevices: revokedDeviceIds.length };
  }
}
