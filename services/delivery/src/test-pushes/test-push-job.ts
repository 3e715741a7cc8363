import type { ContractEnvelope } from '@pushmfa/contracts';

/** An admin's test push to one device, as the sender carries it from try to try. */
export interface TestPushJob {
  workspaceId: string;
  testPushId: string;
  userId: string;
  deviceId: string;
  /** Epoch ms: no try starts after this, and providers drop the notification then. */
  expiresAtMs: number;
  /** 1-based; retries of transient failures add one (the `attempt` of its delivery events). */
  tryNumber: number;
  rateLimitRetried?: boolean;
  /** Device look-ups already made while the device was unknown. */
  deviceLookups: number;
  correlationId: string;
  /** Id of the TestPushRequested event. */
  causationId: string;
  traceparent?: string;
}

/** A test push is worth showing for a minute: a phone that gets it later says nothing useful about now. */
export const TEST_PUSH_TTL_MS = 60_000;

/** The first try of the test push a TestPushRequested asks for; null for any other event. */
export function testPushJobOf(envelope: ContractEnvelope, traceparent: string | undefined): TestPushJob | null {
  if (envelope.type !== 'TestPushRequested') return null;
  const { testPushId, userId, deviceId, requestedAt } = envelope.data;
  const expiresAtMs = Date.parse(requestedAt) + TEST_PUSH_TTL_MS;
  const { workspaceId, correlationId, id: causationId } = envelope;
  return {
    workspaceId,
    testPushId,
    userId,
    deviceId,
    expiresAtMs,
    tryNumber: 1,
    deviceLookups: 0,
    correlationId,
    causationId,
    ...(traceparent ? { traceparent } : {}),
  };
}
