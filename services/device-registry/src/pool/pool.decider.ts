import { DEFAULT_POOL_ID, DEFAULT_POOL_POLICY, type PoolPolicy, poolPolicySchema } from '@pushmfa/contracts';
import { type Decider, DomainError } from '@pushmfa/event-store';
import type { Actor } from '../workspace/workspace.events';
import type { PoolEvent, PoolMembershipEvent } from './pool.events';

/** A workspace holds at most this many pools (the default one included). */
export const MAX_POOLS = 100;

/** A workspace's pools, the default one always among them (with its default policy until an admin changes it). */
export interface PoolsState {
  pools: ReadonlyMap<string, PoolPolicy>;
}

export type PoolCommand =
  | { type: 'CreatePool'; poolId: string; pool: PoolPolicy; actor: Actor }
  | { type: 'ChangePool'; poolId: string; changes: Partial<PoolPolicy>; actor: Actor }
  | { type: 'DeletePool'; poolId: string; actor: Actor };

export const poolDecider: Decider<PoolsState, PoolCommand, PoolEvent> = {
  initialState: () => ({ pools: new Map([[DEFAULT_POOL_ID, DEFAULT_POOL_POLICY]]) }),

  evolve(state, event) {
    switch (event.type) {
      case 'PoolCreated':
      case 'PoolChanged':
        return { pools: new Map(state.pools).set(event.data.poolId, event.data.pool) };
      case 'PoolDeleted': {
        const pools = new Map(state.pools);
        pools.delete(event.data.poolId);
        return { pools };
      }
      default: {
        const unexpected: never = event;
        return unexpected;
      }
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CreatePool':
        if (state.pools.size >= MAX_POOLS) throw new DomainError('pool_limit_reached', `a workspace has at most ${MAX_POOLS} pools`);
        requireUniqueName(state, command.pool.name, command.poolId);
        return [{ type: 'PoolCreated', data: { poolId: command.poolId, pool: command.pool, createdBy: command.actor } }];
      case 'ChangePool': {
        const current = state.pools.get(command.poolId);
        if (!current) throw new DomainError('not_found', 'no such pool');
        const parsed = poolPolicySchema.safeParse({ ...current, ...command.changes });
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          throw new DomainError('validation_failed', `${issue.path.join('.') || 'body'}: ${issue.message}`);
        }
        const pool = parsed.data;
        requireUniqueName(state, pool.name, command.poolId);
        const changed = (Object.keys(command.changes) as (keyof PoolPolicy)[]).filter((key) => JSON.stringify(current[key]) !== JSON.stringify(pool[key]));
        if (changed.length === 0) return [];
        return [{ type: 'PoolChanged', data: { poolId: command.poolId, pool, changed, changedBy: command.actor } }];
      }
      case 'DeletePool':
        if (command.poolId === DEFAULT_POOL_ID) throw new DomainError('pool_is_default', 'the default pool cannot be deleted');
        if (!state.pools.has(command.poolId)) throw new DomainError('not_found', 'no such pool');
        return [{ type: 'PoolDeleted', data: { poolId: command.poolId, deletedBy: command.actor } }];
      default: {
        const unexpected: never = command;
        return unexpected;
      }
    }
  },
};

/** Pool names are unique in a workspace, whatever their case and surrounding spaces. */
function requireUniqueName(state: PoolsState, name: string, poolId: string): void {
  const wanted = name.trim().toLowerCase();
  for (const [id, pool] of state.pools) {
    if (id !== poolId && pool.name.trim().toLowerCase() === wanted) throw new DomainError('pool_name_taken', `a pool is named "${pool.name}" already`);
  }
}

/** Which pool a user is in: the default one until assigned to another. */
export interface PoolMembershipState {
  poolId: string;
}

export type PoolMembershipCommand = { type: 'AssignPool'; userId: string; poolId: string; actor: Actor };

export const poolMembershipDecider: Decider<PoolMembershipState, PoolMembershipCommand, PoolMembershipEvent> = {
  initialState: () => ({ poolId: DEFAULT_POOL_ID }),
  evolve: (_state, event) => ({ poolId: event.data.poolId }),
  // Whether the pool exists is checked where it is written, under the pool row's lock (PoolDirectory).
  decide(command, state) {
    if (command.poolId === state.poolId) return [];
    return [{ type: 'UserPoolAssigned', data: { userId: command.userId, poolId: command.poolId, previousPoolId: state.poolId, assignedBy: command.actor } }];
  },
};
