import type { EventMetadata, GlobalPosition, RecordedEvent } from '../event-store.port';

/** A row of `<schema>.events` as node-postgres returns it: int8 and xid8 arrive as strings. */
export interface EventRow {
  event_id: string;
  type: string;
  stream_id: string;
  stream_revision: string;
  transaction_id: string;
  global_position: string;
  data: Record<string, unknown>;
  metadata: EventMetadata | null;
  recorded_at: Date;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    streamId: row.stream_id,
    streamRevision: BigInt(row.stream_revision),
    position: { major: BigInt(row.transaction_id), minor: BigInt(row.global_position) },
    data: row.data,
    metadata: row.metadata ?? {},
    recordedAt: row.recorded_at,
  };
}

/**
 * Query parameters for "strictly after this position". START_POSITION (-1, -1) becomes (0, -1):
 * xid8 has no negative values and 0 is below every real transaction id.
 */
export function positionParameters(after: GlobalPosition): [string, string] {
  const major = after.major < 0n ? 0n : after.major;
  const minor = after.major < 0n ? -1n : after.minor;
  return [major.toString(), minor.toString()];
}
