import { DEFAULT_SETTINGS } from '@pushmfa/contracts';
import { type DomainError, foldEvents } from '@pushmfa/event-store';
import { type WorkspaceCommand, workspaceDecider } from './workspace.decider';
import type { WorkspaceEvent } from './workspace.events';

const created: WorkspaceEvent = { type: 'WorkspaceCreated', data: { workspaceId: 'ws1', name: 'Acme', settings: { ...DEFAULT_SETTINGS } } };

function given(events: WorkspaceEvent[]) {
  return {
    when: (command: WorkspaceCommand) => {
      const run = () => workspaceDecider.decide(command, foldEvents(workspaceDecider, events));
      return {
        then: (expected: WorkspaceEvent[]) => expect(run()).toEqual(expected),
        thenFails: (code: string) => expect(run).toThrow(expect.objectContaining({ code }) as unknown as DomainError),
      };
    },
  };
}

describe('workspace decider', () => {
  it('creates a workspace with push disabled and the contract defaults', () => {
    given([]).when({ type: 'CreateWorkspace', workspaceId: 'ws1', name: 'Acme' }).then([created]);
    expect(DEFAULT_SETTINGS.pushEnabled).toBe(false);
  });

  it('refuses to create a workspace twice', () => {
    given([created]).when({ type: 'CreateWorkspace', workspaceId: 'ws1', name: 'Acme' }).thenFails('conflict');
  });

  it('issues keys only in an existing workspace, recording the hash alone', () => {
    const hash = 'a'.repeat(64);
    given([created])
      .when({ type: 'IssueApiKey', keyId: 'k1', role: 'admin', keyHash: hash })
      .then([{ type: 'ApiKeyIssued', data: { workspaceId: 'ws1', keyId: 'k1', role: 'admin', keyHash: hash } }]);
    given([]).when({ type: 'IssueApiKey', keyId: 'k1', role: 'admin', keyHash: hash }).thenFails('not_found');
  });

  it('records who changed which settings, and nothing when nothing changes', () => {
    const actor = { kind: 'admin' as const, keyId: 'k1' };
    given([created])
      .when({ type: 'ChangeSettings', changes: { pushEnabled: true, numberMatching: 'always' }, actor })
      .then([
        {
          type: 'WorkspaceSettingsChanged',
          data: { workspaceId: 'ws1', settings: { ...DEFAULT_SETTINGS, pushEnabled: true }, changed: ['pushEnabled'], changedBy: actor },
        },
      ]);
    given([created])
      .when({ type: 'ChangeSettings', changes: { pushEnabled: false }, actor })
      .then([]);
  });
  it('gives a workspace created before diagnosticsRetentionDays existed the default of 30 days', () => {
    const { diagnosticsRetentionDays: _retention, ...before } = DEFAULT_SETTINGS;
    const old: WorkspaceEvent = { type: 'WorkspaceCreated', data: { workspaceId: 'ws1', name: 'Acme', settings: before } };
    expect(foldEvents(workspaceDecider, [old])).toMatchObject({ settings: { diagnosticsRetentionDays: 30 } });
  });
  it('gives a workspace created before numberMismatchLockThreshold and minSecondsBetweenPushes existed their defaults, and changes them', () => {
    const { numberMismatchLockThreshold: _threshold, minSecondsBetweenPushes: _spacing, ...before } = DEFAULT_SETTINGS;
    const old: WorkspaceEvent = { type: 'WorkspaceCreated', data: { workspaceId: 'ws1', name: 'Acme', settings: before } };
    expect(foldEvents(workspaceDecider, [old])).toMatchObject({ settings: { numberMismatchLockThreshold: 3, minSecondsBetweenPushes: 0 } });
    const actor = { kind: 'admin' as const, keyId: 'k1' };
    given([old])
      .when({ type: 'ChangeSettings', changes: { numberMismatchLockThreshold: 5, minSecondsBetweenPushes: 30 }, actor })
      .then([
        {
          type: 'WorkspaceSettingsChanged',
          data: {
            workspaceId: 'ws1',
            settings: { ...DEFAULT_SETTINGS, numberMismatchLockThreshold: 5, minSecondsBetweenPushes: 30 },
            changed: ['numberMismatchLockThreshold', 'minSecondsBetweenPushes'],
            changedBy: actor,
          },
        },
      ]);
  });

  it('gives a workspace created before maxPendingPerUser existed one pending challenge per user, and changes it', () => {
    const { maxPendingPerUser: _pending, ...before } = DEFAULT_SETTINGS;
    const old: WorkspaceEvent = { type: 'WorkspaceCreated', data: { workspaceId: 'ws1', name: 'Acme', settings: before } };
    expect(foldEvents(workspaceDecider, [old])).toMatchObject({ settings: { maxPendingPerUser: 1 } });
    const actor = { kind: 'admin' as const, keyId: 'k1' };
    given([old])
      .when({ type: 'ChangeSettings', changes: { maxPendingPerUser: 3 }, actor })
      .then([
        {
          type: 'WorkspaceSettingsChanged',
          data: { workspaceId: 'ws1', settings: { ...DEFAULT_SETTINGS, maxPendingPerUser: 3 }, changed: ['maxPendingPerUser'], changedBy: actor },
        },
      ]);
  });

  it('revokes a key once; an unknown key is not found', () => {
    const issued: WorkspaceEvent = { type: 'ApiKeyIssued', data: { workspaceId: 'ws1', keyId: 'k1', role: 'platform', keyHash: 'b'.repeat(64) } };
    const revoked: WorkspaceEvent = { type: 'ApiKeyRevoked', data: { workspaceId: 'ws1', keyId: 'k1' } };
    given([created, issued]).when({ type: 'RevokeApiKey', keyId: 'k1' }).then([revoked]);
    given([created, issued, revoked]).when({ type: 'RevokeApiKey', keyId: 'k1' }).then([]);
    given([created]).when({ type: 'RevokeApiKey', keyId: 'k9' }).thenFails('not_found');
  });
});
