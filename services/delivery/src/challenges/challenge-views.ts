import type { Pool, PoolClient } from 'pg';
import type { ChallengeContext } from '@pushmfa/contracts';
import type { ChallengeView, ChallengeViewStatus, TargetDevice } from './challenge-view';
import { asUnavailable } from '@pushmfa/postgres';

/** A row of `<schema>.challenges`. */
export interface ChallengeRow {
  workspace_id: string;
  challenge_id: string;
  user_id: string;
  status: ChallengeViewStatus;
  expires_at: Date;
  target_devices: TargetDevice[];
  context: ChallengeContext;
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
  };
}

/** Reads delivery's challenge view; checked again before every push and every retry. */
export class ChallengeViews {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  /** `db` lets a consumer read inside its own transaction. */
  async find(workspaceId: string, challengeId: string, db: Pool | PoolClient = this.pool): Promise<ChallengeView | null> {
    try {
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
