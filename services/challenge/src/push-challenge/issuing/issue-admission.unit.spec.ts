import type { PoolClient } from 'pg';
import { takeUnsentPrepares } from '@pushmfa/postgres';
import { userLockSql } from './issue-admission';

describe('userLockSql', () => {
  it("takes the user's lock through a prepared statement of the connection, prepared once and planned once", () => {
    const client = {} as PoolClient;
    const first = userLockSql(client, { workspaceId: 'w1', userId: "o'brien" });
    const second = userLockSql(client, { workspaceId: 'w1', userId: 'u2' });
    const name = /^EXECUTE (pm_\w+)\(/.exec(first)?.[1];
    expect(name).toBeDefined();
    // The class is the statement's own; the key is the user's, quoted as a literal.
    expect(first).toBe(`EXECUTE ${name}('w1/o''brien')`);
    expect(second).toBe(`EXECUTE ${name}('w1/u2')`);
    expect(takeUnsentPrepares(client).statements).toEqual([`PREPARE ${name} AS select pg_advisory_xact_lock(1667787879, hashtext($1::text))`]);
    // Another connection prepares it for itself.
    expect(takeUnsentPrepares({} as PoolClient).statements).toEqual([]);
  });
});
