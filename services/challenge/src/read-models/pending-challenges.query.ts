import type { Pool } from 'pg';

export interface PendingChallengeItem {
  challengeId: string;
  createdAt: string;
  expiresAt: string;
  context: Record<string, unknown>;
  numberMatchRequired: boolean;
  /** A `choose` challenge: the three numbers to offer, one of them the sign-in page's (unmarked). */
  numberChoices?: string[];
}

/** The app's Pending tab: open challenges of one user, newest first, read from `challenge_list`. */
export async function pendingChallengesOf(pool: Pool, schema: string, workspaceId: string, userId: string, now: Date): Promise<PendingChallengeItem[]> {
  const { rows } = await pool.query<{
    challenge_id: string;
    created_at: Date;
    expires_at: Date;
    context: Record<string, unknown>;
    number_match_required: boolean;
    number_choices: string[] | null;
  }>(
    `select challenge_id, created_at, expires_at, context, number_match_required, number_choices from ${schema}.challenge_list
     where workspace_id = $1 and user_id = $2 and status = 'pending' and expires_at > $3
     order by created_at desc, challenge_id limit 100`,
    [workspaceId, userId, now],
  );
  return rows.map((r) => ({
    challengeId: r.challenge_id,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    context: r.context,
    numberMatchRequired: r.number_match_required,
    ...(r.number_choices ? { numberChoices: r.number_choices } : {}),
  }));
}
