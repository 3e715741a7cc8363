import { describe, expect, it } from '@jest/globals';
import { EventStoreUnavailableError } from '../event-store.port';
import { isUnavailableError, toEventStoreError } from './postgres-error-mapping';

function pgError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

describe('PostgreSQL error mapping', () => {
  it.each([
    ['connection refused', pgError('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED')],
    ['a dropped connection', pgError('Connection terminated unexpectedly')],
    ['a pool connect timeout', pgError('timeout exceeded when trying to connect')],
    ['admin shutdown', pgError('terminating connection due to administrator command', '57P01')],
    ['too many connections', pgError('sorry, too many clients already', '53300')],
    ['a statement timeout', pgError('canceling statement due to statement timeout', '57014')],
    ['a connection exception', pgError('connection failure', '08006')],
    ['a read-only standby', pgError('cannot execute INSERT in a read-only transaction', '25006')],
  ])('treats %s as unavailable', (_, error) => {
    expect(isUnavailableError(error)).toBe(true);
    const mapped = toEventStoreError(error, 'appendToStream');
    expect(mapped).toBeInstanceOf(EventStoreUnavailableError);
    expect((mapped as Error).message).toBe('PostgreSQL event store unavailable during appendToStream');
    expect((mapped as Error).cause).toBe(error);
  });

  it('looks inside an AggregateError (dual-stack connect failures)', () => {
    const error = new AggregateError([pgError('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], 'all failed');
    expect(toEventStoreError(error, 'readAll')).toBeInstanceOf(EventStoreUnavailableError);
  });

  it('passes through errors that are not about availability', () => {
    const unique = pgError('duplicate key value violates unique constraint', '23505');
    const syntax = pgError('syntax error at or near "SELEC"', '42601');
    expect(toEventStoreError(unique, 'appendToStream')).toBe(unique);
    expect(toEventStoreError(syntax, 'readAll')).toBe(syntax);
    expect(toEventStoreError('not an error', 'readAll')).toBe('not an error');
  });
});
