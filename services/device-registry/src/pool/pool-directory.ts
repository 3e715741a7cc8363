import type { Pool, PoolClient } from 'pg';
import { DEFAULT_POOL_ID, DEFAULT_POOL_POLICY, type PoolPolicy } from '@pushmfa/contracts';
import { DomainError } from '@pushmfa/event-store';
import type { PoolEvent, PoolMembershipEvent } from './pool.events';

type Queryable = Pool | PoolClient;

/**
 * `registry.pools` (each workspace's pools but an unchanged default one) and `registry.user_pools` (users assigned to
 * a pool other than the default), written by the pool commands in the transaction that appends their events. The two
 * meet on the pool row's lock: an assignment holds it shared while it writes, a deletion takes it exclusively and
 * then counts the members, so of an assignment and a deletion racing for one pool one wins and the other is refused
 * whole — a user never ends up in a deleted pool.
 */
export class PoolDirectory {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  async migrate(client: Queryable = this.pool): Promise<void> {
    await client.query(`
      create table if not exists ${this.schema}.pools (
        workspace_id text not null,
        pool_id text not null,
        policy jsonb not null,
        primary key (workspace_id, pool_id)
      );
      create table if not exists ${this.schema}.user_pools (
        workspace_id text not null,
        user_id text not null,
        pool_id text not null,
        primary key (workspace_id, user_id)
      );
      create index if not exists user_pools_by_pool on ${this.schema}.user_pools (workspace_id, pool_id);
    `);
  }

  /** Inline projection of the pools stream. Throws `pool_in_use` (the append rolls back) for a pool with members. */
  async applyPoolEvent(client: PoolClient, workspaceId: string, event: PoolEvent): Promise<void> {
    switch (event.type) {
      case 'PoolCreated':
      case 'PoolChanged':
        await client.query(
          `insert into ${this.schema}.pools (workspace_id, pool_id, policy) values ($1, $2, $3)
           on conflict (workspace_id, pool_id) do update set policy = excluded.policy`,
          [workspaceId, event.data.poolId, JSON.stringify(event.data.pool)],
        );
        return;
      case 'PoolDeleted': {
        await client.query(`delete from ${this.schema}.pools where workspace_id = $1 and pool_id = $2`, [workspaceId, event.data.poolId]);
        const { rows } = await client.query<{ members: string }>(
          `select count(*) as members from ${this.schema}.user_pools where workspace_id = $1 and pool_id = $2`,
          [workspaceId, event.data.poolId],
        );
        const members = Number(rows[0]?.members ?? 0);
        if (members > 0) throw new DomainError('pool_in_use', `${members} user(s) are still in the pool: assign them to another pool first`);
        return;
      }
      default: {
        const unexpected: never = event;
        return unexpected;
      }
    }
  }

  /** Inline projection of a membership stream. Throws `not_found` (the append rolls back) for a pool that is gone. */
  async applyMembership(client: PoolClient, workspaceId: string, event: PoolMembershipEvent): Promise<void> {
    const { userId, poolId } = event.data;
    if (poolId === DEFAULT_POOL_ID) {
      await client.query(`delete from ${this.schema}.user_pools where workspace_id = $1 and user_id = $2`, [workspaceId, userId]);
      return;
    }
    const { rowCount } = await client.query(`select 1 from ${this.schema}.pools where workspace_id = $1 and pool_id = $2 for share`, [workspaceId, poolId]);
    if (!rowCount) throw new DomainError('not_found', 'no such pool');
    await client.query(
      `insert into ${this.schema}.user_pools (workspace_id, user_id, pool_id) values ($1, $2, $3)
       on conflict (workspace_id, user_id) do update set pool_id = excluded.pool_id`,
      [workspaceId, userId, poolId],
    );
  }

  /** The user's pool id: the default pool's unless assigned to another. */
  async poolIdOf(workspaceId: string, userId: string): Promise<string> {
    const { rows } = await this.pool.query<{ pool_id: string }>(`select pool_id from ${this.schema}.user_pools where workspace_id = $1 and user_id = $2`, [
      workspaceId,
      userId,
    ]);
    return rows[0]?.pool_id ?? DEFAULT_POOL_ID;
  }

  /** A pool's policy; the default pool's is its default until changed. Null for a pool that does not exist. */
  async policyOf(workspaceId: string, poolId: string): Promise<PoolPolicy | null> {
    const { rows } = await this.pool.query<{ policy: PoolPolicy }>(`select policy from ${this.schema}.pools where workspace_id = $1 and pool_id = $2`, [
      workspaceId,
      poolId,
    ]);
    return rows[0]?.policy ?? (poolId === DEFAULT_POOL_ID ? DEFAULT_POOL_POLICY : null);
  }

  /** How many users are assigned to each pool of the workspace (the default pool's members are not counted). */
  async memberCounts(workspaceId: string): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ pool_id: string; members: string }>(
      `select pool_id, count(*) as members from ${this.schema}.user_pools where workspace_id = $1 group by pool_id`,
      [workspaceId],
    );
    return new Map(rows.map((row) => [row.pool_id, Number(row.members)]));
  }
}
