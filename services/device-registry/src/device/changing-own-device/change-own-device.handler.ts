import { Injectable } from '@nestjs/common';
import { DeviceDirectory } from '../../device/device-directory';
import type { DeviceCommand } from '../device.decider';
import { DeviceCommands } from '../device-commands';

/** The commands a device gives about itself, in a request it signed. */
export type OwnDeviceCommand = Extract<DeviceCommand, { type: 'RotatePushToken' | 'ReportHealth' | 'AcknowledgeTestPush' }>;

export interface ChangeOwnDevice {
  /** The device that signed the request (DeviceSignatureGuard). */
  signer: { deviceId: string; workspaceId: string };
  command: OwnDeviceCommand;
}

/**
 * The app changes its own record: rotates its push token, reports its health, acknowledges a test push. The
 * device's last-seen time is touched first (it just proved it is alive), then its command is decided on its stream.
 * Raises `not_found` (a test push sent to another device) and the decider's refusals.
 */
@Injectable()
export class ChangeOwnDeviceHandler {
  constructor(
    private readonly devices: DeviceCommands,
    private readonly deviceDirectory: DeviceDirectory,
  ) {}

  async execute({ signer, command }: ChangeOwnDevice): Promise<void> {
    await this.deviceDirectory.touch(signer.deviceId, command.now);
    const device = await this.devices.find(signer.deviceId, signer.workspaceId);
    await this.devices.execute(device, command);
  }
}
