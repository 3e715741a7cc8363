import { describe, expect, it } from '@jest/globals';
import { asUnavailable, isDatabaseUnavailable } from './database-unavailable';

function pgError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

describe('the database is unavailable', () => {
  it.each([
    ['connection refused', pgError('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED')],
    ['a reset socket', pgError('read ECONNRESET', 'ECONNRESET')],
    ['a dropped connection', pgError('Connection terminated unexpectedly')],
    ['a pool connect timeout', pgError('timeout exceeded when trying to connect')],
    ['admin shutdown', pgError('terminating connection due to administrator command', '57P01')],
    ['a server starting up', pgError('the database system is starting up', '57P03')],
    ['too many connections', pgError('sorry, too many clients already', '53300')],
    ['a connection exception', pgError('connection failure', '08006')],
    ['a statement timeout', pgError('canceling statement due to statement timeout', '57014')],
    ['a read-only standby', pgError('cannot execute INSERT in a read-only transaction', '25006')],
    ['a member of an AggregateError', new AggregateError([pgError('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], 'all failed')],
    ['the cause of a wrapping error', new Error('projection failed', { cause: pgError('x', '57P01') })],
    ['an error from another realm (a plain object)', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }],
  ])('%s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', pgError('duplicate key value violates unique constraint', '23505')],
    ['a syntax error', pgError('syntax error at or near "SELEC"', '42601')],
    ['a bug', new TypeError('x is undefined')],
    ['a string', 'boom'],
    ['nothing', undefined],
  ])('not %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('tags what it classifies as unavailable, keeping the cause and hiding its text; the rest passes through', () => {
    const down = pgError('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED');
    const tagged = asUnavailable(down) as Error & { code: string };
    expect(tagged.code).toBe('unavailable');
    expect(tagged.message).toBe('database unavailable (ECONNREFUSED)');
    expect(tagged.cause).toBe(down);
    expect(asUnavailable(tagged)).toBe(tagged);
    const conflict = pgError('duplicate key', '23505');
    expect(asUnavailable(conflict)).toBe(conflict);
  });
});
