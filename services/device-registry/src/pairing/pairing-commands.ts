import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { DeciderCommandHandler, DomainError, PostgresEventStore } from '@pushmfa/event-store';
import { currentTraceparent } from '@pushmfa/messaging';
import { currentCorrelationId } from '@pushmfa/observability';
import { DeviceDirectory } from '../device/device-directory';
import { type PairingCommand, pairingDecider, type PairingState } from './pairing.decider';
import { type PairingEvent, pairingEvents, pairingStreamId } from './pairing.events';

/** SHA-256 of a secret bound to its pairing, so equal secrets never hash alike across pairings. */
export function pairingDigest(pairingId: string, secret: string): string {
  return createHash('sha256').update(`${pairingId}:${secret}`).digest('hex');
}

export function digestMatches(expectedHex: string, actualHex: string): boolean {
  const a = Buffer.from(expectedHex, 'hex');
  const b = Buffer.from(actualHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Runs pairing commands; a pairing of another workspace reads as absent. A paired device's row is written in the
 * transaction that appends its DevicePaired (an inline projection): the device is listed, counted and can sign as soon
 * as the confirmation answers, and a public key another active device has refuses the whole confirmation (nothing is
 * appended), however many confirmations race.
 */
@Injectable()
export class PairingCommands {
  private readonly handler: DeciderCommandHandler<PairingState, PairingCommand, PairingEvent>;

  constructor(store: PostgresEventStore, devices: DeviceDirectory) {
    this.handler = new DeciderCommandHandler(store, pairingDecider, {
      events: pairingEvents,
      projections: {
        inline: [
          {
            canHandle: ['DevicePaired'],
            handle: async (events, { client }) => {
              for (const event of events) {
                if (event.type === 'DevicePaired') await devices.insertPairedClaimingKey(client, String(event.metadata.workspaceId ?? ''), event.data);
              }
            },
          },
        ],
      },
    });
  }

  /** Loads a pairing; `workspaceId` undefined is the device (registration), which has no workspace key. */
  async load(pairingId: string, workspaceId?: string): Promise<Exclude<PairingState, { status: 'absent' }>> {
    if (!/^[0-9a-f-]{36}$/.test(pairingId)) throw new DomainError('not_found', 'no such pairing');
    const { state } = await this.handler.load(pairingStreamId(pairingId));
    if (state.status === 'absent' || (workspaceId !== undefined && state.workspaceId !== workspaceId)) {
      throw new DomainError('not_found', 'no such pairing');
    }
    return state;
  }

  execute(pairingId: string, workspaceId: string, command: PairingCommand) {
    return this.handler.handle(pairingStreamId(pairingId), command, this.metadata(workspaceId));
  }

  private metadata(workspaceId: string) {
    return { workspaceId, correlationId: currentCorrelationId(), traceparent: currentTraceparent(), occurredAt: new Date().toISOString() };
  }
}
