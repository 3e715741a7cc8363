import type { PoolClient, QueryResult } from 'pg';
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '@pushmfa/contracts';
import type { TargetDevice } from '../push-challenge.events';

const RATE_WINDOW_MS = 10 * 60_000;
const USER_LOCK_CLASS = 0x63686c67; // "chlg": keeps these advisory lock keys apart from other users'

export type AdmissionRefusal = { code: 'push_locked'; retryAfterSeconds: number } | { code: 'rate_limited'; retryAfterSeconds: number };

export interface IssueAdmission {
  /** Null while the workspace's WorkspaceCreated has not arrived yet. */
  settings: WorkspaceSettings | null;
  /** The per-user refusal in API.md's order (push_locked, then rate_limited); null when the user may be pushed. */
  refusal: AdmissionRefusal | null;
  /** The user's active devices, oldest pairing first. */
  devices: TargetDevice[];
}

interface AdmissionRow {
  settings: Partial<WorkspaceSettings> | null;
  locked_until: Date | null;
  issued: string;
  oldest: Date | null;
  devices: TargetDevice[];
}

/**
 * Everything issuing reads, in the issuing transaction after a per-user advisory lock, so concurrent requests of
 * one user are counted one after the other, never both let through. The lock and the read go in one round trip
 * (the simple protocol, so values are escaped literals): each statement of the batch reads with a snapshot taken
 * after the previous one ran, so the read sees every challenge committed before the lock was granted. The
 * workspace settings and devices come from the registry view's tables in the same read.
 */
export async function admitIssue(client: PoolClient, schema: string, request: { workspaceId: string; userId: string; now: Date }): Promise<IssueAdmission> {
  const { now } = request;
  const workspaceId = client.escapeLiteral(request.workspaceId);
  const userId = client.escapeLiteral(request.userId);
  const results = (await client.query(
    `select pg_advisory_xact_lock(${USER_LOCK_CLASS}, hashtext(${client.escapeLiteral(`${request.workspaceId}/${request.userId}`)}));
     select (select settings from ${schema}.workspaces where workspace_id = ${workspaceId}) as settings,
            (select locked_until from ${schema}.push_locks where workspace_id = ${workspaceId} and user_id = ${userId}
              and locked_until > '${now.toISOString()}'::timestamptz) as locked_until,
            count(*) as issued, min(created_at) as oldest,
            (select coalesce(json_agg(json_build_object('deviceId', device_id, 'pushProvider', push_provider, 'platform', platform) order by paired_at), '[]')
             from ${schema}.devices where workspace_id = ${workspaceId} and user_id = ${userId} and status = 'active') as devices
     from ${schema}.challenge_list
     where workspace_id = ${workspaceId} and user_id = ${userId} and created_at > '${new Date(now.getTime() - RATE_WINDOW_MS).toISOString()}'::timestamptz`,
  )) as unknown as [QueryResult, QueryResult<AdmissionRow>];
  const row = results[1].rows[0];
  if (!row) throw new Error('the admission read returned no row');
  const settings = row.settings ? { ...DEFAULT_SETTINGS, ...row.settings } : null;
  return { settings, refusal: refusalOf(row, settings, now), devices: row.devices };
}

function refusalOf(row: AdmissionRow, settings: WorkspaceSettings | null, now: Date): AdmissionRefusal | null {
  if (row.locked_until) return { code: 'push_locked', retryAfterSeconds: secondsUntil(row.locked_until.getTime(), now) };
  // Only issued challenges are in challenge_list, so refused requests never count.
  const maxPerTenMinutes = (settings ?? DEFAULT_SETTINGS).maxChallengesPerUserPer10Min;
  if (Number(row.issued) >= maxPerTenMinutes && row.oldest) {
    return { code: 'rate_limited', retryAfterSeconds: secondsUntil(row.oldest.getTime() + RATE_WINDOW_MS, now) };
  }
  return null;
}

function secondsUntil(atMs: number, now: Date): number {
  return Math.max(1, Math.ceil((atMs - now.getTime()) / 1000));
}
