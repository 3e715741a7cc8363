import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from 'pg';
import { MFA_REPORT_CSV_COLUMNS } from './querying/mfa-report.csv';
import { ReportingTestApp } from './reporting.test-app';

const ROWS = 100_000;
const USER_AGENT = 'Mozilla/5.0 '.repeat(40);
const HEAP_SAMPLE_EVERY_BYTES = 4 * 1024 * 1024;

// Measures the live heap, not garbage waiting for collection: a full collection before each sample.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const liveHeapBytes = () => {
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

/**
 * Writes `count` issued-and-delivered rows straight into the active read-model table (through Kafka this would
 * take minutes): row i is created i seconds after noon, by user-(i % 100), with a location that needs quoting and
 * an application name a spreadsheet would run as a formula.
 */
async function insertRows(databaseUrl: string, workspaceId: string, count: number): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `with series as (
         select i, timestamptz '2025-01-01 12:00:00+00' + make_interval(secs => i) as at from generate_series(1, $2::int) as i
       ), rows as (
         select i, at, 'ch-' || lpad(i::text, 6, '0') as challenge_id, 'user-' || (i % 100) as user_id,
                to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at_text,
                to_char((at + interval '1 second') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as dispatched_text
         from series
       )
       insert into reporting.mfa_reports (workspace_id, challenge_id, user_id, status, created_at, facts)
       select $1, challenge_id, user_id, 'delivered', at, jsonb_build_object(
         'workspaceId', $1::text, 'challengeId', challenge_id, 'userId', user_id, 'fraudReported', false, 'timeline', '[]'::jsonb,
         'devices', jsonb_build_object('d1', jsonb_build_object('dispatchedAt', dispatched_text)),
         'issued', jsonb_build_object('userId', user_id, 'createdAt', at_text, 'expiresAt', at_text, 'targetDeviceIds', jsonb_build_array('d1'),
           'context', jsonb_build_object('ipAddress', '203.0.113.7', 'location', 'Lyon, "FR"', 'application', '=cmd|calc', 'userAgent', $3::text)))
       from rows`,
      [workspaceId, count, USER_AGENT],
    );
  } finally {
    await client.end();
  }
}

interface Download {
  status: number;
  headers: Headers;
  lines: number;
  first: string[];
  last: string;
  bytes: number;
  heapGrowthBytes: number;
}

/** Reads the CSV as it streams, keeping only the first lines and the last one, and the heap's peak growth. */
async function download(url: string, key: string): Promise<Download> {
  const heapBefore = liveHeapBytes();
  let heapPeak = heapBefore;
  let nextSampleAt = HEAP_SAMPLE_EVERY_BYTES;
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  const decoder = new TextDecoder();
  const first: string[] = [];
  let tail = '';
  let last = '';
  let lines = 0;
  let bytes = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    const parts = (tail + decoder.decode(chunk, { stream: true })).split('\r\n');
    tail = parts.pop() ?? '';
    for (const line of parts) {
      lines += 1;
      if (first.length < 3) first.push(line);
      last = line;
    }
    if (bytes >= nextSampleAt) {
      nextSampleAt += HEAP_SAMPLE_EVERY_BYTES;
      heapPeak = Math.max(heapPeak, liveHeapBytes());
    }
  }
  if (tail) throw new Error(`the CSV does not end with CRLF: ${tail.slice(0, 80)}`);
  return { status: response.status, headers: response.headers, lines, first, last, bytes, heapGrowthBytes: heapPeak - heapBefore };
}

describe('MFA Report CSV export', () => {
  let service: ReportingTestApp;
  const workspaceId = `ws-export-${randomUUID()}`;
  const otherWorkspaceId = `ws-other-${randomUUID()}`;
  let admin: string;

  beforeAll(async () => {
    service = await ReportingTestApp.start('reportexport');
    admin = await service.issueApiKey(workspaceId, 'admin');
    await insertRows(service.namespace.databaseUrl, workspaceId, ROWS);
    await insertRows(service.namespace.databaseUrl, otherWorkspaceId, 50);
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('streams 100,000 rows, newest first, quoted and formula-safe, while the heap stays bounded', async () => {
    const csv = await download(`${service.baseUrl}/v1/reports/mfa/export.csv`, admin);

    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="mfa-report.csv"');
    expect(csv.lines).toBe(ROWS + 1);
    expect(csv.first[0]).toBe(MFA_REPORT_CSV_COLUMNS.join(','));
    expect(csv.first[1]).toBe(
      `ch-100000,user-0,delivered,2025-01-02T15:46:40.000Z,2025-01-02T15:46:41.000Z,,,d1:delivered,203.0.113.7,"Lyon, ""FR""",${USER_AGENT},'=cmd|calc,false,default,second,,`,
    );
    expect(csv.last).toMatch(/^ch-000001,user-1,delivered,2025-01-01T12:00:01\.000Z,/);
    // The whole CSV is far larger than the heap ever grew: it never sat in memory.
    expect(csv.bytes).toBeGreaterThan(50 * 1024 * 1024);
    expect(csv.heapGrowthBytes).toBeLessThan(csv.bytes / 4);
  }, 180_000);

  it('applies the list filters and never shows another workspace', async () => {
    const csv = await download(`${service.baseUrl}/v1/reports/mfa/export.csv?userId=user-7&from=2025-01-01T12%3A00%3A00Z&to=2025-01-01T12%3A16%3A40Z`, admin);
    expect(csv.status).toBe(200);
    // Seconds 1..999 hold ten rows of user-7 (7, 107, ..., 907).
    expect(csv.lines).toBe(1 + 10);
    expect(csv.first[1]).toMatch(/^ch-000907,user-7,/);
  });

  it('refuses a caller without an admin key and a bad filter', async () => {
    expect((await service.get('/v1/reports/mfa/export.csv')).status).toBe(401);
    const bad = await service.get('/v1/reports/mfa/export.csv?status=nope', admin);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
  });
});
