import type { Pool, PoolClient } from 'pg';
import type { ChallengeContext } from '@pushmfa/contracts';
import type { ChallengeView, ChallengeViewStatus, TargetDevice } from './challenge-view';
import { asUnavailable, TickBatch } from '@pushmfa/postgres';

/** A row of `<schema>.challenges`. */
export interface ChallengeRow {
  workspace_id: string;
  challenge_id: string;
  user_id: string;
  status: ChallengeViewStatus;
  expires_at: Date;
  target_devices: TargetDevice[];
  context: ChallengeContext;
  number_choices: string[] | null;
}

export function toChallengeView(row: ChallengeRow): ChallengeView {
  return {
    workspaceId: row.workspace_id,
    challengeId: row.challenge_id,
    userId: row.user_id,
    status: row.status,
    expiresAtMs: row.expires_at.getTime(),
    targetDevices: row.target_devices,
    context: row.context,
    ...(row.number_choices ? { numberChoices: row.number_choices } : {}),
  };
}

/** Reads delivery's challenge view; checked again before every push and every retry. */
export class ChallengeViews {
  /** Reads outside a transaction, gathered per tick: the pushes a worker runs at once read their views in one query. */
  private readonly reads: TickBatch<{ workspaceId: string; challengeId: string }, ChallengeView | null>;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {
    this.reads = new TickBatch(async (keys) => {
      const { rows } = await this.pool.query<ChallengeRow>(
        `select c.* from unnest($1::text[], $2::text[]) as k(workspace_id, challenge_id)
         join ${this.schema}.challenges c on c.workspace_id = k.workspace_id and c.challenge_id = k.challenge_id`,
        [keys.map((k) => k.workspaceId), keys.map((k) => k.challengeId)],
      );
      const byKey = new Map(rows.map((row) => [`${row.workspace_id}\n${row.challenge_id}`, toChallengeView(row)]));
      return keys.map((k) => byKey.get(`${k.workspaceId}\n${k.challengeId}`) ?? null);
    });
  }

  /** `db` lets a consumer read inside its own transaction. */
  async find(workspaceId: string, challengeId: string, db?: PoolClient): Promise<ChallengeView | null> {
    try {
      if (!db) return await this.reads.load({ workspaceId, challengeId });
      const result = await db.query<ChallengeRow>(`select * from ${this.schema}.challenges where workspace_id = $1 and challenge_id = $2`, [
        workspaceId,
        challengeId,
      ]);
      const row = result.rows[0];
      return row ? toChallengeView(row) : null;
    } catch (error) {
      throw asUnavailable(error);
    }
  }
}
