import { describe, expect, it } from '@jest/globals';
import { WrongExpectedVersionError } from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError, START_POSITION, WrongExpectedRevisionError, type RecordedEvent } from '../event-store.port';
import {
  CHECKPOINT_EVENT_TYPE,
  GLOBAL_LOG_EVENT_TYPE_REGEX,
  StreamNamespace,
  toEventStoreError,
  toReadPosition,
  toRecordedEvent,
  toStreamState,
} from './kurrentdb-mapping';

const recorded = (streamId: string, type = 'ChallengeIssued'): RecordedEvent => ({
  id: 'e1',
  type,
  streamId,
  streamRevision: 0n,
  position: { major: 10n, minor: 9n },
  data: {},
  metadata: {},
  recordedAt: new Date(0),
});

describe('KurrentDB mapping', () => {
  it('maps expected revisions onto stream states', () => {
    expect(toStreamState('no_stream')).toBe('no_stream');
    expect(toStreamState('stream_exists')).toBe('stream_exists');
    expect(toStreamState('any')).toBe('any');
    expect(toStreamState(4n)).toBe(4n);
  });

  it('maps positions: the start of the log, else commit and prepare', () => {
    expect(toReadPosition(START_POSITION)).toBe('start');
    expect(toReadPosition({ major: 200n, minor: 150n })).toEqual({ commit: 200n, prepare: 150n });
  });

  it('turns a resolved JSON event into a recorded event', () => {
    const created = new Date('2025-01-01T00:00:00Z');
    const event = toRecordedEvent({
      event: {
        streamId: 'challenge-1',
        id: 'e1',
        isJson: true,
        revision: 2n,
        type: 'ChallengeIssued',
        created,
        data: { a: 1 },
        metadata: { correlationId: 'c' },
        position: { commit: 300n, prepare: 290n },
      },
    });
    expect(event).toEqual({
      id: 'e1',
      type: 'ChallengeIssued',
      streamId: 'challenge-1',
      streamRevision: 2n,
      position: { major: 300n, minor: 290n },
      data: { a: 1 },
      metadata: { correlationId: 'c' },
      recordedAt: created,
    });
    expect(toRecordedEvent({})).toBeNull();
  });

  it('hides system events, checkpoints and other namespaces from the global log', () => {
    const plain = new StreamNamespace();
    const scoped = new StreamNamespace('challenge');
    expect(plain.visible(recorded('challenge-1'))?.streamId).toBe('challenge-1');
    expect(plain.visible(recorded('$stats-1', '$statsCollected'))).toBeNull();
    expect(plain.visible(recorded(plain.checkpointStream('relay'), CHECKPOINT_EVENT_TYPE))).toBeNull();
    expect(scoped.stored('c-1')).toBe('challenge/c-1');
    expect(scoped.visible(recorded('challenge/c-1'))?.streamId).toBe('c-1');
    expect(scoped.visible(recorded('registry/d-1'))).toBeNull();
    expect(() => new StreamNamespace('has space')).toThrow('invalid KurrentDB namespace');
  });

  it('filters system and checkpoint event types on the server with one regex', () => {
    const regex = new RegExp(GLOBAL_LOG_EVENT_TYPE_REGEX);
    expect(regex.test('ChallengeIssued')).toBe(true);
    expect(regex.test('$metadata')).toBe(false);
    expect(regex.test(CHECKPOINT_EVENT_TYPE)).toBe(false);
    expect(regex.test(`${CHECKPOINT_EVENT_TYPE}Later`)).toBe(true);
  });

  it('maps a wrong expected version onto the port error, keeping the actual revision', () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 1n, current: 3n });
    const mapped = toEventStoreError(error, 'appendToStream', 's', 1n);
    expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
    expect(mapped).toMatchObject({ streamId: 's', expected: 1n, actual: 3n });
    const absent = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 'stream_exists', current: 'no_stream' });
    expect(toEventStoreError(absent, 'appendToStream', 's', 'stream_exists')).toMatchObject({ actual: 'no_stream' });
  });

  it('maps connection failures (typed, or raw gRPC status 14) onto unavailable, and passes the rest through', () => {
    const raw = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
    expect(toEventStoreError(raw, 'appendToStream')).toBeInstanceOf(EventStoreUnavailableError);
    expect(toEventStoreError({ type: 'deadline-exceeded' }, 'readAll')).toBeInstanceOf(EventStoreUnavailableError);
    const denied = { type: 'access-denied' };
    expect(toEventStoreError(denied, 'readAll')).toBe(denied);
  });
});
