/**
 * What the challenge read models know of one user's pushes, as SQL for a caller that reads it in a statement of its
 * own (the push admission batches it with the user's lock in one round trip). The tables are this folder's
 * (ChallengeProjection); no other folder names them. Values arrive as escaped literals (`client.escapeLiteral`).
 */
export interface UserPushHistorySql {
  /** Rows `(pushed_at)`: issued challenges and resends since the window's start. */
  pushesSince: string;
  /** Scalar: the user's push lock when it lasts past `now`, else null. */
  lockedUntil: string;
  /** Scalar: the user's wrong numbers in a row, null when there are none. */
  mismatches: string;
  /** Scalar: a jsonb array of the user's pending challenges (not past their deadline), oldest first. */
  pending: string;
}

export function userPushHistorySql(schema: string, user: { workspaceId: string; userId: string }, windowStart: string, now: string): UserPushHistorySql {
  const { workspaceId, userId } = user;
  return {
    pushesSince: `select created_at as pushed_at from ${schema}.challenge_list
       where workspace_id = ${workspaceId} and user_id = ${userId} and created_at > ${windowStart}
       union all
       select requested_at from ${schema}.challenge_resends
       where workspace_id = ${workspaceId} and user_id = ${userId} and requested_at > ${windowStart}`,
    lockedUntil: `(select locked_until from ${schema}.push_locks where workspace_id = ${workspaceId} and user_id = ${userId}
              and locked_until > ${now})`,
    mismatches: `(select mismatches from ${schema}.number_mismatch_streaks where workspace_id = ${workspaceId} and user_id = ${userId})`,
    pending: `(select coalesce(jsonb_agg(challenge_id order by created_at, challenge_id), '[]'::jsonb) from ${schema}.challenge_list
              where workspace_id = ${workspaceId} and user_id = ${userId} and status = 'pending' and expires_at > ${now})`,
  };
}

/**
 * A statement reading the user's push lock when it lasts past `now`: rows `(reason, locked_until, challenge_id)`, none
 * when push is not locked for the user. Values arrive as escaped literals.
 */
export function pushLockInForceSql(schema: string, user: { workspaceId: string; userId: string }, now: string): string {
  return `select reason, locked_until, challenge_id from ${schema}.push_locks
     where workspace_id = ${user.workspaceId} and user_id = ${user.userId} and locked_until > ${now}`;
}
