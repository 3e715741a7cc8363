import { Injectable } from '@nestjs/common';
import { RegistryPublication } from '../../publishing/registry-publication';
import type { Actor } from '../../workspace/workspace.events';
import { DeviceCommands } from '../device-commands';

/**
 * The platform or an admin revokes one of a user's devices: answered once the relay published the revocation, so
 * every service refuses the device's signatures from then on. Raises `not_found` for another user's device.
 */
@Injectable()
export class RevokeDeviceHandler {
  constructor(
    private readonly devices: DeviceCommands,
    private readonly publication: RegistryPublication,
  ) {}

  async execute(command: { workspaceId: string; userId: string; deviceId: string; revokedBy: Actor }): Promise<void> {
    const device = await this.devices.find(command.deviceId, command.workspaceId, command.userId);
    const result = await this.devices.execute(device, { type: 'RevokeDevice', reason: 'revoked', revokedBy: command.revokedBy, now: new Date() });
    await this.publication.published(result);
  }
}
