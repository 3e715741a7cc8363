import { DEFAULT_POOL_ID, type PoolPolicy } from '@pushmfa/contracts';

/** A pool as the API shows it. */
export interface PoolView extends PoolPolicy {
  poolId: string;
  isDefault: boolean;
  /** Users assigned to it (the default pool: those assigned to it after being in another; everyone else is in it too). */
  members: number;
}

export function poolView(poolId: string, pool: PoolPolicy, members: number): PoolView {
  return { poolId, ...pool, isDefault: poolId === DEFAULT_POOL_ID, members };
}
