import { type DomainEvent, StoredEventReader } from '@pushmfa/event-store';
import type { PoolPolicy } from '@pushmfa/contracts';
import type { Actor } from '../workspace/workspace.events';

/** Events of a workspace's pools stream (`pools-<workspaceId>`): every identity pool and its sign-in policy. */
export type PoolEvent =
  | DomainEvent<'PoolCreated', { poolId: string; pool: PoolPolicy; createdBy: Actor }>
  | DomainEvent<'PoolChanged', { poolId: string; pool: PoolPolicy; changed: string[]; changedBy: Actor }>
  | DomainEvent<'PoolDeleted', { poolId: string; deletedBy: Actor }>;

/** Events of a user's pool membership stream (`user-pool-<workspaceId>/<userId>`). */
export type PoolMembershipEvent = DomainEvent<'UserPoolAssigned', { userId: string; poolId: string; previousPoolId: string; assignedBy: Actor }>;

export const poolEvents = new StoredEventReader<PoolEvent>({ PoolCreated: true, PoolChanged: true, PoolDeleted: true });
export const poolMembershipEvents = new StoredEventReader<PoolMembershipEvent>({ UserPoolAssigned: true });

export const poolsStreamId = (workspaceId: string) => `pools-${workspaceId}`;
export const poolMembershipStreamId = (workspaceId: string, userId: string) => `user-pool-${workspaceId}/${userId}`;
