import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { PushJob } from '../dispatching/push-job';
import { PendingPushes } from './pending-pushes';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `pending_${randomBytes(5).toString('hex')}`;

function job(challengeId: string, deviceId: string, round = 1): PushJob {
  return {
    workspaceId: 'ws_pending',
    challengeId,
    userId: 'user-1',
    deviceId,
    pushProvider: 'fcm',
    round,
    tryNumber: 1,
    deviceLookups: 0,
    correlationId: randomUUID(),
    causationId: randomUUID(),
  };
}

describe('PendingPushes (PostgreSQL)', () => {
  let pool: Pool;
  let pending: PendingPushes;

  beforeAll(async () => {
    // One connection: the plan counters read below are those of the connection that ran the removals.
    pool = new Pool({ connectionString: url, max: 1 });
    await pool.query(`create schema ${schema}`).catch((error: unknown) => {
      throw new Error(`PendingPushes needs PostgreSQL at ${url} (npm run infra:up starts it): ${String(error)}`);
    });
    const client = await pool.connect();
    try {
      await PendingPushes.migrate(client, schema);
    } finally {
      client.release();
    }
    pending = new PendingPushes(pool, schema, 'worker-1', 30_000);
  });

  afterAll(async () => {
    await pool?.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    await pool?.end();
  });

  async function insert(jobs: PushJob[]): Promise<void> {
    const client = await pool.connect();
    try {
      await pending.insert(client, jobs, Date.now() + 60_000);
    } finally {
      client.release();
    }
  }

  const rows = async (challengeId: string): Promise<string[]> =>
    (
      await pool.query<{ key: string }>(`select device_id || '#' || round as key from ${schema}.pending_pushes where challenge_id = $1 order by 1`, [
        challengeId,
      ])
    ).rows.map((row) => row.key);

  it('removes a finished push alone: the same device in another round and the other devices stay', async () => {
    const challengeId = randomUUID();
    await insert([job(challengeId, 'dev-a'), job(challengeId, 'dev-a', 2), job(challengeId, 'dev-b')]);
    await pending.remove(job(challengeId, 'dev-a'));
    expect(await rows(challengeId)).toEqual(['dev-a#2', 'dev-b#1']);
  });

  it('removes the pushes finished in one tick together, and only those', async () => {
    const challengeId = randomUUID();
    await insert([job(challengeId, 'dev-a'), job(challengeId, 'dev-b'), job(challengeId, 'dev-c'), job(challengeId, 'dev-d')]);
    await Promise.all([pending.remove(job(challengeId, 'dev-a')), pending.remove(job(challengeId, 'dev-c')), pending.remove(job(challengeId, 'dev-d'))]);
    expect(await rows(challengeId)).toEqual(['dev-b#1']);
  });

  it('keeps the removal of one push to a key lookup on one generic plan (no planning per removal)', async () => {
    const challengeId = randomUUID();
    const devices = Array.from({ length: 10 }, (_, i) => `dev-${i}`);
    await insert(devices.map((device) => job(challengeId, device)));
    // One at a time: each removal is its own tick.
    for (const device of devices) await pending.remove(job(challengeId, device));
    expect(await rows(challengeId)).toEqual([]);
    const { rows: plans } = await pool.query<{ generic: string; custom: string }>(
      `select sum(generic_plans)::text as generic, sum(custom_plans)::text as custom from pg_prepared_statements where statement like 'delete from ${schema}.pending_pushes where %'`,
    );
    // The plan cache tries five custom plans, then keeps the generic one.
    expect(Number(plans[0]!.custom)).toBeLessThanOrEqual(5);
    expect(Number(plans[0]!.generic)).toBeGreaterThanOrEqual(5);
  });
});
