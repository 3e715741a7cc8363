import type { ContractEnvelope } from '@pushmfa/contracts';
import type { PgInbox } from '@pushmfa/postgres';
import { TEST_PUSH_TABLE } from '../database/test-push-table';
import { mergeTestPushFacts, type TestPushFact, testPushFactOf } from '../test-pushes/test-push.facts';

export const TEST_PUSH_CONSUMER = 'reporting.test-pushes';

/**
 * Projects admins' test pushes from the registry topic (requested, received) and the delivery topic (dispatched,
 * failed, rejected): a fetched batch once (PgInbox), its facts merged per test push in memory and upserted in one
 * statement. Events of one test push may arrive in any order (two topics): each column keeps the first value known.
 */
export class TestPushProjection {
  constructor(
    private readonly inbox: PgInbox,
    private readonly schema: string,
  ) {}

  async applyBatch(envelopes: readonly ContractEnvelope[]): Promise<void> {
    // A challenge's push events share the types: only a test push's get an inbox mark.
    const ofTestPushes = envelopes.filter((envelope) => testPushFactOf(envelope) !== null);
    await this.inbox.handleBatchOnce(
      TEST_PUSH_CONSUMER,
      ofTestPushes,
      (envelope) => envelope.id,
      async (client, fresh) => {
        const byTestPush = new Map<string, TestPushFact>();
        for (const envelope of fresh) {
          const fact = testPushFactOf(envelope);
          if (!fact) continue;
          const key = `${fact.workspace_id}\n${fact.test_push_id}`;
          const known = byTestPush.get(key);
          byTestPush.set(key, known ? mergeTestPushFacts(known, fact) : fact);
        }
        if (byTestPush.size === 0) return;
        const t = `${this.schema}.${TEST_PUSH_TABLE}`;
        await client.query(
          `insert into ${t} (workspace_id, test_push_id, user_id, device_id, requested_at, requested_by, delivered_at, failed_at, failure_reason, token_rejected, received_at)
           select f.workspace_id, f.test_push_id, f.user_id, f.device_id, f.requested_at, f.requested_by, f.delivered_at, f.failed_at, f.failure_reason, f.token_rejected, f.received_at
             from jsonb_to_recordset($1::jsonb) as f(workspace_id text, test_push_id text, user_id text, device_id text, requested_at timestamptz,
               requested_by jsonb, delivered_at timestamptz, failed_at timestamptz, failure_reason text, token_rejected boolean, received_at timestamptz)
            order by f.workspace_id, f.test_push_id
           on conflict (workspace_id, test_push_id) do update set
             requested_at = coalesce(${TEST_PUSH_TABLE}.requested_at, excluded.requested_at),
             requested_by = coalesce(${TEST_PUSH_TABLE}.requested_by, excluded.requested_by),
             delivered_at = least(${TEST_PUSH_TABLE}.delivered_at, excluded.delivered_at),
             failed_at = coalesce(${TEST_PUSH_TABLE}.failed_at, excluded.failed_at),
             failure_reason = coalesce(${TEST_PUSH_TABLE}.failure_reason, excluded.failure_reason),
             token_rejected = ${TEST_PUSH_TABLE}.token_rejected or excluded.token_rejected,
             received_at = least(${TEST_PUSH_TABLE}.received_at, excluded.received_at)`,
          [JSON.stringify([...byTestPush.values()])],
        );
      },
    );
  }
}
