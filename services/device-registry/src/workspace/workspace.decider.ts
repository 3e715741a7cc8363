import { DEFAULT_SETTINGS, type WorkspaceSettings } from '@pushmfa/contracts';
import { type Decider, DomainError } from '@pushmfa/event-store';
import type { Actor, WorkspaceEvent } from './workspace.events';

export type WorkspaceState =
  | { status: 'absent' }
  | { status: 'active'; workspaceId: string; name: string; settings: WorkspaceSettings; keys: Map<string, { role: 'platform' | 'admin'; revoked: boolean }> };

export type WorkspaceCommand =
  | { type: 'CreateWorkspace'; workspaceId: string; name: string }
  | { type: 'IssueApiKey'; keyId: string; role: 'platform' | 'admin'; label?: string; keyHash: string }
  | { type: 'RevokeApiKey'; keyId: string }
  | { type: 'ChangeSettings'; changes: Partial<WorkspaceSettings>; actor: Actor };

export const workspaceDecider: Decider<WorkspaceState, WorkspaceCommand, WorkspaceEvent> = {
  initialState: () => ({ status: 'absent' }),

  evolve(state, event) {
    switch (event.type) {
      case 'WorkspaceCreated':
        return { status: 'active', workspaceId: event.data.workspaceId, name: event.data.name, settings: withDefaults(event.data.settings), keys: new Map() };
      case 'ApiKeyIssued':
        if (state.status !== 'active') return state;
        return { ...state, keys: new Map(state.keys).set(event.data.keyId, { role: event.data.role, revoked: false }) };
      case 'ApiKeyRevoked': {
        if (state.status !== 'active') return state;
        const key = state.keys.get(event.data.keyId);
        return key ? { ...state, keys: new Map(state.keys).set(event.data.keyId, { ...key, revoked: true }) } : state;
      }
      case 'WorkspaceSettingsChanged':
        return state.status === 'active' ? { ...state, settings: withDefaults(event.data.settings) } : state;
      default: {
        const unexpected: never = event;
        return unexpected;
      }
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CreateWorkspace':
        if (state.status !== 'absent') throw new DomainError('conflict', 'the workspace exists already');
        return [{ type: 'WorkspaceCreated', data: { workspaceId: command.workspaceId, name: command.name, settings: { ...DEFAULT_SETTINGS } } }];
      case 'IssueApiKey': {
        const ws = requireActive(state);
        const label = command.label === undefined ? {} : { label: command.label };
        return [{ type: 'ApiKeyIssued', data: { workspaceId: ws.workspaceId, keyId: command.keyId, role: command.role, keyHash: command.keyHash, ...label } }];
      }
      case 'RevokeApiKey': {
        const ws = requireActive(state);
        const key = ws.keys.get(command.keyId);
        if (!key) throw new DomainError('not_found', 'no such API key');
        return key.revoked ? [] : [{ type: 'ApiKeyRevoked', data: { workspaceId: ws.workspaceId, keyId: command.keyId } }];
      }
      case 'ChangeSettings': {
        const ws = requireActive(state);
        const settings = { ...ws.settings, ...command.changes };
        const changed = (Object.keys(command.changes) as (keyof WorkspaceSettings)[]).filter((k) => ws.settings[k] !== settings[k]);
        if (changed.length === 0) return [];
        return [{ type: 'WorkspaceSettingsChanged', data: { workspaceId: ws.workspaceId, settings, changed, changedBy: command.actor } }];
      }
      default: {
        const unexpected: never = command;
        return unexpected;
      }
    }
  },
};

/** Events stored before a setting existed lack it: it has its default. */
function withDefaults(settings: Partial<WorkspaceSettings>): WorkspaceSettings {
  return { ...DEFAULT_SETTINGS, ...settings };
}

function requireActive(state: WorkspaceState) {
  if (state.status !== 'active') throw new DomainError('not_found', 'no such workspace');
  return state;
}
