import type { PoolClient } from 'pg';
import { preparedStatementSql } from '@pushmfa/postgres';
import type { ContractEnvelope, EventType } from '@pushmfa/contracts';
import type { ChallengeView, ChallengeViewStatus } from './challenge-view';
import { type ChallengeRow, toChallengeView } from './challenge-views';

const RESOLVED_STATUS = {
  ChallengeApproved: 'approved',
  ChallengeDenied: 'denied',
  ChallengeExpired: 'expired',
  ChallengeCancelled: 'cancelled',
} as const satisfies Partial<Record<EventType, ChallengeViewStatus>>;

/** The events that change a challenge's view. */
type ViewEvent = ContractEnvelope<'ChallengeIssued' | 'ChallengeResendRequested' | keyof typeof RESOLVED_STATUS>;

const isResolution = (envelope: ContractEnvelope): envelope is ContractEnvelope<keyof typeof RESOLVED_STATUS> => Object.hasOwn(RESOLVED_STATUS, envelope.type);
const isViewEvent = (envelope: ContractEnvelope): envelope is ViewEvent =>
  envelope.type === 'ChallengeIssued' || envelope.type === 'ChallengeResendRequested' || isResolution(envelope);

type ViewKey = string;

function viewKey(workspaceId: string, challengeId: string): ViewKey {
  return JSON.stringify([workspaceId, challengeId]);
}

export interface ApplyOptions {
  /** The rows `lockViewsStatement` answered, when the caller sent it ahead (in its transaction's first message). */
  lockedRows?: readonly ChallengeRow[];
  /** Where the updates go when their results are not needed at once (kept for the commit). */
  deferred?: PoolClient;
}

/**
 * Applies a batch of challenge events (offset order) to `<schema>.challenges` inside the caller's (inbox)
 * transaction, set-based: one statement locks the rows the batch touches (or the caller sent `lockViewsStatement`
 * ahead and passes its rows), the events are folded in memory with the rules of `evolveView`, one statement inserts
 * the new rows and one updates the rows that changed (on `deferred` when given: they travel with the commit, so a batch
 * is two round trips, the lock and the commit). Returns, per event, the challenge's view right after that event (what
 * a push plan reads), null when it has none.
 *
 * A challenge's events share its partition (keyed by challenge id), so no other transaction inserts a row this one
 * found missing, unless a partition's former owner is still finishing a batch after a rebalance: then the insert fails
 * with a unique violation, and with it the whole transaction (nothing of the batch is kept, its inbox record neither);
 * the consumer retries the records, which then find the row locked and fold their events from what it holds.
 */
export async function applyChallengeEvents(
  client: PoolClient,
  schema: string,
  envelopes: readonly ContractEnvelope[],
  options: ApplyOptions = {},
): Promise<Array<ChallengeView | null>> {
  const keys = viewKeysOf(envelopes);
  const locked = options.lockedRows ? viewsOf(options.lockedRows) : await lockViews(client, schema, keys);
  const state = new Map<ViewKey, ChallengeView | null>(keys.map((key) => [key, locked.get(key) ?? null]));
  const after = foldEvents(state, envelopes);
  const writes = options.deferred ?? client;
  await insertViews(
    writes,
    schema,
    keys.filter((key) => !locked.has(key) && state.get(key)).map((key) => state.get(key)!),
  );
  await updateViews(
    writes,
    schema,
    keys.filter((key) => locked.has(key) && state.get(key) !== locked.get(key)).map((key) => state.get(key)!),
  );
  return after;
}

/**
 * The statement that locks the view rows of the challenges `envelopes` are about, as SQL for the first message of a
 * transaction on `client` (a prepared statement of the connection: its sender takes the unsent PREPAREs); undefined
 * when none is about a challenge's view. Its rows go to `applyChallengeEvents` as `lockedRows`.
 */
export function lockViewsStatement(client: PoolClient, schema: string, envelopes: readonly ContractEnvelope[]): string | undefined {
  const keys = viewKeysOf(envelopes);
  if (keys.length === 0) return undefined;
  return preparedStatementSql(client, lockViewsSql(schema), lockViewsParameters(keys));
}

/** The views of a batch's challenges, sorted: every transaction locks them in the same order. */
function viewKeysOf(envelopes: readonly ContractEnvelope[]): ViewKey[] {
  return [...new Set(envelopes.filter(isViewEvent).map((envelope) => viewKey(envelope.workspaceId, envelope.data.challengeId)))].sort();
}

/**
 * Folds `envelopes` into `state` (changed views are replaced, never mutated); returns the view after each event, null
 * for an event that is not about a challenge's view.
 */
function foldEvents(state: Map<ViewKey, ChallengeView | null>, envelopes: readonly ContractEnvelope[]): Array<ChallengeView | null> {
  return envelopes.map((envelope) => {
    if (!isViewEvent(envelope)) return null;
    const key = viewKey(envelope.workspaceId, envelope.data.challengeId);
    const next = evolveView(state.get(key) ?? null, envelope);
    state.set(key, next);
    return next;
  });
}

/** A resolution is final: a late `ChallengeIssued` or resend never makes a resolved challenge pending again. */
function evolveView(view: ChallengeView | null, envelope: ViewEvent): ChallengeView | null {
  if (envelope.type === 'ChallengeIssued') {
    const d = envelope.data;
    const targetDevices = d.devices.map((device) => ({ deviceId: device.deviceId, pushProvider: device.pushProvider }));
    const numberChoices = d.numberChoices ? { numberChoices: d.numberChoices } : {};
    if (view) return { ...view, targetDevices, context: d.context, ...numberChoices };
    return {
      workspaceId: envelope.workspaceId,
      challengeId: d.challengeId,
      userId: d.userId,
      status: 'pending',
      expiresAtMs: Date.parse(d.expiresAt),
      targetDevices,
      context: d.context,
      ...numberChoices,
    };
  }
  if (envelope.type === 'ChallengeResendRequested') {
    const d = envelope.data;
    return view && view.status === 'pending' ? { ...view, expiresAtMs: Date.parse(d.expiresAt) } : view;
  }
  const resolved = RESOLVED_STATUS[envelope.type];
  const d = envelope.data;
  // A resolution that overtakes its ChallengeIssued still blocks the push that follows.
  if (!view)
    return {
      workspaceId: envelope.workspaceId,
      challengeId: d.challengeId,
      userId: d.userId,
      status: resolved,
      expiresAtMs: Date.now(),
      targetDevices: [],
      context: {},
    };
  return view.status === 'pending' ? { ...view, status: resolved } : view;
}

function lockViewsSql(schema: string): string {
  return `select c.workspace_id, c.challenge_id, c.user_id, c.status, c.expires_at, c.target_devices, c.context, c.number_choices
       from ${schema}.challenges c
       join unnest($1::text[], $2::text[]) with ordinality as k(workspace_id, challenge_id, n)
         on c.workspace_id = k.workspace_id and c.challenge_id = k.challenge_id
      order by k.n for update of c`;
}

function lockViewsParameters(keys: readonly ViewKey[]): [string[], string[]] {
  const refs = keys.map((key) => JSON.parse(key) as [string, string]);
  return [refs.map((ref) => ref[0]), refs.map((ref) => ref[1])];
}

function viewsOf(rows: readonly ChallengeRow[]): Map<ViewKey, ChallengeView> {
  return new Map(rows.map((row) => [viewKey(row.workspace_id, row.challenge_id), toChallengeView(row)]));
}

async function lockViews(client: PoolClient, schema: string, keys: readonly ViewKey[]): Promise<Map<ViewKey, ChallengeView>> {
  const { rows } = await client.query<ChallengeRow>(lockViewsSql(schema), lockViewsParameters(keys));
  return viewsOf(rows);
}

const VIEW_RECORD = `jsonb_to_recordset($1::jsonb) as r(workspace_id text, challenge_id text, user_id text, status text, expires_at timestamptz, target_devices jsonb, context jsonb, number_choices jsonb)`;

function rowsParameter(views: readonly ChallengeView[]): string {
  return JSON.stringify(
    views.map((view) => ({
      workspace_id: view.workspaceId,
      challenge_id: view.challengeId,
      user_id: view.userId,
      status: view.status,
      expires_at: new Date(view.expiresAtMs).toISOString(),
      target_devices: view.targetDevices,
      context: view.context,
      number_choices: view.numberChoices ?? null,
    })),
  );
}

/** Inserts views of challenges not seen before; a row inserted meanwhile fails it (a unique violation). */
async function insertViews(client: PoolClient, schema: string, views: readonly ChallengeView[]): Promise<void> {
  if (views.length === 0) return;
  await client.query(
    `insert into ${schema}.challenges (workspace_id, challenge_id, user_id, status, expires_at, target_devices, context, number_choices)
     select r.workspace_id, r.challenge_id, r.user_id, r.status, r.expires_at, r.target_devices, r.context, r.number_choices from ${VIEW_RECORD}`,
    [rowsParameter(views)],
  );
}

/**
 * Updates the rows of a batch's views through the primary key: the keys come as arrays (`unnest`, which the planner
 * counts as the few rows they are) and each key's columns as the element of the JSON array at its position. Joined
 * with `jsonb_to_recordset` (which the planner counts as 100 rows) the update hashed them and scanned the whole table
 * while it held fewer than some 30,000 rows: a young deployment's table, and every benchmark's, at every event.
 * Parameters: $1 the rows (rowsParameter), $2 and $3 their workspace and challenge ids, in the same order.
 */
export function updateViewsSql(schema: string): string {
  return `update ${schema}.challenges c
        set user_id = r.user_id, status = r.status, expires_at = r.expires_at, target_devices = r.target_devices,
            context = r.context, number_choices = r.number_choices, updated_at = now()
       from unnest($2::text[], $3::text[]) with ordinality as k(workspace_id, challenge_id, n)
      cross join lateral jsonb_to_record($1::jsonb -> (k.n::int - 1))
            as r(user_id text, status text, expires_at timestamptz, target_devices jsonb, context jsonb, number_choices jsonb)
      where c.workspace_id = k.workspace_id and c.challenge_id = k.challenge_id`;
}

async function updateViews(client: PoolClient, schema: string, views: readonly ChallengeView[]): Promise<void> {
  if (views.length === 0) return;
  await client.query(updateViewsSql(schema), [rowsParameter(views), views.map((view) => view.workspaceId), views.map((view) => view.challengeId)]);
}
