import { describe, expect, it } from '@jest/globals';
import { DEFAULT_POOL_POLICY, type PoolPolicy } from '@pushmfa/contracts';
import { DomainError, foldEvents } from '@pushmfa/event-store';
import { MAX_POOLS, poolDecider, poolMembershipDecider } from './pool.decider';
import type { PoolEvent } from './pool.events';

const actor = { kind: 'admin' as const, keyId: 'k1' };
const ENG: PoolPolicy = { name: 'Engineering', firstFactor: { methods: ['push'], preferred: 'push' }, secondFactor: { methods: ['totp'] } };
const created = (poolId: string, pool: PoolPolicy = ENG): PoolEvent => ({ type: 'PoolCreated', data: { poolId, pool, createdBy: actor } });
const stateOf = (...events: PoolEvent[]) => foldEvents(poolDecider, events);
const codeOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return error instanceof DomainError ? error.code : String(error);
  }
  return undefined;
};

describe('pool decider', () => {
  it('starts with the default pool, and creates pools with unique names whatever their case', () => {
    expect(stateOf().pools.get('default')).toEqual(DEFAULT_POOL_POLICY);
    expect(poolDecider.decide({ type: 'CreatePool', poolId: 'p1', pool: ENG, actor }, stateOf())).toEqual([created('p1')]);
    expect(codeOf(() => poolDecider.decide({ type: 'CreatePool', poolId: 'p2', pool: { ...ENG, name: ' engineering' }, actor }, stateOf(created('p1'))))).toBe(
      'pool_name_taken',
    );
  });

  it(`holds at most ${MAX_POOLS} pools`, () => {
    const full = stateOf(...Array.from({ length: MAX_POOLS - 1 }, (_, i) => created(`p${i}`, { ...ENG, name: `Pool ${i}` })));
    expect(codeOf(() => poolDecider.decide({ type: 'CreatePool', poolId: 'one-more', pool: { ...ENG, name: 'One more' }, actor }, full))).toBe(
      'pool_limit_reached',
    );
  });

  it('changes a pool, names what changed, records nothing for no change, and keeps preferred among methods', () => {
    const state = stateOf(created('p1'));
    expect(poolDecider.decide({ type: 'ChangePool', poolId: 'p1', changes: { name: 'Eng' }, actor }, state)).toEqual([
      { type: 'PoolChanged', data: { poolId: 'p1', pool: { ...ENG, name: 'Eng' }, changed: ['name'], changedBy: actor } },
    ]);
    expect(poolDecider.decide({ type: 'ChangePool', poolId: 'p1', changes: { name: 'Engineering' }, actor }, state)).toEqual([]);
    expect(
      codeOf(() =>
        poolDecider.decide({ type: 'ChangePool', poolId: 'p1', changes: { firstFactor: { methods: ['passkey'], preferred: 'push' } }, actor }, state),
      ),
    ).toBe('validation_failed');
    expect(codeOf(() => poolDecider.decide({ type: 'ChangePool', poolId: 'nope', changes: { name: 'x' }, actor }, state))).toBe('not_found');
  });

  it('deletes a pool but never the default one', () => {
    const state = stateOf(created('p1'));
    expect(poolDecider.decide({ type: 'DeletePool', poolId: 'p1', actor }, state)).toEqual([{ type: 'PoolDeleted', data: { poolId: 'p1', deletedBy: actor } }]);
    expect(codeOf(() => poolDecider.decide({ type: 'DeletePool', poolId: 'default', actor }, state))).toBe('pool_is_default');
    expect(codeOf(() => poolDecider.decide({ type: 'DeletePool', poolId: 'p2', actor }, state))).toBe('not_found');
    expect(stateOf(created('p1'), { type: 'PoolDeleted', data: { poolId: 'p1', deletedBy: actor } }).pools.has('p1')).toBe(false);
  });
});

describe('pool membership decider', () => {
  it('puts a user in the default pool until assigned, and records a move only', () => {
    const initial = poolMembershipDecider.initialState();
    expect(initial.poolId).toBe('default');
    const moved = poolMembershipDecider.decide({ type: 'AssignPool', userId: 'amy', poolId: 'p1', actor }, initial);
    expect(moved).toEqual([{ type: 'UserPoolAssigned', data: { userId: 'amy', poolId: 'p1', previousPoolId: 'default', assignedBy: actor } }]);
    expect(poolMembershipDecider.decide({ type: 'AssignPool', userId: 'amy', poolId: 'p1', actor }, { poolId: 'p1' })).toEqual([]);
  });
});
