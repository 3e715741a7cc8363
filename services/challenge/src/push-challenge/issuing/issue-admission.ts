import type { PoolClient, QueryResult } from 'pg';
import { preparedStatementSql } from '@pushmfa/postgres';
import { type ChallengeContext, DEFAULT_POOL_ID, DEFAULT_POOL_POLICY, DEFAULT_SETTINGS, type PoolPolicy, type WorkspaceSettings } from '@pushmfa/contracts';
import { userPushHistorySql } from '../../read-models/user-push-history.query';
import { registryViewSql } from '../../registry-view/registry-view.query';
import type { PushRefusal, UserPushGuard } from '../push-challenge.decider';
import type { TargetDevice } from '../push-challenge.events';

const RATE_WINDOW_MS = 10 * 60_000;
export const USER_LOCK_CLASS = 0x63686c67; // "chlg": keeps these advisory lock keys apart from other users'

export type AdmissionRefusal = PushRefusal;

export interface IssueAdmission {
  /** Null while the workspace's WorkspaceCreated has not arrived yet. */
  settings: WorkspaceSettings | null;
  /**
   * Why one more push to the user (an issue or a resend) is refused, in API.md's order: push_locked, then
   * rate_limited (the 10-minute budget, then the spacing between pushes); null when the user may be pushed.
   */
  refusal: AdmissionRefusal | null;
  /** The user's lock and wrong-number streak, for the decider. */
  guard: UserPushGuard;
  /** The user's active devices, oldest pairing first. */
  devices: TargetDevice[];
  /** The user's identity pool and its policy (the default pool's until the registry says otherwise). */
  pool: { poolId: string; policy: PoolPolicy };
  /** What the refusal was decided on (the pushes in the window), so a later push in the same batch can count. */
  history?: AdmissionRow;
  /** The user's pending challenges (not past their deadline), oldest first: what `maxPendingPerUser` counts. */
  pending: string[];
  /** What the `risk` number matching style judges on (number-matching.ts). */
  risk: RiskFacts;
}

/** The user's recent history as the `risk` number matching style reads it. */
export interface RiskFacts {
  /** The last denial, fraud report, refused-over-the-limit request and approval of the user's, as ISO times. */
  marks: Partial<Record<'denial' | 'fraud_report' | 'rate_limit' | 'approval', string>>;
  /** Among the IP addresses (lower case) and applications of the requests read for, those the user approved from. */
  knownIps: string[];
  knownApplications: string[];
  /** When the user's newest active device was paired; null without one. */
  newestPairingAt: Date | null;
}

export interface AdmissionRow {
  settings: Partial<WorkspaceSettings> | null;
  locked_until: Date | null;
  mismatches: number | null;
  pushed: string;
  oldest: Date | null;
  latest: Date | null;
  devices: TargetDevice[];
  pool: { poolId: string; policy: PoolPolicy | null } | null;
  pending: string[] | null;
  risk: Omit<RiskFacts, 'newestPairingAt'> | null;
  newest_pairing: Date | null;
}

/**
 * Everything a command about one user's pushes reads (issuing, resending, responding), in the command's transaction
 * after a per-user advisory lock, so concurrent requests of one user are decided one after the other, never both
 * let through: the rate limit, the spacing, and the push lock (a lock committed before this one was granted is
 * seen; one decided after waits for this transaction). The lock and the read go in one round trip (the simple
 * protocol: the read is a prepared statement of the connection, executed with its values as literals): each statement of the batch reads with a snapshot taken after the
 * previous one ran, so the read sees every push committed before the lock was granted. The workspace settings and
 * devices come from the registry view in the same read; each folder owns its tables and hands out the SQL that
 * reads them (userPushHistorySql, registryViewSql). Pushes are issued challenges and resends; refused
 * requests never count.
 */
export async function admitIssue(client: PoolClient, schema: string, request: AdmissionRequest): Promise<IssueAdmission> {
  const [admission] = await admitIssues(client, schema, [request]);
  return admission!;
}

export interface AdmissionRequest {
  workspaceId: string;
  userId: string;
  now: Date;
  /** An issue's sign-in context: its IP address and application are looked up among those the user approved from. */
  context?: ChallengeContext;
}

/**
 * `admitIssue` for many users at once (group commit): every user's lock, in one order shared by every transaction
 * (so two batches never wait on each other in a cycle), then every user's read, all in one round trip. Each read
 * runs after every lock of the batch is granted. Answers in the order of `requests`; a user named twice is locked
 * and read once, and both requests get the same admission (the caller accounts for the first one's push).
 */
export async function admitIssues(client: PoolClient, schema: string, requests: readonly AdmissionRequest[]): Promise<IssueAdmission[]> {
  if (requests.length === 0) return [];
  const byUser = new Map<string, AdmissionRequest>();
  const origins = new Map<string, { ipAddresses: Set<string>; applications: Set<string> }>();
  for (const request of requests) {
    const key = userLockKey(request);
    if (!byUser.has(key)) byUser.set(key, request);
    const seen = origins.get(key) ?? { ipAddresses: new Set<string>(), applications: new Set<string>() };
    origins.set(key, seen);
    const { ipAddress, application } = originOf(request.context);
    if (ipAddress !== undefined) seen.ipAddresses.add(ipAddress);
    if (application !== undefined) seen.applications.add(application);
  }
  const users = [...byUser.keys()].sort();
  const locks = users.map((key) => userLockSql(client, byUser.get(key)!));
  const reads = users.map((key) => admissionReadSql(client, schema, byUser.get(key)!, origins.get(key)!));
  const results = (await client.query(`${[...locks, ...reads].join(';\n')}`)) as unknown as QueryResult<AdmissionRow>[] | QueryResult<AdmissionRow>;
  const all = Array.isArray(results) ? results : [results];
  const admissions = new Map<string, IssueAdmission>();
  users.forEach((key, index) => {
    const row = all[locks.length + index]?.rows[0];
    if (!row) throw new Error('the admission read returned no row');
    admissions.set(key, admissionOf(row, byUser.get(key)!.now));
  });
  return requests.map((request) => admissions.get(userLockKey(request))!);
}

/** What a response decides on: the workspace's settings and the user's push guard, no push history. */
export type GuardAdmission = Pick<IssueAdmission, 'settings' | 'guard'>;

/**
 * What `admitIssue` reads for a command that pushes nothing (a response), as the statements to send: the same user
 * lock, then only the settings, the push lock and the wrong-number streak. The devices, the push history, the pending
 * list and the risk facts an issue needs are not read. The caller sends them in one message with its own read (the
 * challenge's stream, read under the lock) and gives the second statement's result to `guardAdmissionOf`.
 */
export function guardStatements(client: PoolClient, schema: string, request: { workspaceId: string; userId: string; now: Date }): string[] {
  return [userLockSql(client, request), ...guardReadsFor(client, schema, [request], request.now)];
}

/**
 * `guardStatements` for many users at once (group commit of responses), without waiting on any lock: each user's lock
 * is tried (`pg_try_advisory_xact_lock`), so a batch never waits for a user whose lock another transaction holds,
 * and never waits in a cycle; then each user's guard read, in the order of `users`. Whether `users[i]`'s lock was
 * granted is `lockGranted(results[i])`; its read is the result at `readsFrom + i`. What was read for a user whose
 * lock was not granted must not be decided on.
 */
export function triedGuardStatementsFor(
  client: PoolClient,
  schema: string,
  users: ReadonlyArray<{ workspaceId: string; userId: string }>,
  now: Date,
): { statements: string[]; readsFrom: number } {
  const tries = users.map((user) => preparedStatementSql(client, USER_TRY_LOCK_TEXT, [userLockKey(user)]));
  return { statements: [...tries, ...guardReadsFor(client, schema, users, now)], readsFrom: tries.length };
}

/** Whether a tried user lock (`triedGuardStatementsFor`) was granted. */
export function lockGranted(result: QueryResult | undefined): boolean {
  return (result?.rows[0] as { locked?: unknown } | undefined)?.locked === true;
}

function guardReadsFor(client: PoolClient, schema: string, users: ReadonlyArray<{ workspaceId: string; userId: string }>, now: Date): string[] {
  const read = readTextsOf(schema).guard;
  return users.map((user) => preparedStatementSql(client, read, [user.workspaceId, user.userId, now.toISOString()]));
}

/** The guard read's text: $1 workspace, $2 user, $3 now. */
function guardReadText(schema: string): string {
  const [workspaceId, userId] = ['$1::text', '$2::text'];
  const history = userPushHistorySql(schema, { workspaceId, userId }, 'null', '$3::timestamptz');
  return `select ${registryViewSql.settingsOf(schema, workspaceId)} as settings, ${history.lockedUntil} as locked_until, ${history.mismatches} as mismatches`;
}

/**
 * The texts of the admission and guard reads, built once per schema: prepared statements, one string each, so a
 * connection's lookup of its prepared name hashes it once, not on every request.
 */
const readTexts = new Map<string, { admission: string; guard: string }>();

function readTextsOf(schema: string): { admission: string; guard: string } {
  let texts = readTexts.get(schema);
  if (!texts) {
    texts = { admission: admissionReadText(schema), guard: guardReadText(schema) };
    readTexts.set(schema, texts);
  }
  return texts;
}

/** The admission of `guardStatements`' read (its second statement's result). */
export function guardAdmissionOf(read: QueryResult | undefined): GuardAdmission {
  const row = read?.rows[0] as GuardRow | undefined;
  if (!row) throw new Error('the guard read returned no row');
  return { settings: row.settings ? { ...DEFAULT_SETTINGS, ...row.settings } : null, guard: guardOf(row) };
}

type GuardRow = Pick<AdmissionRow, 'settings' | 'locked_until' | 'mismatches'>;

function guardOf(row: GuardRow): UserPushGuard {
  return { consecutiveMismatches: row.mismatches ?? 0, ...(row.locked_until ? { lockedUntil: row.locked_until.toISOString() } : {}) };
}

/** Takes a user's lock: $1 the user's key (the class is the same for every user). */
const USER_LOCK_TEXT = `select pg_advisory_xact_lock(${USER_LOCK_CLASS}, hashtext($1::text))`;
/** Takes a user's lock if no other transaction holds it, without waiting: `locked` says whether it did. */
const USER_TRY_LOCK_TEXT = `select pg_try_advisory_xact_lock(${USER_LOCK_CLASS}, hashtext($1::text)) as locked`;

/**
 * The statement that takes the user's lock (the one every command about the user's pushes takes), for `client`'s
 * transaction: a prepared statement of the connection (planned once, where the inlined call was planned every time),
 * so it must be sent as prepared statements are (`sendWithPrepares`).
 */
export function userLockSql(client: PoolClient, user: { workspaceId: string; userId: string }): string {
  return preparedStatementSql(client, USER_LOCK_TEXT, [userLockKey(user)]);
}

function userLockKey(request: { workspaceId: string; userId: string }): string {
  return `${request.workspaceId}/${request.userId}`;
}

/** A sign-in's origin as the approved origins record it: the IP address in lower case, the application as given. */
export function originOf(context: ChallengeContext | undefined): { ipAddress?: string; application?: string } {
  return {
    ...(context?.ipAddress ? { ipAddress: context.ipAddress.toLowerCase() } : {}),
    ...(context?.application ? { application: context.application } : {}),
  };
}

/** The admission read, a prepared statement of the connection (its text: `admissionReadText`). */
function admissionReadSql(
  client: PoolClient,
  schema: string,
  request: AdmissionRequest,
  origins: { ipAddresses: Set<string>; applications: Set<string> },
): string {
  const { now } = request;
  return preparedStatementSql(client, readTextsOf(schema).admission, [
    request.workspaceId,
    request.userId,
    new Date(now.getTime() - RATE_WINDOW_MS).toISOString(),
    now.toISOString(),
    [...origins.ipAddresses],
    [...origins.applications],
  ]);
}

/** The admission read's text, the same for every user: $1 workspace, $2 user, $3 window start, $4 now, $5 the request's IP addresses, $6 its applications. */
function admissionReadText(schema: string): string {
  const [workspaceId, userId] = ['$1::text', '$2::text'];
  const history = userPushHistorySql(schema, { workspaceId, userId }, '$3::timestamptz', '$4::timestamptz');
  return `with pushes as (${history.pushesSince})
     select ${registryViewSql.settingsOf(schema, workspaceId)} as settings,
            ${history.lockedUntil} as locked_until,
            ${history.mismatches} as mismatches, ${history.pending} as pending,
            count(*) as pushed, min(pushed_at) as oldest, max(pushed_at) as latest,
            ${registryViewSql.activeDevicesOf(schema, workspaceId, userId)} as devices,
            ${registryViewSql.poolOf(schema, workspaceId, userId)} as pool,
            ${history.risk({ ipAddresses: '$5::text[]', applications: '$6::text[]' })} as risk,
            ${registryViewSql.newestPairingOf(schema, workspaceId, userId)} as newest_pairing
     from pushes`;
}

function admissionOf(row: AdmissionRow, now: Date): IssueAdmission {
  const settings = row.settings ? { ...DEFAULT_SETTINGS, ...row.settings } : null;
  const guard = guardOf(row);
  // A pool the view does not hold (unchanged default, or not arrived yet) has the default pool's policy.
  const pool = { poolId: row.pool?.poolId ?? DEFAULT_POOL_ID, policy: row.pool?.policy ?? DEFAULT_POOL_POLICY };
  const risk: RiskFacts = { marks: {}, knownIps: [], knownApplications: [], ...row.risk, newestPairingAt: row.newest_pairing };
  return {
    settings,
    refusal: refusalOf(row, settings ?? DEFAULT_SETTINGS, now),
    guard,
    devices: row.devices,
    pool,
    history: row,
    pending: row.pending ?? [],
    risk,
  };
}

/**
 * The admission of one more push to the same user after `admission` let one through at `now` (a second request of
 * the user in the same group commit): the budget and the spacing count the push just decided.
 */
export function afterPush(admission: IssueAdmission, now: Date): IssueAdmission {
  const history = admission.history;
  if (!history) return admission;
  const next: AdmissionRow = {
    ...history,
    pushed: String(Number(history.pushed) + 1),
    oldest: history.oldest ?? now,
    latest: history.latest && history.latest > now ? history.latest : now,
  };
  const settings = admission.settings ?? DEFAULT_SETTINGS;
  return { ...admission, refusal: refusalOf(next, settings, now), history: next };
}

function refusalOf(row: AdmissionRow, settings: WorkspaceSettings, now: Date): AdmissionRefusal | null {
  if (row.locked_until) return { code: 'push_locked', retryAfterSeconds: secondsUntil(row.locked_until.getTime(), now) };
  if (Number(row.pushed) >= settings.maxChallengesPerUserPer10Min && row.oldest) {
    return { code: 'rate_limited', retryAfterSeconds: secondsUntil(row.oldest.getTime() + RATE_WINDOW_MS, now) };
  }
  const spacingMs = settings.minSecondsBetweenPushes * 1000;
  if (spacingMs > 0 && row.latest && now.getTime() - row.latest.getTime() < spacingMs) {
    return { code: 'rate_limited', retryAfterSeconds: secondsUntil(row.latest.getTime() + spacingMs, now) };
  }
  return null;
}

function secondsUntil(atMs: number, now: Date): number {
  return Math.max(1, Math.ceil((atMs - now.getTime()) / 1000));
}
