import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { CHALLENGE_DATABASE, CHALLENGE_SCHEMA } from '../../challenge.di-tokens';
import { type PendingChallengeItem, pendingChallengesOf } from '../../read-models/pending-challenges.query';

/**
 * The app's Pending tab: the open challenges of the device's user, newest first, from the challenge list; never the
 * number to match.
 */
@Injectable()
export class ListPendingChallengesHandler {
  constructor(@Inject(CHALLENGE_DATABASE) private readonly pool: Pool) {}

  async execute(query: { workspaceId: string; userId: string }): Promise<{ items: PendingChallengeItem[] }> {
    return { items: await pendingChallengesOf(this.pool, CHALLENGE_SCHEMA, query.workspaceId, query.userId, new Date()) };
  }
}
