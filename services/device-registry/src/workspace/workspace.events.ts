import { type DomainEvent, StoredEventReader } from '@pushmfa/event-store';
import type { WorkspaceSettings } from '@pushmfa/contracts';

export type Actor = { kind: 'operator' | 'admin' | 'platform' | 'system'; keyId?: string };

/**
 * Events of the workspace stream (`workspace-<id>`); stored type names never change. Settings as stored: events
 * written before a setting existed lack it (the decider fills it from DEFAULT_SETTINGS).
 */
type StoredSettings = Partial<WorkspaceSettings> &
  Omit<WorkspaceSettings, 'numberMismatchLockThreshold' | 'minSecondsBetweenPushes' | 'maxPendingPerUser' | 'offlineCodesEnabled' | 'diagnosticsRetentionDays'>;
export type WorkspaceEvent =
  | DomainEvent<'WorkspaceCreated', { workspaceId: string; name: string; settings: StoredSettings }>
  | DomainEvent<'ApiKeyIssued', { workspaceId: string; keyId: string; role: 'platform' | 'admin'; label?: string; keyHash: string }>
  | DomainEvent<'ApiKeyRevoked', { workspaceId: string; keyId: string }>
  | DomainEvent<'WorkspaceSettingsChanged', { workspaceId: string; settings: StoredSettings; changed: string[]; changedBy: Actor }>;

/** Reads the workspace stream's stored events (each type still has its first shape). */
export const workspaceEvents = new StoredEventReader<WorkspaceEvent>({
  WorkspaceCreated: true,
  ApiKeyIssued: true,
  ApiKeyRevoked: true,
  WorkspaceSettingsChanged: true,
});

export const workspaceStreamId = (workspaceId: string) => `workspace-${workspaceId}`;
