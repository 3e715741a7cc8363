import type { DomainEvent } from '@pushmfa/event-store';
import type { WorkspaceSettings } from '@pushmfa/contracts';

export type Actor = { kind: 'operator' | 'admin' | 'platform' | 'system'; keyId?: string };

/** Events of the workspace stream (`workspace-<id>`); stored type names never change. */
export type WorkspaceEvent =
  | DomainEvent<'WorkspaceCreated', { workspaceId: string; name: string; settings: WorkspaceSettings }>
  | DomainEvent<'ApiKeyIssued', { workspaceId: string; keyId: string; role: 'platform' | 'admin'; label?: string; keyHash: string }>
  | DomainEvent<'ApiKeyRevoked', { workspaceId: string; keyId: string }>
  | DomainEvent<'WorkspaceSettingsChanged', { workspaceId: string; settings: WorkspaceSettings; changed: string[]; changedBy: Actor }>;

export const workspaceStreamId = (workspaceId: string) => `workspace-${workspaceId}`;
