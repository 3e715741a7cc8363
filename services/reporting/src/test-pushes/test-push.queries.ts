import type { Pool } from 'pg';
import { DEVICE_HEALTH_TABLE } from '../database/device-health-table';
import { TEST_PUSH_TABLE } from '../database/test-push-table';
import { type TestPushRow, type TestPushView, toTestPushView } from './test-push.view';

/** The newest test pushes a list shows. */
export const TEST_PUSH_LIST_LIMIT = 100;

/** Reads the `test_pushes` projection, with each device's name. */
export class TestPushQueries {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  /** The workspace's test pushes, newest first, of one user and/or one device when given. */
  async list(workspaceId: string, filter: { userId?: string; deviceId?: string }): Promise<TestPushView[]> {
    const { rows } = await this.pool.query<TestPushRow>(
      `${this.select()} where t.workspace_id = $1 and ($2::text is null or t.user_id = $2) and ($3::text is null or t.device_id = $3)
       order by t.requested_at desc nulls first, t.test_push_id desc limit ${TEST_PUSH_LIST_LIMIT}`,
      [workspaceId, filter.userId ?? null, filter.deviceId ?? null],
    );
    return rows.map(toTestPushView);
  }

  async find(workspaceId: string, testPushId: string): Promise<TestPushView | undefined> {
    const { rows } = await this.pool.query<TestPushRow>(`${this.select()} where t.workspace_id = $1 and t.test_push_id = $2`, [workspaceId, testPushId]);
    return rows[0] ? toTestPushView(rows[0]) : undefined;
  }

  private select(): string {
    return `select t.test_push_id, t.user_id, t.device_id, d.name as device_name, t.requested_at, t.requested_by, t.delivered_at, t.failed_at,
                   t.failure_reason, t.token_rejected, t.received_at
              from ${this.schema}.${TEST_PUSH_TABLE} t
              left join ${this.schema}.${DEVICE_HEALTH_TABLE} d on d.workspace_id = t.workspace_id and d.device_id = t.device_id`;
  }
}
