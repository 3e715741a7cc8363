import { z } from 'zod';

/** Where a page ended: the last row's creation time (as PostgreSQL printed it, to the microsecond) and id. */
export interface ReportCursor {
  createdAt: string;
  challengeId: string;
}

const cursorSchema = z.object({ t: z.iso.datetime({ offset: true }), c: z.string().min(1).max(100) });

export function encodeReportCursor(cursor: ReportCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.createdAt, c: cursor.challengeId }), 'utf8').toString('base64url');
}

/** Undefined when the text is not a cursor this service issued. */
export function decodeReportCursor(text: string): ReportCursor | undefined {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success ? { createdAt: parsed.data.t, challengeId: parsed.data.c } : undefined;
  } catch {
    return undefined;
  }
}
