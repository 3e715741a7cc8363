import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  DeciderCommandHandler,
  type EventMetadata,
  type ExpectedRevision,
  type PostgresEventStoreTransaction,
  StreamContentionError,
  WrongExpectedRevisionError,
} from '@pushmfa/event-store';
import { ProblemException } from '@pushmfa/http';
import { currentTraceparent } from '@pushmfa/messaging';
import { currentCorrelationId } from '@pushmfa/observability';
import { ChallengeRuntime } from '../challenge-runtime';
import { type PushChallengeCommand, pushChallengeDecider, type PushChallengeState } from './push-challenge.decider';
import { challengeStreamId, type PushChallengeEvent, RESOLVING_EVENT_TYPES } from './push-challenge.events';

export type IssuedChallenge = Exclude<PushChallengeState, { status: 'absent' }>;

export interface LoadedChallenge {
  state: IssuedChallenge;
  /** Revision of the stream's last event, which an append after this read expects. */
  revision: bigint;
}

export interface CommandResult {
  state: PushChallengeState;
  newEvents: PushChallengeEvent[];
}

const MAX_ATTEMPTS = 10;

/**
 * Runs challenge commands: decide on the stream read, append with the revision read, and update the read models in the
 * same transaction; a concurrent writer makes the append fail and the command is decided again on fresh state.
 * Wakes long-polls when a challenge leaves pending.
 */
@Injectable()
export class ChallengeCommands {
  private readonly loader: DeciderCommandHandler<PushChallengeState, PushChallengeCommand, PushChallengeEvent>;

  constructor(private readonly runtime: ChallengeRuntime) {
    this.loader = new DeciderCommandHandler(runtime.store, pushChallengeDecider);
  }

  /** A challenge of the given workspace; another workspace's reads as absent (404). */
  async load(challengeId: string, workspaceId: string): Promise<IssuedChallenge> {
    return (await this.read(challengeId, workspaceId)).state;
  }

  /** As `load`, with the revision read, so a command can be decided on it without reading the stream again. */
  async read(challengeId: string, workspaceId: string): Promise<LoadedChallenge> {
    if (!/^[0-9a-f-]{36}$/.test(challengeId)) throw new ProblemException('not_found', 'no such challenge');
    const { state, revision } = await this.loader.load(challengeStreamId(challengeId));
    if (state.status === 'absent' || state.workspaceId !== workspaceId) throw new ProblemException('not_found', 'no such challenge');
    return { state, revision };
  }

  /**
   * `read`: the challenge as the caller just read it; the first attempt decides on it. The append names its revision,
   * so if another writer got there first the append fails and the command is decided again on a fresh read.
   */
  async execute(challengeId: string, workspaceId: string, command: PushChallengeCommand, read?: LoadedChallenge): Promise<CommandResult> {
    const streamId = challengeStreamId(challengeId);
    for (let attempt = 1; ; attempt++) {
      const { state, revision }: { state: PushChallengeState; revision: bigint } = attempt === 1 && read ? read : await this.loader.load(streamId);
      const newEvents = pushChallengeDecider.decide(command, state);
      if (newEvents.length === 0) return { state, newEvents };
      try {
        await this.runtime.store.withTransaction((tx) => this.append(tx, challengeId, workspaceId, newEvents, revision < 0n ? 'no_stream' : revision), 'challenge command');
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= MAX_ATTEMPTS) throw new StreamContentionError(streamId, attempt, error);
        // Writers retrying in lockstep would collide again: spread them out a little.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * 2 ** attempt)));
        continue;
      }
      const decided = newEvents.reduce(pushChallengeDecider.evolve, state);
      await this.wakeWaiters(challengeId, newEvents);
      return { state: decided, newEvents };
    }
  }

  /** Appends in the caller's transaction, naming the revision expected, and updates the read models with it. */
  async append(tx: PostgresEventStoreTransaction, challengeId: string, workspaceId: string, events: PushChallengeEvent[], expected: ExpectedRevision): Promise<void> {
    const metadata: EventMetadata = { workspaceId, correlationId: currentCorrelationId(), traceparent: currentTraceparent(), occurredAt: new Date().toISOString() };
    await tx.appendToStream(
      challengeStreamId(challengeId),
      events.map((event) => ({ id: randomUUID(), type: event.type, data: event.data, metadata })),
      expected,
    );
    await this.runtime.projection.apply(tx.client, workspaceId, events);
  }

  /** Wakes long-polls after `events` committed; they read the challenge from the store (the wake-up says nothing else). */
  async wakeWaiters(challengeId: string, events: readonly PushChallengeEvent[]): Promise<void> {
    if (!events.some((e) => RESOLVING_EVENT_TYPES.has(e.type))) return;
    // The decision is stored; a lost wake-up only makes long-polls answer at their deadline.
    await this.runtime.notifier.notify(challengeId).catch(() => undefined);
  }
}
