import type { PoolClient, QueryResult } from 'pg';
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '@pushmfa/contracts';
import type { PushRefusal, UserPushGuard } from '../push-challenge.decider';
import type { TargetDevice } from '../push-challenge.events';

const RATE_WINDOW_MS = 10 * 60_000;
const USER_LOCK_CLASS = 0x63686c67; // "chlg": keeps these advisory lock keys apart from other users'

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
}

interface AdmissionRow {
  settings: Partial<WorkspaceSettings> | null;
  locked_until: Date | null;
  mismatches: number | null;
  pushed: string;
  oldest: Date | null;
  latest: Date | null;
  devices: TargetDevice[];
}

/**
 * Everything a command about one user's pushes reads (issuing, resending, responding), in the command's transaction
 * after a per-user advisory lock, so concurrent requests of one user are decided one after the other, never both
 * let through: the rate limit, the spacing, and the push lock (a lock committed before this one was granted is
 * seen; one decided after waits for this transaction). The lock and the read go in one round trip (the simple
 * protocol, so values are escaped literals): each statement of the batch reads with a snapshot taken after the
 * previous one ran, so the read sees every push committed before the lock was granted. The workspace settings and
 * devices come from the registry view's tables in the same read. Pushes are issued challenges and resends; refused
 * requests never count.
 */
export async function admitIssue(client: PoolClient, schema: string, request: { workspaceId: string; userId: string; now: Date }): Promise<IssueAdmission> {
  const { now } = request;
  const workspaceId = client.escapeLiteral(request.workspaceId);
  const userId = client.escapeLiteral(request.userId);
  const windowStart = `'${new Date(now.getTime() - RATE_WINDOW_MS).toISOString()}'::timestamptz`;
  const results = (await client.query(
    `select pg_advisory_xact_lock(${USER_LOCK_CLASS}, hashtext(${client.escapeLiteral(`${request.workspaceId}/${request.userId}`)}));
     with pushes as (
       select created_at as pushed_at from ${schema}.challenge_list
       where workspace_id = ${workspaceId} and user_id = ${userId} and created_at > ${windowStart}
       union all
       select requested_at from ${schema}.challenge_resends
       where workspace_id = ${workspaceId} and user_id = ${userId} and requested_at > ${windowStart}
     )
     select (select settings from ${schema}.workspaces where workspace_id = ${workspaceId}) as settings,
            (select locked_until from ${schema}.push_locks where workspace_id = ${workspaceId} and user_id = ${userId}
              and locked_until > '${now.toISOString()}'::timestamptz) as locked_until,
            (select mismatches from ${schema}.number_mismatch_streaks where workspace_id = ${workspaceId} and user_id = ${userId}) as mismatches,
            count(*) as pushed, min(pushed_at) as oldest, max(pushed_at) as latest,
            (select coalesce(json_agg(json_build_object('deviceId', device_id, 'pushProvider', push_provider, 'platform', platform) order by paired_at), '[]')
             from ${schema}.devices where workspace_id = ${workspaceId} and user_id = ${userId} and status = 'active') as devices
     from pushes`,
  )) as unknown as [QueryResult, QueryResult<AdmissionRow>];
  const row = results[1].rows[0];
  if (!row) throw new Error('the admission read returned no row');
  const settings = row.settings ? { ...DEFAULT_SETTINGS, ...row.settings } : null;
  const guard: UserPushGuard = { consecutiveMismatches: row.mismatches ?? 0, ...(row.locked_until ? { lockedUntil: row.locked_until.toISOString() } : {}) };
  return { settings, refusal: refusalOf(row, settings ?? DEFAULT_SETTINGS, now), guard, devices: row.devices };
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
