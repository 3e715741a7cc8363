import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DeciderCommandHandler, type HandleResult, StreamContentionError, WrongExpectedRevisionError } from '@pushmfa/event-store';
import { ProblemException } from '@pushmfa/http';
import { currentTraceparent } from '@pushmfa/messaging';
import { currentCorrelationId } from '@pushmfa/observability';
import { RegistryRuntime } from '../registry-runtime';
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

/** Runs pairing commands; a pairing of another workspace reads as absent. */
@Injectable()
export class PairingCommands {
  private readonly handler: DeciderCommandHandler<PairingState, PairingCommand, PairingEvent>;

  constructor(private readonly runtime: RegistryRuntime) {
    this.handler = new DeciderCommandHandler(runtime.store, pairingDecider, { events: pairingEvents });
  }

  /** Loads a pairing; `workspaceId` undefined is the device (registration), which has no workspace key. */
  async load(pairingId: string, workspaceId?: string): Promise<Exclude<PairingState, { status: 'absent' }>> {
    if (!/^[0-9a-f-]{36}$/.test(pairingId)) throw new ProblemException('not_found', 'no such pairing');
    const { state } = await this.handler.load(pairingStreamId(pairingId));
    if (state.status === 'absent' || (workspaceId !== undefined && state.workspaceId !== workspaceId)) {
      throw new ProblemException('not_found', 'no such pairing');
    }
    return state;
  }

  execute(pairingId: string, workspaceId: string, command: PairingCommand) {
    return this.handler.handle(pairingStreamId(pairingId), command, this.metadata(workspaceId));
  }

  /**
   * As `execute`, and `alsoWrite` runs in the transaction that appends the events: either both commit or neither.
   * A concurrent writer of the pairing makes the append fail and the command is decided again on a fresh read.
   */
  async executeInTransaction(
    pairingId: string,
    workspaceId: string,
    command: PairingCommand,
    alsoWrite: (client: PoolClient, events: PairingEvent[]) => Promise<void>,
  ): Promise<HandleResult<PairingState, PairingEvent>> {
    const streamId = pairingStreamId(pairingId);
    for (let attempt = 1; ; attempt++) {
      const { state, revision, position } = await this.handler.load(streamId);
      const newEvents = pairingDecider.decide(command, state);
      if (newEvents.length === 0) return { state, newEvents, revision, ...(position ? { position } : {}) };
      const metadata = this.metadata(workspaceId);
      try {
        const appended = await this.runtime.store.withTransaction(async (tx) => {
          const result = await tx.appendToStream(
            streamId,
            newEvents.map((event) => ({ id: randomUUID(), type: event.type, data: event.data, metadata })),
            revision < 0n ? 'no_stream' : revision,
          );
          await alsoWrite(tx.client, newEvents);
          return result;
        }, 'pairing command');
        return { state: newEvents.reduce(pairingDecider.evolve, state), newEvents, revision: appended.nextExpectedRevision, position: appended.position };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= 10) throw new StreamContentionError(streamId, attempt, error);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * 2 ** attempt)));
      }
    }
  }

  private metadata(workspaceId: string) {
    return { workspaceId, correlationId: currentCorrelationId(), traceparent: currentTraceparent(), occurredAt: new Date().toISOString() };
  }
}
