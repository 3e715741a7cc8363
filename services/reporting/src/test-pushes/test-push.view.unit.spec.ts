import type { ContractEnvelope } from '@pushmfa/contracts';
import { mergeTestPushFacts, testPushFactOf } from './test-push.facts';
import { failureSummary, type TestPushRow, toTestPushView } from './test-push.view';

const envelope = (type: string, data: Record<string, unknown>, occurredAt = '2026-12-05T12:00:01.000Z') =>
  ({ id: 'e', type, version: 1, occurredAt, workspaceId: 'ws', streamId: 's', correlationId: 'c', data }) as ContractEnvelope;
const ids = { testPushId: 't1', userId: 'alice', deviceId: 'd1' };

describe('test push facts and view', () => {
  it("takes a test push's delivery events and leaves a challenge's alone", () => {
    expect(testPushFactOf(envelope('PushDispatched', { ...ids, provider: 'fcm', attempt: 1, providerMessageId: 'm', latencyMs: 1 }))).toMatchObject({
      test_push_id: 't1',
      delivered_at: '2026-12-05T12:00:01.000Z',
    });
    const challengePush = { challengeId: 'c1', userId: 'alice', deviceId: 'd1', provider: 'fcm', attempt: 1, providerMessageId: 'm', latencyMs: 1 };
    expect(testPushFactOf(envelope('PushDispatched', challengePush))).toBeNull();
    expect(testPushFactOf(envelope('DeviceRevoked', { ...ids, reason: 'revoked', revokedBy: { kind: 'admin' } }))).toBeNull();
  });

  it('merges facts keeping the first value known and the earliest times', () => {
    const requested = testPushFactOf(
      envelope('TestPushRequested', { ...ids, requestedBy: { kind: 'admin', keyId: 'k' }, requestedAt: '2026-12-05T12:00:00.000Z' }),
    )!;
    const late = testPushFactOf(
      envelope('PushDispatched', { ...ids, provider: 'fcm', attempt: 2, providerMessageId: 'm', latencyMs: 1 }, '2026-12-05T12:00:05.000Z'),
    )!;
    const early = testPushFactOf(
      envelope('PushDispatched', { ...ids, provider: 'fcm', attempt: 1, providerMessageId: 'm', latencyMs: 1 }, '2026-12-05T12:00:02.000Z'),
    )!;
    const merged = mergeTestPushFacts(mergeTestPushFacts(requested, late), early);
    expect(merged).toMatchObject({ requested_at: '2026-12-05T12:00:00.000Z', requested_by: { keyId: 'k' }, delivered_at: '2026-12-05T12:00:02.000Z' });
  });

  it('reads the furthest status and says whose problem a failure is', () => {
    const row: TestPushRow = {
      test_push_id: 't1',
      user_id: 'alice',
      device_id: 'd1',
      device_name: null,
      requested_at: new Date('2026-12-05T12:00:00.000Z'),
      requested_by: { keyId: 'k' },
      delivered_at: null,
      failed_at: new Date('2026-12-05T12:00:01.000Z'),
      failure_reason: 'Unregistered',
      token_rejected: true,
      received_at: null,
    };
    expect(toTestPushView(row)).toMatchObject({
      status: 'failed',
      failure: { reason: 'Unregistered', summary: expect.stringContaining('no longer knows this phone') },
    });
    expect(toTestPushView({ ...row, received_at: new Date('2026-12-05T12:00:03.000Z') })).toMatchObject({ status: 'received' });
    expect(toTestPushView({ ...row, received_at: new Date() }).failure).toBeUndefined();
    expect(failureSummary('provider_auth_error: bad key', false)).toContain('server problem');
    expect(failureSummary('timeout', false)).toContain('did not take');
    expect(failureSummary('device_revoked', false)).toContain('revoked');
  });
});
