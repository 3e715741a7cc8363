import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import type { ContractEnvelope } from '@pushmfa/contracts';
import { PgInbox } from '@pushmfa/postgres';
import { createTestNamespace, preparedStatementPlans, type TestNamespace } from '@pushmfa/testing';
import { migrateDeliverySchema } from '../database/delivery-schema.migration';
import { applyChallengeEvents, lockViewsStatement, updateViewsSql } from './challenge-view.projection';
import type { ChallengeRow } from './challenge-views';

jest.setTimeout(60_000);

const SCHEMA = 'delivery';
let ns: TestNamespace;
let pool: Pool;
let inbox: PgInbox;

function envelope(type: string, data: Record<string, unknown>): ContractEnvelope {
  return {
    id: randomUUID(),
    type,
    version: 1,
    occurredAt: new Date().toISOString(),
    workspaceId: 'ws-1',
    streamId: `challenge-${String(data.challengeId)}`,
    correlationId: 'corr',
    data,
  } as unknown as ContractEnvelope;
}

const issued = (challengeId: string) =>
  envelope('ChallengeIssued', {
    challengeId,
    userId: 'alice',
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
    devices: [{ deviceId: 'phone', pushProvider: 'fcm' }],
    context: {},
  });
const approved = (challengeId: string) => envelope('ChallengeApproved', { challengeId, userId: 'alice', deviceId: 'phone' });

/** A batch as the dispatch consumer applies it: the row locks with BEGIN and the inbox record, the writes with COMMIT. */
function applyBatch(envelopes: ContractEnvelope[], meanwhile?: () => Promise<void>): Promise<ContractEnvelope[]> {
  return inbox.handleBatchOnce(
    'test',
    envelopes,
    (envelope) => envelope.id,
    async (client, fresh, prelude, deferred) => {
      await applyChallengeEvents(client, SCHEMA, fresh, { lockedRows: (prelude[0]?.rows ?? []) as ChallengeRow[], deferred });
      await meanwhile?.();
    },
    {
      prelude: (client) => {
        const lock = lockViewsStatement(client, SCHEMA, envelopes);
        return lock ? [lock] : [];
      },
    },
  );
}

async function statusOf(challengeId: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ status: string }>(`select status from ${SCHEMA}.challenges where challenge_id = $1`, [challengeId]);
  return rows[0]?.status;
}

beforeAll(async () => {
  ns = await createTestNamespace('delivery-challenge-views');
  pool = new Pool({ connectionString: ns.databaseUrl, max: 4 });
  await migrateDeliverySchema(pool, SCHEMA);
  inbox = new PgInbox(pool, SCHEMA);
});

afterAll(async () => {
  await pool?.end();
  await ns?.dispose();
});

describe('the challenge view of the dispatch batch', () => {
  it('applies a batch in two messages: the row locks with BEGIN and the inbox record, every write with COMMIT', async () => {
    const challengeId = randomUUID();
    const sent = jest.spyOn(Client.prototype, 'query');
    try {
      await applyBatch([issued(challengeId)]);
      await applyBatch([approved(challengeId)]);
      expect(sent).toHaveBeenCalledTimes(4);
    } finally {
      sent.mockRestore();
    }
    expect(await statusOf(challengeId)).toBe('approved');
  });

  it('fails a batch whole when another worker inserted the view meanwhile; applied again, it folds onto that row', async () => {
    const challengeId = randomUUID();
    const first = issued(challengeId);
    // A partition's former owner still finishing a batch after a rebalance: it inserts the view while this batch runs.
    await expect(applyBatch([first], async () => void (await applyBatch([issued(challengeId)])))).rejects.toMatchObject({ code: '23505' });
    const { rows } = await pool.query(`select 1 from ${SCHEMA}.processed_messages where message_id = $1`, [first.id]);
    expect(rows).toEqual([]);

    expect(await applyBatch([first, approved(challengeId)])).toHaveLength(2);
    expect(await statusOf(challengeId)).toBe('approved');
  });

  it("updates a batch's rows through the primary key, not by scanning a table of a few thousand rows", async () => {
    // A young deployment's table (and a benchmark's): 5,000 views, analysed.
    await pool.query(
      `insert into ${SCHEMA}.challenges (workspace_id, challenge_id, user_id, status, expires_at, target_devices, context)
       select 'ws-plan', gen_random_uuid()::text, 'u' || i, 'pending', now(), '[]', '{}' from generate_series(1, 5000) i`,
    );
    await pool.query(`analyze ${SCHEMA}.challenges`);
    const ids = [randomUUID(), randomUUID()];
    const rows = JSON.stringify(
      ids.map((id) => ({
        workspace_id: 'ws-plan',
        challenge_id: id,
        user_id: 'u',
        status: 'approved',
        expires_at: new Date(),
        target_devices: [],
        context: {},
      })),
    );
    // Both plans the server may run a prepared statement with: one for these values, and the generic one.
    const plans = await preparedStatementPlans(pool, updateViewsSql(SCHEMA), 'jsonb, text[], text[]', `'${rows}', '{ws-plan,ws-plan}', '{${ids.join(',')}}'`);
    for (const { mode, plan } of plans)
      expect({ mode, seqScan: plan.includes('"Seq Scan"'), primaryKey: plan.includes('"challenges_pkey"') }).toEqual({
        mode,
        seqScan: false,
        primaryKey: true,
      });
    expect(plans).toHaveLength(2);
  });
});
