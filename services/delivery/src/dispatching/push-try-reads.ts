import type { Pool, QueryResult } from 'pg';
import { asUnavailable, preparedStatementSql, sendWithPrepares, TickBatch } from '@pushmfa/postgres';
import type { ChallengeView } from '../challenges/challenge-view';
import { challengeViewsRead } from '../challenges/challenge-views';
import { knownDevicesRead } from '../devices/device-directory';
import type { KnownDevice } from '../devices/known-device';
import type { PushJob } from './push-job';

export type PushTryState = [view: ChallengeView | null, device: KnownDevice | null];

/**
 * What a push's try reads first: its challenge's view and its device, as they are now. The tries a worker starts in one
 * tick read them all in one message (both statements, prepared statements of the connection executed with their values
 * as literals: the simple protocol carries two), so a try costs no round trip of its own.
 */
export class PushTryReads {
  private readonly reads: TickBatch<PushJob, PushTryState>;

  constructor(pool: Pool, schema: string) {
    const views = challengeViewsRead(schema);
    const devices = knownDevicesRead(schema);
    this.reads = new TickBatch(async (jobs) => {
      const client = await pool.connect();
      let viewRows: QueryResult;
      let deviceRows: QueryResult;
      try {
        const statements = [views.statement(jobs), devices.statement(jobs)].map(({ text, values }) => preparedStatementSql(client, text, values));
        [viewRows, deviceRows] = (await sendWithPrepares(client, statements.join(';\n'))) as [QueryResult, QueryResult];
        client.release();
      } catch (error) {
        // Its PREPAREs may not have run: the connection is not kept.
        client.release(true);
        throw error;
      }
      const viewOf = views.answer(viewRows.rows as never[], jobs);
      const deviceOf = devices.answer(deviceRows.rows as never[], jobs);
      return jobs.map((_, i): PushTryState => [viewOf[i] ?? null, deviceOf[i] ?? null]);
    });
  }

  async find(job: PushJob): Promise<PushTryState> {
    try {
      return await this.reads.load(job);
    } catch (error) {
      throw asUnavailable(error);
    }
  }
}
