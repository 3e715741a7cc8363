import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RegistryPublication } from '../../publishing/registry-publication';
import type { Actor } from '../../workspace/workspace.events';
import { DeviceCommands } from '../device-commands';

/**
 * The help desk sends a test notification to one device: recorded on the device's stream and answered once the
 * relay published it (delivery sends it from the registry topic). Raises `not_found`, `device_revoked`,
 * `push_token_invalid`, and `rate_limited` with its Retry-After within 10 s of the last one.
 */
@Injectable()
export class SendTestPushHandler {
  constructor(
    private readonly devices: DeviceCommands,
    private readonly publication: RegistryPublication,
  ) {}

  async execute(command: { workspaceId: string; userId: string; deviceId: string; requestedBy: Actor }): Promise<{ testPushId: string; requestedAt: string }> {
    const device = await this.devices.find(command.deviceId, command.workspaceId, command.userId);
    const testPushId = randomUUID();
    const now = new Date();
    const result = await this.devices.execute(device, { type: 'RequestTestPush', testPushId, requestedBy: command.requestedBy, now });
    await this.publication.published(result);
    return { testPushId, requestedAt: now.toISOString() };
  }
}
