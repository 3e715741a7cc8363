import type { PoolClient } from 'pg';

const RATE_WINDOW_MS = 10 * 60_000;
const USER_LOCK_CLASS = 0x63686c67; // "chlg": keeps these advisory lock keys apart from other users'

export type AdmissionRefusal = { code: 'push_locked'; retryAfterSeconds: number } | { code: 'rate_limited'; retryAfterSeconds: number };

/**
 * The per-user checks of issuing, in API.md's order (push_locked, then rate_limited), run in the issuing transaction
 * after a per-user advisory lock: concurrent requests of one user are counted one after the other, never both let through.
 */
export async function admitIssue(
  client: PoolClient,
  schema: string,
  request: { workspaceId: string; userId: string; maxPerTenMinutes: number; now: Date },
): Promise<AdmissionRefusal | null> {
  const { workspaceId, userId, now } = request;
  await client.query('select pg_advisory_xact_lock($1, hashtext($2))', [USER_LOCK_CLASS, `${workspaceId}/${userId}`]);
  // The fraud lock and the recent count in one round trip: this runs while the user's lock is held.
  const { rows } = await client.query<{ locked_until: Date | null; issued: string; oldest: Date | null }>(
    `select (select locked_until from ${schema}.push_locks where workspace_id = $1 and user_id = $2 and locked_until > $3) as locked_until,
            count(*) as issued, min(created_at) as oldest
     from ${schema}.challenge_list where workspace_id = $1 and user_id = $2 and created_at > $4`,
    [workspaceId, userId, now, new Date(now.getTime() - RATE_WINDOW_MS)],
  );
  const { locked_until: lockedUntil, issued, oldest } = rows[0] ?? { locked_until: null, issued: '0', oldest: null };
  if (lockedUntil) return { code: 'push_locked', retryAfterSeconds: secondsUntil(lockedUntil.getTime(), now) };
  // Only issued challenges are in challenge_list, so refused requests never count.
  if (Number(issued) >= request.maxPerTenMinutes && oldest) {
    return { code: 'rate_limited', retryAfterSeconds: secondsUntil(oldest.getTime() + RATE_WINDOW_MS, now) };
  }
  return null;
}

function secondsUntil(atMs: number, now: Date): number {
  return Math.max(1, Math.ceil((atMs - now.getTime()) / 1000));
}
