import type { Pool, PoolClient, QueryConfig } from 'pg';
import { namedQuery, TickBatch } from '@pushmfa/postgres';
import type { PushJob } from '../dispatching/push-job';

/**
 * Durable record of every push not finished yet, so a worker that dies does not take its pushes with it.
 * A row is written in the same transaction as the inbox mark of the challenge event that asked for it,
 * leased to the worker that runs it (renewed while that worker lives), rewritten when a retry is scheduled,
 * and deleted once the push's final outcome is published. A row whose lease ran out is claimed by any worker.
 */
export class PendingPushes {
  /** Rows this worker is running now: only these leases are renewed. */
  private readonly held = new Map<string, PushJob>();
  private readonly removals: TickBatch<PushJob, undefined>;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    /** This worker's lease owner id: unique per process start. */
    readonly owner: string,
    private readonly leaseMs: number,
  ) {
    const removal = removalSql(schema);
    this.removals = new TickBatch<PushJob, undefined>(async (jobs) => {
      await this.pool.query(removalOf(removal, jobs));
      return jobs.map(() => undefined);
    });
  }

  static migrate(client: PoolClient, schema: string): Promise<unknown> {
    return client.query(`
      create table if not exists ${schema}.pending_pushes (
        workspace_id text not null,
        challenge_id text not null,
        device_id text not null,
        round int not null,
        job jsonb not null,
        expires_at timestamptz not null,
        lease_owner text not null,
        lease_until timestamptz not null,
        primary key (workspace_id, challenge_id, device_id, round)
      );
      create index if not exists pending_pushes_by_lease on ${schema}.pending_pushes (lease_until)`);
  }

  /** Inside the inbox transaction: the pushes exist durably as soon as the challenge event counts as processed. */
  async insert(client: PoolClient, jobs: PushJob[], expiresAtMs: number): Promise<void> {
    await this.insertMany(
      client,
      jobs.map((job) => ({ job, expiresAtMs })),
    );
  }

  /** Many pushes in one statement, each leased to this worker (a lease per push, whichever batch asked for it). */
  async insertMany(client: PoolClient, pushes: ReadonlyArray<{ job: PushJob; expiresAtMs: number }>): Promise<void> {
    if (pushes.length === 0) return;
    await client.query(
      `insert into ${this.schema}.pending_pushes
         (workspace_id, challenge_id, device_id, round, job, expires_at, lease_owner, lease_until)
       select p.workspace_id, p.challenge_id, p.device_id, p.round, p.job, p.expires_at, $2, now() + make_interval(secs => $3)
         from jsonb_to_recordset($1::jsonb) as p(workspace_id text, challenge_id text, device_id text, round int, job jsonb, expires_at timestamptz)
       on conflict do nothing`,
      [
        JSON.stringify(
          pushes.map(({ job, expiresAtMs }) => ({
            workspace_id: job.workspaceId,
            challenge_id: job.challengeId,
            device_id: job.deviceId,
            round: job.round,
            job,
            expires_at: new Date(expiresAtMs).toISOString(),
          })),
        ),
        this.owner,
        this.leaseMs / 1000,
      ],
    );
  }

  /** This worker runs the push now: keep its lease alive. */
  hold(job: PushJob): void {
    this.held.set(keyOf(job), job);
  }

  get heldCount(): number {
    return this.held.size;
  }

  /** Records the next try (a takeover continues from it, with the same attempt numbers and event ids). */
  async update(job: PushJob): Promise<void> {
    await this.pool.query(`update ${this.schema}.pending_pushes set job = $5 where workspace_id = $1 and challenge_id = $2 and device_id = $3 and round = $4`, [
      job.workspaceId,
      job.challengeId,
      job.deviceId,
      job.round,
      JSON.stringify(job),
    ]);
  }

  /** The push's final outcome is published (or nothing is left to send): forget it. Removals of one tick go in one statement. */
  async remove(job: PushJob): Promise<void> {
    this.held.delete(keyOf(job));
    await this.removals.load(job);
  }

  /** Extends the leases of the pushes this worker runs; returns how many rows were extended. */
  async renewLeases(): Promise<number> {
    const jobs = [...this.held.values()];
    if (jobs.length === 0) return 0;
    const result = await this.pool.query(
      `update ${this.schema}.pending_pushes p set lease_until = now() + make_interval(secs => $2)
         from unnest($3::text[], $4::text[], $5::text[], $6::int[]) as h(workspace_id, challenge_id, device_id, round)
        where p.lease_owner = $1 and p.workspace_id = h.workspace_id and p.challenge_id = h.challenge_id
          and p.device_id = h.device_id and p.round = h.round`,
      [
        this.owner,
        this.leaseMs / 1000,
        jobs.map((job) => job.workspaceId),
        jobs.map((job) => job.challengeId),
        jobs.map((job) => job.deviceId),
        jobs.map((job) => job.round),
      ],
    );
    return result.rowCount ?? 0;
  }

  /** Graceful stop: rows this worker could not finish become claimable at once. */
  async releaseAll(): Promise<void> {
    this.held.clear();
    await this.pool.query(`update ${this.schema}.pending_pushes set lease_until = now() where lease_owner = $1`, [this.owner]);
  }

  /** One push could not run here (unexpected error): let the next sweep, here or elsewhere, take it. */
  async release(job: PushJob): Promise<void> {
    this.held.delete(keyOf(job));
    await this.pool.query(
      `update ${this.schema}.pending_pushes set lease_until = now()
        where workspace_id = $1 and challenge_id = $2 and device_id = $3 and round = $4 and lease_owner = $5`,
      [job.workspaceId, job.challengeId, job.deviceId, job.round, this.owner],
    );
  }

  /**
   * Takes over up to `limit` rows whose lease ran out (their worker died or gave them back) and whose challenge
   * has not expired; rows past expiry are deleted, there is nothing left to send for them.
   */
  async claimOrphans(limit = 100): Promise<PushJob[]> {
    await this.pool.query(`delete from ${this.schema}.pending_pushes where expires_at <= now()`);
    const result = await this.pool.query<{ job: PushJob }>(
      `update ${this.schema}.pending_pushes p
          set lease_owner = $1, lease_until = now() + make_interval(secs => $2)
         from (select workspace_id, challenge_id, device_id, round from ${this.schema}.pending_pushes
                where lease_until < now() order by lease_until limit $3 for update skip locked) o
        where p.workspace_id = o.workspace_id and p.challenge_id = o.challenge_id and p.device_id = o.device_id and p.round = o.round
        returning p.job`,
      [this.owner, this.leaseMs / 1000, limit],
    );
    return result.rows.map((row) => row.job);
  }
}

/**
 * The statement that deletes the rows of `jobs` (the removals of one tick). One removal (the usual case below the box's
 * capacity) is a key delete, whose generic plan the plan cache keeps; several go in one statement over arrays, which is
 * planned again on every call (a generic plan cannot know the arrays' length, so the custom ones always look cheaper:
 * 0.22 ms of planning a removal under load, had every removal taken it).
 */
function removalOf(sql: RemovalSql, jobs: readonly PushJob[]): QueryConfig {
  const [only] = jobs;
  if (jobs.length === 1 && only) return namedQuery(sql.one, [only.workspaceId, only.challengeId, only.deviceId, only.round]);
  return namedQuery(sql.many, [jobs.map((j) => j.workspaceId), jobs.map((j) => j.challengeId), jobs.map((j) => j.deviceId), jobs.map((j) => j.round)]);
}

/** The removal statements' texts, built once per PendingPushes: `one` by key, `many` over the keys' arrays. */
interface RemovalSql {
  one: string;
  many: string;
}

function removalSql(schema: string): RemovalSql {
  return {
    one: `delete from ${schema}.pending_pushes where workspace_id = $1 and challenge_id = $2 and device_id = $3 and round = $4`,
    many: `delete from ${schema}.pending_pushes p using unnest($1::text[], $2::text[], $3::text[], $4::int[]) as k(workspace_id, challenge_id, device_id, round)
      where p.workspace_id = k.workspace_id and p.challenge_id = k.challenge_id and p.device_id = k.device_id and p.round = k.round`,
  };
}

function keyOf(job: PushJob): string {
  return JSON.stringify([job.workspaceId, job.challengeId, job.deviceId, job.round]);
}
