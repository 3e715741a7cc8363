/**
 * Type-level checks of the envelope union: `npx tsc -p tsconfig.json --noEmit` (and so `npm test`) fails when
 * `switch (envelope.type)` stops narrowing `data`. The `@ts-expect-error` lines fail the type check when the error
 * they expect goes away; the runtime assertions only keep jest honest.
 */
import { randomUUID } from 'node:crypto';
import { buildEnvelope, type ContractEnvelope, type ContractEvent, type EventData, type EventType } from './event-catalog';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T | undefined => undefined;

/** Exhaustive over the catalogue: a new event type in EVENT_SCHEMAS makes `unhandled` fail to compile here. */
function describeEnvelope(envelope: ContractEnvelope): string {
  switch (envelope.type) {
    case 'ChallengeIssued':
      assertType<Equal<typeof envelope.data, EventData<'ChallengeIssued'>>>();
      return `${envelope.data.devices.length} devices`;
    case 'ChallengeResendRequested':
      return `attempt ${envelope.data.attempt}`;
    case 'DevicePaired':
      // @ts-expect-error a DevicePaired has no target devices: narrowing keeps ChallengeIssued's fields out
      void envelope.data.devices;
      return envelope.data.pushToken.length > 0 ? 'paired' : 'no token';
    case 'WorkspaceCreated':
    case 'WorkspaceSettingsChanged':
      // Both carry settings: a case of two types narrows to their union.
      return envelope.data.settings ? envelope.data.workspaceId : '';
    case 'ChallengeReceived':
    case 'ChallengeApproved':
    case 'ChallengeDenied':
    case 'ChallengeExpired':
    case 'ChallengeCancelled':
    case 'FraudReported':
    case 'PushLocked':
      return envelope.data.challengeId;
    case 'PushDispatched':
    case 'PushAttemptFailed':
    case 'PushFailed':
    case 'PushRejected':
      return envelope.data.challengeId ?? envelope.data.testPushId ?? '';
    case 'PushUnlocked':
      return envelope.data.challengeId ?? envelope.data.userId;
    case 'DiagnosticsShared':
      return envelope.data.incidentId;
    case 'ApiKeyIssued':
    case 'ApiKeyRevoked':
    case 'PairingStarted':
    case 'DeviceRegistered':
    case 'PairingFailed':
    case 'PushTokenRotated':
    case 'PushTokenInvalidated':
    case 'DeviceRevoked':
    case 'DeviceHealthReported':
    case 'TestPushRequested':
    case 'TestPushReceived':
    case 'UserMfaReset':
    case 'PoolCreated':
    case 'PoolChanged':
    case 'PoolDeleted':
    case 'UserPoolAssigned':
    case 'PushLockLifted':
      return envelope.type;
    default: {
      const unhandled: never = envelope;
      return unhandled;
    }
  }
}

describe('contract envelope types', () => {
  it('narrow data on type, for envelopes and for bare events', () => {
    assertType<Equal<ContractEnvelope<'PushFailed'>['data'], EventData<'PushFailed'>>>();
    assertType<Equal<ContractEnvelope['type'], EventType>>();
    assertType<Equal<Extract<ContractEvent, { type: 'ApiKeyRevoked' }>['data'], EventData<'ApiKeyRevoked'>>>();
    // @ts-expect-error the data of one type does not pass for another's
    const mismatched: ContractEvent = { type: 'ApiKeyRevoked', data: { challengeId: 'c1', userId: 'alice', resolvedAt: '2026-11-22T10:00:00.000Z' } };
    void mismatched;

    const issued = buildEnvelope({
      id: randomUUID(),
      type: 'ChallengeIssued',
      occurredAt: '2026-11-22T10:00:00.000Z',
      workspaceId: 'ws1',
      streamId: 'challenge-c1',
      correlationId: 'corr-1',
      data: {
        challengeId: 'c1',
        userId: 'alice',
        createdAt: '2026-11-22T10:00:00.000Z',
        expiresAt: '2026-11-22T10:01:00.000Z',
        numberMatchRequired: false,
        context: {},
        devices: [],
      },
    });
    assertType<Equal<typeof issued, ContractEnvelope<'ChallengeIssued'>>>();
    expect(describeEnvelope(issued)).toBe('0 devices');
  });
});
