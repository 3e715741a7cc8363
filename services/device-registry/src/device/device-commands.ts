import { Injectable } from '@nestjs/common';
import { DeciderCommandHandler, DomainError, type InlineProjection, PostgresEventStore } from '@pushmfa/event-store';
import { currentTraceparent } from '@pushmfa/messaging';
import { currentCorrelationId } from '@pushmfa/observability';
import { type PairingEvent, pairingEvents, pairingStreamId } from '../pairing/pairing.events';
import { type DeviceCommand, deviceBornFrom, deviceDecider } from './device.decider';
import { type DeviceEvent, deviceEvents, deviceStreamId } from './device.events';
import { DeviceDirectory, type DeviceRow } from './device-directory';

type DevicePairedData = Extract<PairingEvent, { type: 'DevicePaired' }>['data'];

/**
 * Runs device commands. A device's state starts from DevicePaired in its pairing stream (found through the
 * `registry.devices` row) and continues in `device-<id>`; the row is updated in the transaction that appends the
 * command's events (an inline projection), so a revoked device cannot sign the next request.
 */
@Injectable()
export class DeviceCommands {
  private readonly deviceRows: InlineProjection<DeviceEvent>;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly directory: DeviceDirectory,
  ) {
    this.deviceRows = {
      handle: async (events, { client }) => {
        for (const event of events) await directory.applyDeviceEvent(client, event, event.streamRevision);
      },
    };
  }

  /** The device's row; another workspace's device (or another user's, when `userId` is given) reads as absent. */
  async find(deviceId: string, workspaceId: string, userId?: string): Promise<DeviceRow> {
    const row = /^[0-9a-f-]{36}$/.test(deviceId) ? await this.directory.find(deviceId) : null;
    if (!row || row.workspaceId !== workspaceId || (userId !== undefined && row.userId !== userId)) throw new DomainError('not_found', 'no such device');
    return row;
  }

  async execute(device: DeviceRow, command: DeviceCommand) {
    const birth = deviceBornFrom(await this.pairedEventOf(device));
    const handler = new DeciderCommandHandler(
      this.store,
      { ...deviceDecider, initialState: () => birth },
      { events: deviceEvents, projections: { inline: [this.deviceRows] } },
    );
    return handler.handle(deviceStreamId(device.deviceId), command, {
      workspaceId: device.workspaceId,
      correlationId: currentCorrelationId(),
      traceparent: currentTraceparent(),
      occurredAt: new Date().toISOString(),
    });
  }

  private async pairedEventOf(device: DeviceRow): Promise<DevicePairedData> {
    const events = await this.store.readStream(pairingStreamId(device.pairingId));
    for (const event of events) {
      const paired = pairingEvents.read(event);
      if (paired?.type === 'DevicePaired') return paired.data;
    }
    throw new Error(`device ${device.deviceId}: its pairing holds no DevicePaired event`);
  }
}
