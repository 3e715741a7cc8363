import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { PostgresEventStore, type RecordedEvent, type Subscription } from '@pushmfa/event-store';
import { runInSpan, startSpan, withExtractedContext } from '@pushmfa/observability';
import { DeviceCommands } from '../../device/device-commands';
import { DeviceDirectory } from '../../device/device-directory';
import type { Actor } from '../../workspace/workspace.events';
import { pairingEvents } from '../pairing.events';

/**
 * Revokes the device a confirmed re-pairing replaces. The confirming request does it at once; a subscription to
 * the store's log does it again for every `DevicePaired{replacedDeviceId}`, so a crash between the two appends
 * still ends with the old device revoked (revoking a revoked device records nothing). The reaction runs in a span
 * that continues the `DevicePaired` event's trace, so the `DeviceRevoked` it records carries trace context too.
 */
@Injectable()
export class ReplacedDeviceRevoker {
  private subscription?: Subscription;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly directory: DeviceDirectory,
    private readonly devices: DeviceCommands,
    private readonly logger: PinoLogger,
  ) {}

  async revoke(workspaceId: string, userId: string, replacedDeviceId: string, revokedBy: Actor): Promise<void> {
    const old = await this.directory.find(replacedDeviceId);
    // Only the same user's device is replaced; an id the platform got wrong revokes nothing.
    if (!old || old.workspaceId !== workspaceId || old.userId !== userId || old.status === 'revoked') return;
    await this.devices.execute(old, { type: 'RevokeDevice', reason: 'replaced', revokedBy, now: new Date() });
  }

  /** Called by the lifecycle once the store is migrated. */
  async start(): Promise<void> {
    this.subscription = await this.store.subscribeToAll({
      subscriptionId: 'replaced-device-revoker',
      handle: async (events) => {
        for (const event of events) await this.repair(event);
      },
      onError: (error) => this.logger.warn({ error: String(error) }, 'revoking a replaced device failed; will retry'),
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  private async repair(event: RecordedEvent): Promise<void> {
    const paired = pairingEvents.read(event);
    if (paired?.type !== 'DevicePaired') return;
    const { userId, replacedDeviceId } = paired.data;
    if (replacedDeviceId === undefined) return;
    await withExtractedContext(event.metadata.traceparent, () =>
      runInSpan(startSpan('device-registry revoke replaced device', { 'pushmfa.event.id': event.id }), () =>
        this.revoke(String(event.metadata.workspaceId ?? ''), userId, replacedDeviceId, { kind: 'system' }),
      ),
    );
  }
}
