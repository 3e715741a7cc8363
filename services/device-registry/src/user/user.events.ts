import { type DomainEvent, StoredEventReader } from '@pushmfa/event-store';
import type { Actor } from '../workspace/workspace.events';

/** Why push is locked: a fraud report, wrong numbers in a row, or wrong offline codes in a row. */
export type PushLockReason = 'fraud_report' | 'number_mismatch' | 'offline_code';

/** Events of the user stream (`user-<workspaceId>/<userId>`): what happens to a user's MFA as a whole. */
export type UserEvent =
  | DomainEvent<'UserMfaReset', { userId: string; revokedDeviceIds: string[]; resetBy: Actor; resetAt: string }>
  /** An admin lifted the user's push lock; `reason`, `lockedUntil` and `challengeId` name the lock lifted. */
  | DomainEvent<'PushLockLifted', { userId: string; liftedBy: string; reason: PushLockReason; lockedUntil: string; challengeId?: string; liftedAt: string }>;

/** Reads the user stream's stored events (each type still has its first shape). */
export const userEvents = new StoredEventReader<UserEvent>({ UserMfaReset: true, PushLockLifted: true });

export const userStreamId = (workspaceId: string, userId: string) => `user-${workspaceId}/${userId}`;
