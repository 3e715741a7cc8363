import type { DomainEvent } from '@pushmfa/event-store';
import type { Actor } from '../workspace/workspace.events';

/** Events of the user stream (`user-<workspaceId>/<userId>`): what happens to a user's MFA as a whole. */
export type UserEvent = DomainEvent<'UserMfaReset', { userId: string; revokedDeviceIds: string[]; resetBy: Actor; resetAt: string }>;

export const userStreamId = (workspaceId: string, userId: string) => `user-${workspaceId}/${userId}`;
