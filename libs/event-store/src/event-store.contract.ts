import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  DuplicateEventIdError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  comparePositions,
  type EventStore,
  type EventToAppend,
  type GlobalPosition,
  type RecordedEvent,
} from './event-store.port';

/** What an adapter's spec provides to the shared contract. */
export interface EventStoreContractFixture {
  /** A migrated store on a namespace of its own (a schema, a stream prefix). */
  store: EventStore;
  /** A store whose server address has nothing listening; it must fail fast as unavailable. */
  createUnreachableStore(): EventStore;
  /** Drops what the tests wrote where possible and closes every connection. */
  dispose(): Promise<void>;
}

export function eventsOf(count: number, type = 'ThingHappened'): EventToAppend[] {
  return Array.from({ length: count }, (_, index) => ({
    id: randomUUID(),
    type,
    data: { index },
    metadata: { correlationId: randomUUID() },
  }));
}

export function uniqueStreamId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

/** Polls `condition` until it holds, failing with `description` after `timeoutMs`. */
export async function waitFor(description: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * The events of `streams` after `after`, read page by page until `count` of them are seen. It waits rather
 * than stopping at the first empty page: a store may hold events back while an older transaction runs.
 */
export async function readAllOf(store: EventStore, after: GlobalPosition, streams: Set<string>, count: number, timeoutMs = 10_000): Promise<RecordedEvent[]> {
  const seen: RecordedEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  let position = after;
  for (;;) {
    const page = await store.readAll(position, { maxCount: 200 });
    const last = page[page.length - 1];
    if (last) {
      seen.push(...page.filter((event) => streams.has(event.streamId)));
      position = last.position;
      continue;
    }
    if (seen.length >= count) return seen;
    if (Date.now() > deadline) throw new Error(`readAll returned ${seen.length} of ${count} events within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function expectStrictlyIncreasing(events: RecordedEvent[]): void {
  for (let index = 1; index < events.length; index += 1) {
    expect(comparePositions(events[index - 1]!.position, events[index]!.position)).toBeLessThan(0);
  }
}

/** A marker append whose position is a starting point that excludes everything written before it. */
/** The position of a new marker event: what a subscription started there has not handled yet. */
export async function markPosition(store: EventStore): Promise<GlobalPosition> {
  const { position } = await store.appendToStream(uniqueStreamId('marker'), eventsOf(1, 'MarkerPlaced'), 'no_stream');
  return position;
}

export function describeEventStoreContract(name: string, setup: () => Promise<EventStoreContractFixture>): void {
  describe(`EventStore contract: ${name}`, () => {
    // The races run hundreds of appends; a busy 2-core machine must not turn that into a timeout.
    jest.setTimeout(30_000);
    let fixture: EventStoreContractFixture;
    let store: EventStore;

    beforeAll(async () => {
      fixture = await setup();
      store = fixture.store;
    });

    afterAll(async () => {
      await fixture?.dispose();
    });

    describe('appendToStream and readStream', () => {
      it('reads a stream oldest first with revisions from 0, and from a given revision', async () => {
        const streamId = uniqueStreamId('order');
        const first = await store.appendToStream(streamId, eventsOf(3), 'no_stream');
        const second = await store.appendToStream(streamId, eventsOf(2), 2n);

        expect(first.nextExpectedRevision).toBe(2n);
        expect(second.nextExpectedRevision).toBe(4n);
        expect(comparePositions(first.position, second.position)).toBeLessThan(0);
        const all = await store.readStream(streamId);
        expect(all.map((event) => event.streamRevision)).toEqual([0n, 1n, 2n, 3n, 4n]);
        expect(all.map((event) => event.data.index)).toEqual([0, 1, 2, 0, 1]);
        expect(all[0]).toMatchObject({ streamId, type: 'ThingHappened' });
        expect(all[0]!.metadata.correlationId).toEqual(expect.any(String));
        expect(all[0]!.recordedAt).toBeInstanceOf(Date);
        const tail = await store.readStream(streamId, { fromRevision: 3n });
        expect(tail.map((event) => event.streamRevision)).toEqual([3n, 4n]);
        const limited = await store.readStream(streamId, { fromRevision: 1n, maxCount: 2 });
        expect(limited.map((event) => event.streamRevision)).toEqual([1n, 2n]);
      });

      it('reads an absent stream as empty', async () => {
        await expect(store.readStream(uniqueStreamId('absent'))).resolves.toEqual([]);
      });

      it('rejects no_stream on an existing stream and stream_exists on an absent one', async () => {
        const streamId = uniqueStreamId('expectations');
        await store.appendToStream(streamId, eventsOf(1), 'no_stream');

        await expect(store.appendToStream(streamId, eventsOf(1), 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(store.appendToStream(uniqueStreamId('absent'), eventsOf(1), 'stream_exists')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(store.appendToStream(streamId, eventsOf(1), 5n)).rejects.toMatchObject({
          name: 'WrongExpectedRevisionError',
          streamId,
          expected: 5n,
        });
        await expect(store.appendToStream(streamId, eventsOf(1), 'stream_exists')).resolves.toMatchObject({
          nextExpectedRevision: 1n,
        });
        expect(await store.readStream(streamId)).toHaveLength(2);
      });

      it('appends with any whether the stream exists or not', async () => {
        const streamId = uniqueStreamId('any');
        await expect(store.appendToStream(streamId, eventsOf(2), 'any')).resolves.toMatchObject({ nextExpectedRevision: 1n });
        await expect(store.appendToStream(streamId, eventsOf(1), 'any')).resolves.toMatchObject({ nextExpectedRevision: 2n });
      });

      it('never stores an event id twice', async () => {
        const streamId = uniqueStreamId('duplicate');
        const events = eventsOf(1);
        await store.appendToStream(streamId, events, 'any');

        const retry = store.appendToStream(streamId, events, 'any').then(
          () => 'accepted as already written',
          (error: unknown) => error,
        );
        const outcome = await retry;
        if (outcome !== 'accepted as already written') expect(outcome).toBeInstanceOf(DuplicateEventIdError);
        expect(await store.readStream(streamId)).toHaveLength(1);
      });

      it('lets exactly one of 20 concurrent writers win each revision', async () => {
        const streamId = uniqueStreamId('race');
        await store.appendToStream(streamId, eventsOf(1), 'no_stream');
        for (let revision = 0n; revision < 5n; revision += 1n) {
          const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => store.appendToStream(streamId, eventsOf(1), revision)));
          const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
          const losers = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
          expect(winners).toHaveLength(1);
          expect(losers).toHaveLength(19);
          for (const loser of losers) expect(loser).toBeInstanceOf(WrongExpectedRevisionError);
        }
        const stored = await store.readStream(streamId);
        expect(stored.map((event) => event.streamRevision)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
      });

      it('lets exactly one of concurrent no_stream writers create a stream', async () => {
        const streamId = uniqueStreamId('create-race');
        const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => store.appendToStream(streamId, eventsOf(2), 'no_stream')));
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        expect(await store.readStream(streamId)).toHaveLength(2);
      });
    });

    describe('readAll', () => {
      it('reads strictly after a position, in commit order, page by page', async () => {
        const start = await markPosition(store);
        const streamA = uniqueStreamId('all-a');
        const streamB = uniqueStreamId('all-b');
        await store.appendToStream(streamA, eventsOf(2), 'no_stream');
        await store.appendToStream(streamB, eventsOf(1), 'no_stream');
        await store.appendToStream(streamA, eventsOf(1), 1n);

        const seen = await readAllOf(store, start, new Set([streamA, streamB]), 4);
        expect(seen.map((event) => [event.streamId, event.streamRevision])).toEqual([
          [streamA, 0n],
          [streamA, 1n],
          [streamB, 0n],
          [streamA, 2n],
        ]);
        expectStrictlyIncreasing(seen);
        const afterSecond = await store.readAll(seen[1]!.position, { maxCount: 1 });
        expect(afterSecond.map((event) => event.id)).toEqual([seen[2]!.id]);
      });

      it('gives a reader polling during 8 concurrent writers every event exactly once, in commit order', async () => {
        const start = await markPosition(store);
        const writers = 8;
        const eventsPerWriter = 50;
        const streams = Array.from({ length: writers }, () => uniqueStreamId('busy'));
        const streamSet = new Set(streams);
        const total = writers * eventsPerWriter;
        const polled: RecordedEvent[] = [];

        // Polls the whole time the writers run, and stops only once it has seen everything they wrote.
        const reader = (async () => {
          const deadline = Date.now() + 20_000;
          let position = start;
          while (polled.length < total && Date.now() < deadline) {
            const page = await store.readAll(position, { maxCount: 37 });
            const last = page[page.length - 1];
            if (!last) continue;
            polled.push(...page.filter((event) => streamSet.has(event.streamId)));
            position = last.position;
          }
        })();
        await Promise.all(
          streams.map(async (streamId) => {
            let expected: bigint | 'no_stream' = 'no_stream';
            for (let index = 0; index < eventsPerWriter; index += 1) {
              const result = await store.appendToStream(streamId, eventsOf(1), expected);
              expected = result.nextExpectedRevision;
            }
          }),
        );
        await reader;

        expect(polled).toHaveLength(total);
        expect(new Set(polled.map((event) => event.id)).size).toBe(total);
        expectStrictlyIncreasing(polled);
        for (const streamId of streams) {
          const revisions = polled.filter((event) => event.streamId === streamId).map((event) => event.streamRevision);
          expect(revisions).toEqual(Array.from({ length: eventsPerWriter }, (_, index) => BigInt(index)));
        }
        const reread = await readAllOf(store, start, streamSet, total);
        expect(reread.map((event) => event.id)).toEqual(polled.map((event) => event.id));
      });
    });

    describe('checkpoints and subscribeToAll', () => {
      it('stores and reads a checkpoint; an unknown subscription has none', async () => {
        const position = await markPosition(store);
        const id = `checkpoint-${randomUUID()}`;
        expect(await store.readCheckpoint(id)).toBeNull();
        await store.storeCheckpoint(id, position);
        expect(await store.readCheckpoint(id)).toEqual(position);
      });

      it('resumes from its checkpoint after stop and start, delivering each event once', async () => {
        const subscriptionId = `resume-${randomUUID()}`;
        await store.storeCheckpoint(subscriptionId, await markPosition(store));
        const streamId = uniqueStreamId('subscribed');
        const delivered: RecordedEvent[] = [];
        const subscribe = () =>
          store.subscribeToAll({
            subscriptionId,
            batchSize: 3,
            handle: async (batch) => {
              delivered.push(...batch.filter((event) => event.streamId === streamId));
            },
          });

        const first = await subscribe();
        await store.appendToStream(streamId, eventsOf(5), 'no_stream');
        await waitFor('5 events delivered', () => delivered.length === 5);
        await first.stop();
        await store.appendToStream(streamId, eventsOf(4), 4n);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(delivered).toHaveLength(5);

        const second = await subscribe();
        await waitFor('9 events delivered', () => delivered.length === 9);
        await store.appendToStream(streamId, eventsOf(1), 8n);
        await waitFor('10 events delivered', () => delivered.length === 10);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await second.stop();

        expect(delivered.map((event) => event.streamRevision)).toEqual(Array.from({ length: 10 }, (_, index) => BigInt(index)));
        expect(await store.readCheckpoint(subscriptionId)).toEqual(delivered[9]!.position);
      });

      it('retries a batch whose handler failed, reports the error, and moves on once it succeeds', async () => {
        const subscriptionId = `retry-${randomUUID()}`;
        await store.storeCheckpoint(subscriptionId, await markPosition(store));
        const streamId = uniqueStreamId('flaky');
        const errors: unknown[] = [];
        const handled: string[] = [];
        let failuresLeft = 2;
        const subscription = await store.subscribeToAll({
          subscriptionId,
          minRetryDelayMs: 10,
          handle: async (batch) => {
            const mine = batch.filter((event) => event.streamId === streamId);
            if (mine.length > 0 && failuresLeft > 0) {
              failuresLeft -= 1;
              throw new Error('projection down');
            }
            handled.push(...mine.map((event) => event.id));
          },
          onError: (error) => errors.push(error),
        });
        const events = eventsOf(3);
        await store.appendToStream(streamId, events, 'no_stream');
        await waitFor('the batch to be handled', () => handled.length === 3);
        await subscription.stop();

        expect(handled).toEqual(events.map((event) => event.id));
        expect(errors).toHaveLength(2);
        expect(errors[0]).toMatchObject({ message: 'projection down' });
      });

      it('wakes a subscription promptly when an event is appended', async () => {
        const subscriptionId = `latency-${randomUUID()}`;
        await store.storeCheckpoint(subscriptionId, await markPosition(store));
        const streamId = uniqueStreamId('prompt');
        let deliveredAt = 0;
        const subscription = await store.subscribeToAll({
          subscriptionId,
          handle: async (batch) => {
            if (batch.some((event) => event.streamId === streamId)) deliveredAt = Date.now();
          },
        });
        await new Promise((resolve) => setTimeout(resolve, 150));
        const appendedAt = Date.now();
        await store.appendToStream(streamId, eventsOf(1), 'no_stream');
        await waitFor('delivery', () => deliveredAt > 0);
        await subscription.stop();
        expect(deliveredAt - appendedAt).toBeLessThan(200);
      });
    });

    describe('when the store cannot be reached', () => {
      it('throws EventStoreUnavailableError and answers ping with false', async () => {
        const unreachable = fixture.createUnreachableStore();
        try {
          await expect(unreachable.appendToStream(uniqueStreamId('down'), eventsOf(1), 'any')).rejects.toBeInstanceOf(EventStoreUnavailableError);
          await expect(unreachable.readStream(uniqueStreamId('down'))).rejects.toBeInstanceOf(EventStoreUnavailableError);
          await expect(unreachable.readAll({ major: -1n, minor: -1n })).rejects.toBeInstanceOf(EventStoreUnavailableError);
          await expect(unreachable.ping()).resolves.toBe(false);
        } finally {
          await unreachable.close();
        }
      });
    });
  });
}
