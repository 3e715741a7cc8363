import type { Pool } from 'pg';
import { z } from 'zod';
import { isoDateTime, type ReportedDeviceHealth, userIdSchema } from '@pushmfa/contracts';
import { DIAGNOSTICS_TABLE } from '../database/diagnostics-table';

export const DEFAULT_INCIDENT_PAGE_SIZE = 50;
export const MAX_INCIDENT_PAGE_SIZE = 200;

/** The query string of `GET /v1/reports/diagnostics`; a bad value answers validation_failed naming its field. */
export const listIncidentsQuerySchema = z
  .object({
    userId: userIdSchema.optional(),
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_INCIDENT_PAGE_SIZE).default(DEFAULT_INCIDENT_PAGE_SIZE),
  })
  .strict();

export type ListIncidentsQuery = z.output<typeof listIncidentsQuerySchema>;

export interface IncidentSummary {
  incidentId: string;
  userId: string;
  deviceId: string;
  challengeId: string | null;
  sharedAt: string;
  expiresAt: string;
  appVersion: string | null;
  health: ReportedDeviceHealth | null;
  lineCount: number;
}

export interface Incident extends IncidentSummary {
  logs: string[];
}

interface IncidentRow {
  incident_id: string;
  user_id: string;
  device_id: string;
  challenge_id: string | null;
  shared_at: Date;
  expires_at: Date;
  app_version: string | null;
  health: ReportedDeviceHealth | null;
  line_count: number;
  logs?: string[];
}

const SUMMARY_COLUMNS = 'incident_id, user_id, device_id, challenge_id, shared_at, expires_at, app_version, health, line_count';

function summaryOf(row: IncidentRow): IncidentSummary {
  return {
    incidentId: row.incident_id,
    userId: row.user_id,
    deviceId: row.device_id,
    challengeId: row.challenge_id,
    sharedAt: row.shared_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    appVersion: row.app_version,
    health: row.health,
    lineCount: row.line_count,
  };
}

/** Reads a workspace's incidents; one past its retention reads as gone even before the sweeper deleted it. */
export class DiagnosticsQueries {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  /** Newest first, without the logs. `from` inclusive, `to` exclusive, on `sharedAt`. */
  async list(workspaceId: string, query: ListIncidentsQuery): Promise<{ items: IncidentSummary[] }> {
    const { rows } = await this.pool.query<IncidentRow>(
      `select ${SUMMARY_COLUMNS} from ${this.schema}.${DIAGNOSTICS_TABLE}
       where workspace_id = $1 and expires_at > now()
         and ($2::text is null or user_id = $2) and ($3::timestamptz is null or shared_at >= $3) and ($4::timestamptz is null or shared_at < $4)
       order by shared_at desc, incident_id desc limit $5`,
      [workspaceId, query.userId ?? null, query.from ?? null, query.to ?? null, query.limit],
    );
    return { items: rows.map(summaryOf) };
  }

  async find(workspaceId: string, incidentId: string): Promise<Incident | undefined> {
    const { rows } = await this.pool.query<IncidentRow>(
      `select ${SUMMARY_COLUMNS}, logs from ${this.schema}.${DIAGNOSTICS_TABLE}
       where workspace_id = $1 and incident_id = $2 and expires_at > now()`,
      [workspaceId, incidentId],
    );
    const row = rows[0];
    return row ? { ...summaryOf(row), logs: row.logs ?? [] } : undefined;
  }
}
