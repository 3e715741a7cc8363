import type { ContractEnvelope } from '@pushmfa/contracts';

/** What one event says about a test push: the columns of its row it sets (null: says nothing). */
export interface TestPushFact {
  workspace_id: string;
  test_push_id: string;
  user_id: string;
  device_id: string;
  requested_at: string | null;
  requested_by: { keyId?: string } | null;
  delivered_at: string | null;
  failed_at: string | null;
  failure_reason: string | null;
  /** PushRejected: the provider said the token is dead. */
  token_rejected: boolean;
  received_at: string | null;
}

export const TEST_PUSH_EVENT_TYPES = ['TestPushRequested', 'TestPushReceived', 'PushDispatched', 'PushFailed', 'PushRejected'] as const;

/** The fact an event records about a test push, or null when it is not about one (a challenge's push). Pure. */
export function testPushFactOf(envelope: ContractEnvelope): TestPushFact | null {
  const none = { requested_at: null, requested_by: null, delivered_at: null, failed_at: null, failure_reason: null, token_rejected: false, received_at: null };
  const row = (testPushId: string, userId: string, deviceId: string) => ({
    workspace_id: envelope.workspaceId,
    test_push_id: testPushId,
    user_id: userId,
    device_id: deviceId,
    ...none,
  });
  switch (envelope.type) {
    case 'TestPushRequested': {
      const { testPushId, userId, deviceId, requestedBy, requestedAt } = envelope.data;
      return { ...row(testPushId, userId, deviceId), requested_at: requestedAt, requested_by: requestedBy.keyId ? { keyId: requestedBy.keyId } : {} };
    }
    case 'TestPushReceived': {
      const { testPushId, userId, deviceId, receivedAt } = envelope.data;
      return { ...row(testPushId, userId, deviceId), received_at: receivedAt };
    }
    case 'PushDispatched':
    case 'PushFailed':
    case 'PushRejected': {
      const { testPushId, userId, deviceId } = envelope.data;
      if (testPushId === undefined) return null;
      if (envelope.type === 'PushDispatched') return { ...row(testPushId, userId, deviceId), delivered_at: envelope.occurredAt };
      const tokenRejected = envelope.type === 'PushRejected';
      return { ...row(testPushId, userId, deviceId), failed_at: envelope.occurredAt, failure_reason: envelope.data.reason, token_rejected: tokenRejected };
    }
    default:
      return null;
  }
}

/** Two facts of one test push as one: each column keeps the first value known (the earliest time). */
export function mergeTestPushFacts(a: TestPushFact, b: TestPushFact): TestPushFact {
  const earliest = (x: string | null, y: string | null) => (x === null ? y : y === null ? x : x <= y ? x : y);
  return {
    ...a,
    requested_at: a.requested_at ?? b.requested_at,
    requested_by: a.requested_by ?? b.requested_by,
    delivered_at: earliest(a.delivered_at, b.delivered_at),
    failed_at: a.failed_at ?? b.failed_at,
    failure_reason: a.failure_reason ?? b.failure_reason,
    token_rejected: a.token_rejected || b.token_rejected,
    received_at: earliest(a.received_at, b.received_at),
  };
}
