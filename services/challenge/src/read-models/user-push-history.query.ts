/**
 * What the challenge read models know of one user's pushes, as SQL for a caller that reads it in a statement of its
 * own (the push admission batches it with the user's lock in one round trip). The tables are this folder's
 * (ChallengeProjection); no other folder names them. Values arrive as escaped literals (`quoteLiteral`).
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
  /**
   * Scalar: what the `risk` number matching style judges on, as jsonb `{marks: {denial?, fraud_report?, rate_limit?,
   * approval?}, knownIps: [...], knownApplications: [...]}`: the last time of each mark (ISO), and which of
   * `origins`' IP addresses (lower case) and applications the user has approved a sign-in from.
   */
  risk: (origins: { ipAddresses: string; applications: string }) => string;
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
    risk: ({ ipAddresses, applications }) => {
      const known = (kind: string, values: string) =>
        `(select coalesce(jsonb_agg(value), '[]'::jsonb) from ${schema}.user_approved_origins
           where workspace_id = ${workspaceId} and user_id = ${userId} and kind = '${kind}' and value = any(${values}::text[]))`;
      return `jsonb_build_object(
        'marks', (select coalesce(jsonb_object_agg(kind, last_at), '{}'::jsonb) from ${schema}.user_risk_marks where workspace_id = ${workspaceId} and user_id = ${userId}),
        'knownIps', ${known('ip', ipAddresses)},
        'knownApplications', ${known('application', applications)})`;
    },
  };
}

/**
 * A statement lifting push locks for the admins' lifts (PushLockLifted), to run under the users' locks: `lifts` is an
 * escaped literal of a json array of `{workspace_id, user_id, challenge_id, lifted_at}`. A lock goes only when it is
 * the one lifted (same challenge, recorded no later than the lift); its user's wrong-number streak ends with it. A lock
 * of another challenge, or recorded after the lift, stays in force. The wrong offline codes in a row end with it too.
 */
export function liftPushLocksSql(schema: string, lifts: string): string {
  return `with lift as (
       select * from jsonb_to_recordset(${lifts}::jsonb) as x(workspace_id text, user_id text, challenge_id text, lifted_at timestamptz)
     ), lifted as (
       delete from ${schema}.push_locks p using lift
        where p.workspace_id = lift.workspace_id and p.user_id = lift.user_id and p.challenge_id is not distinct from lift.challenge_id
          and (p.locked_at is null or p.locked_at <= lift.lifted_at)
       returning p.workspace_id, p.user_id
     ), offline_codes as (
       delete from ${schema}.offline_code_failures f using lifted where f.workspace_id = lifted.workspace_id and f.user_id = lifted.user_id
     )
     delete from ${schema}.number_mismatch_streaks s using lifted where s.workspace_id = lifted.workspace_id and s.user_id = lifted.user_id`;
}
