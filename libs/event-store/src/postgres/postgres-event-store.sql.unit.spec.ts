import { describe, expect, it } from '@jest/globals';
import { START_POSITION } from '../event-store.port';
import { positionParameters, toRecordedEvent } from './postgres-event-row';
import { appendModeOf, appendParameters, appendSql, assertSchemaName } from './postgres-event-store.sql';

describe('PostgreSQL event store statements', () => {
  it('accepts plain schema names and refuses anything that could inject SQL', () => {
    expect(() => assertSchemaName('challenge')).not.toThrow();
    expect(() => assertSchemaName('es_contract_0a1b')).not.toThrow();
    for (const bad of ['Challenge', 'a;drop', 'x"y', '1abc', '', 'a'.repeat(64)]) {
      expect(() => assertSchemaName(bad)).toThrow('event store schema must match');
    }
  });

  it('maps each expected revision to its append mode and passes the revision only when it is a number', () => {
    expect(['no_stream', 'any', 'stream_exists', 7n].map((expected) => appendModeOf(expected as never))).toEqual([
      'no_stream',
      'any',
      'stream_exists',
      'revision',
    ]);
    expect(appendParameters('s-1', 2, 'any', '[]', 'c_events')).toEqual(['s-1', 2, '[]', 'c_events']);
    expect(appendParameters('s-1', 2, 41n, '[]', 'c_events')).toEqual(['s-1', 2, '[]', 'c_events', '41']);
    expect(appendSql('c', 'revision')).toContain('stream_revision = $5::bigint');
    expect(appendSql('c', 'any')).not.toContain('$5');
  });

  it('reads the start of the log as "after transaction 0"', () => {
    expect(positionParameters(START_POSITION)).toEqual(['0', '-1']);
    expect(positionParameters({ major: 9007199254740993n, minor: 12n })).toEqual(['9007199254740993', '12']);
  });

  it('turns int8 and xid8 strings into bigints', () => {
    const recordedAt = new Date('2025-01-01T00:00:00Z');
    expect(
      toRecordedEvent({
        event_id: 'e1',
        type: 'ChallengeIssued',
        stream_id: 'challenge-1',
        stream_revision: '3',
        transaction_id: '9007199254740993',
        global_position: '42',
        data: { a: 1 },
        metadata: null,
        recorded_at: recordedAt,
      }),
    ).toEqual({
      id: 'e1',
      type: 'ChallengeIssued',
      streamId: 'challenge-1',
      streamRevision: 3n,
      position: { major: 9007199254740993n, minor: 42n },
      data: { a: 1 },
      metadata: {},
      recordedAt,
    });
  });
});
