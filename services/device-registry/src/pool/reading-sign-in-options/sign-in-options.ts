import { type PoolPolicy, resolvedFactor } from '@pushmfa/contracts';

export type PushUnavailableReason = 'push_disabled' | 'not_in_pool' | 'no_active_device' | 'push_locked';

export interface SignInOptions {
  poolId: string;
  firstFactor: ReturnType<typeof resolvedFactor>;
  secondFactor: ReturnType<typeof resolvedFactor>;
  push: { available: boolean; reason?: PushUnavailableReason };
}

export interface SignInFacts {
  poolId: string;
  pool: PoolPolicy;
  pushEnabled: boolean;
  activeDevices: number;
  /** Whether push is locked for the user now (a fraud report or wrong numbers). */
  pushLocked?: boolean;
}

/**
 * Why push cannot be offered, in the order the platform would fix it: the workspace has it off, the user's pool does
 * not list it for either factor, the user has no phone, push is locked for the user. The first that holds is named.
 */
export function signInOptions(facts: SignInFacts): SignInOptions {
  const { pool } = facts;
  const inPool = pool.firstFactor.methods.includes('push') || pool.secondFactor.methods.includes('push');
  const reason: PushUnavailableReason | undefined = !facts.pushEnabled
    ? 'push_disabled'
    : !inPool
      ? 'not_in_pool'
      : facts.activeDevices === 0
        ? 'no_active_device'
        : facts.pushLocked
          ? 'push_locked'
          : undefined;
  return {
    poolId: facts.poolId,
    firstFactor: resolvedFactor(pool.firstFactor),
    secondFactor: resolvedFactor(pool.secondFactor),
    push: reason ? { available: false, reason } : { available: true },
  };
}
