import { Injectable } from '@nestjs/common';
import type { ContractEnvelope } from '@pushmfa/contracts';
import { PgInbox } from '@pushmfa/postgres';
import { DeviceCommands } from '../device-commands';
import { DeviceDirectory } from '../device-directory';

/** The inbox key of dead-token reports (the name of the consumer group that once read them alone). */
export const DEAD_TOKEN_INBOX = 'device-registry.dead-tokens';

/** Marks a device's push token invalid when delivery reports it dead (PushRejected), once per message. */
@Injectable()
export class DeadTokenInvalidator {
  constructor(
    private readonly inbox: PgInbox,
    private readonly directory: DeviceDirectory,
    private readonly devices: DeviceCommands,
  ) {}

  async apply(envelope: ContractEnvelope<'PushRejected'>): Promise<void> {
    const { deviceId, reason } = envelope.data;
    // The decider ignores a repeat (already invalid) and a stale report (the token was rotated since): safe to redo.
    await this.inbox.handleOnce(DEAD_TOKEN_INBOX, envelope.id, async () => {
      const device = await this.directory.find(deviceId);
      // A device of another workspace, or one this registry never paired, is not ours to change.
      if (!device || device.workspaceId !== envelope.workspaceId) return;
      await this.devices.execute(device, { type: 'InvalidatePushToken', reason, rejectedAt: envelope.occurredAt });
    });
  }
}
