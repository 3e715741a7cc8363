/** A test push as the admin reads it. */
export interface TestPushView {
  testPushId: string;
  userId: string;
  deviceId: string;
  deviceName?: string;
  requestedAt?: string;
  requestedBy?: { keyId?: string };
  /** received > delivered > failed > requested: the furthest the push got. */
  status: 'requested' | 'delivered' | 'failed' | 'received';
  deliveredAt?: string;
  receivedAt?: string;
  failure?: { reason: string; summary: string };
}

export interface TestPushRow {
  test_push_id: string;
  user_id: string;
  device_id: string;
  device_name: string | null;
  requested_at: Date | null;
  requested_by: { keyId?: string } | null;
  delivered_at: Date | null;
  failed_at: Date | null;
  failure_reason: string | null;
  token_rejected: boolean;
  received_at: Date | null;
}

/** Why the push did not reach the phone, in the help desk's words: is it the phone or the server? */
export function failureSummary(reason: string, tokenRejected: boolean): string {
  if (reason === 'device_revoked') return 'the device was revoked before the push went out';
  if (tokenRejected || reason === 'push_token_invalid') {
    return 'the push service no longer knows this phone (app removed or reinstalled): open the app so it registers again';
  }
  if (/^provider_|^rejected:/.test(reason)) return 'our connection to the push service failed: a server problem, not the phone';
  return 'the push service did not take the notification after several tries: try again in a minute';
}

export function toTestPushView(row: TestPushRow): TestPushView {
  const status = row.received_at ? 'received' : row.delivered_at ? 'delivered' : row.failed_at ? 'failed' : 'requested';
  return {
    testPushId: row.test_push_id,
    userId: row.user_id,
    deviceId: row.device_id,
    ...(row.device_name ? { deviceName: row.device_name } : {}),
    ...(row.requested_at ? { requestedAt: row.requested_at.toISOString() } : {}),
    ...(row.requested_by ? { requestedBy: row.requested_by } : {}),
    status,
    ...(row.delivered_at ? { deliveredAt: row.delivered_at.toISOString() } : {}),
    ...(row.received_at ? { receivedAt: row.received_at.toISOString() } : {}),
    ...(status === 'failed' && row.failure_reason
      ? { failure: { reason: row.failure_reason, summary: failureSummary(row.failure_reason, row.token_rejected) } }
      : {}),
  };
}
