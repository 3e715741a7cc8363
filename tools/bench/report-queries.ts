/**
 * Measures the MFA Report's query API on a large read model.
 *
 *   measureReportQueries(options: ReportQueryOptions): Promise<ReportQueryResults>
 *
 *   options.rows              read-model rows to seed (80 % in one big workspace, the rest over 9 small ones)
 *   options.databaseUrl       a PostgreSQL URL whose user may create databases; a fresh database is created in
 *                             that server for the run and dropped afterwards (unless keepDatabase)
 *   options.kafkaBrokers?     comma-separated; default KAFKA_BROKERS or 127.0.0.1:9092 (the service needs its topics)
 *   options.repetitions?      timed requests per query (default 50; the 30-day summary runs a quarter as many)
 *   options.exportRows?       rows the CSV export covers (default 100 000, capped by the big workspace's rows)
 *   options.exportRepetitions? timed exports (default 3)
 *   options.keepDatabase?     leave the seeded database for a look with psql
 *   options.log?              progress lines (default: none)
 *
 * What it does: creates the database, runs the reporting migration exactly as the service does, seeds the rows
 * in the projection's shape with INSERT ... SELECT generate_series, analyzes, starts the BUILT reporting service
 * (dist/, so run `npm run build` first) against it, times each query over HTTP (p50/p95/p99/max in ms), downloads
 * the CSV export watching the service's RSS, then explains each query's SQL, as the service's own query classes
 * send it, with EXPLAIN (ANALYZE, BUFFERS).
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client, Pool } from 'pg';
import { declaredTopics } from '@pushmfa/contracts';
import { ensureTopics, freePort, testKafkaOptions } from '@pushmfa/testing';
import { generateApiKey, hashApiKey } from '@pushmfa/workspace-access';
import { migrateReportingSchema } from '../../services/reporting/src/database/reporting-schema.migration';
import { exportReportsQuerySchema } from '../../services/reporting/src/querying/export-reports.query';
import { listReportsQuerySchema } from '../../services/reporting/src/querying/list-reports.query';
import { MfaReportQueries } from '../../services/reporting/src/querying/mfa-report.queries';
import { MfaReportSummaryQueries } from '../../services/reporting/src/querying/mfa-report-summary.queries';
import { summarizeReportsQuerySchema } from '../../services/reporting/src/querying/summarize-reports.query';
import { REPORTING_SCHEMA } from '../../services/reporting/src/reporting.di-tokens';
import { explainingPool, type PlanSummary } from './report-queries.explain';
import { type Download, downloadCsv, getOk, type LatencyFigures, timeRequests } from './report-queries.http';
import { BIG_WORKSPACE, seedReportRows, type SeedResult } from './report-queries.seed';
import { type BenchService, launchService } from './service-launcher';

export interface ReportQueryOptions {
  rows: number;
  databaseUrl: string;
  kafkaBrokers?: string;
  repetitions?: number;
  exportRows?: number;
  exportRepetitions?: number;
  keepDatabase?: boolean;
  log?: (message: string) => void;
}

export interface ReportQueryFigures extends LatencyFigures {
  name: string;
  /** The request, as an admin of the big workspace sends it (a representative one when it varies per round). */
  path: string;
  plan?: PlanSummary;
}

export interface ReportExportFigures {
  path: string;
  rows: number;
  bytes: number;
  /** Whole download, each repetition. */
  totalMs: number[];
  firstByteMs: number[];
  rssBeforeBytes: number;
  rssAfterBytes: number;
  /** The service's highest RSS while the exports streamed. */
  rssDuringMaxBytes: number;
  plan?: PlanSummary;
}

export interface ReportQueryResults {
  rows: number;
  workspaceRows: number;
  database: string;
  seed: SeedResult;
  queries: ReportQueryFigures[];
  export: ReportExportFigures;
}

const PAGE = 50;
const DEEP_PAGE = 50;
const EXPORT_BATCH_ROWS = 1000; // the export controller's batch size
const SAMPLE_ROWS = 200;

interface MeasuredQuery {
  name: string;
  repetitions: number;
  /** Query string for round `round`; the same parameters feed the repository call that is explained. */
  params: (round: number) => Record<string, string>;
  kind: 'list' | 'summary' | 'read';
}

export async function measureReportQueries(options: ReportQueryOptions): Promise<ReportQueryResults> {
  const log = options.log ?? (() => undefined);
  const repetitions = options.repetitions ?? 50;
  const brokers = options.kafkaBrokers ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const id = randomBytes(4).toString('hex');
  const databaseName = `pushmfa_bench_reports_${id}`;
  const topicPrefix = `benchreports${id}.`;
  const databaseUrl = withDatabase(options.databaseUrl, databaseName);

  await adminQuery(options.databaseUrl, `create database "${databaseName}"`);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  let service: BenchService | undefined;
  try {
    const pool = new Pool({ connectionString: databaseUrl, max: 2 });
    await migrateReportingSchema(pool, REPORTING_SCHEMA).finally(() => pool.end());
    log(`seeding ${options.rows} rows into ${databaseName}`);
    const seed = await seedReportRows(client, REPORTING_SCHEMA, options.rows, log);
    log(`seeded in ${Math.round(seed.insertMs)} ms, indexes ${Math.round(seed.indexMs)} ms, analyze ${Math.round(seed.analyzeMs)} ms`);

    const key = generateApiKey('admin');
    await client.query(`insert into ${REPORTING_SCHEMA}.api_keys (key_hash, key_id, workspace_id, role) values ($1, $2, $3, 'admin')`, [
      hashApiKey(key),
      `bench-${id}`,
      BIG_WORKSPACE,
    ]);
    const facts = await workspaceFacts(client, seed.table, options.exportRows ?? 100_000);
    await ensureTopics(brokers, topicPrefix);
    const port = await freePort();
    service = await launchService({
      label: 'reporting',
      name: 'reporting',
      env: { DATABASE_URL: databaseUrl, KAFKA_BROKERS: brokers, KAFKA_TOPIC_PREFIX: topicPrefix, PORT: String(port) },
    });
    const servicePid = service.pid;
    log(`reporting service ${servicePid} on ${service.baseUrl}`);

    const deepCursor = await cursorOfPage(service.baseUrl, key, DEEP_PAGE);
    const now = Date.parse(seed.now);
    const hours = (h: number) => new Date(now - h * 3_600_000).toISOString();
    const queries: MeasuredQuery[] = [
      { name: 'first page', kind: 'list', repetitions, params: () => ({ limit: String(PAGE) }) },
      { name: 'by user', kind: 'list', repetitions, params: (round) => ({ userId: facts.users[round % facts.users.length] ?? 'user-1', limit: String(PAGE) }) },
      { name: 'by status (denied)', kind: 'list', repetitions, params: () => ({ status: 'denied', limit: String(PAGE) }) },
      { name: 'by status (pending, rare)', kind: 'list', repetitions, params: () => ({ status: 'pending', limit: String(PAGE) }) },
      { name: 'time window (6 h, 10 days ago)', kind: 'list', repetitions, params: () => ({ from: hours(246), to: hours(240), limit: String(PAGE) }) },
      {
        name: 'user + status',
        kind: 'list',
        repetitions,
        params: (round) => ({ userId: facts.users[round % facts.users.length] ?? 'user-1', status: 'success', limit: String(PAGE) }),
      },
      { name: `page ${DEEP_PAGE} (cursor)`, kind: 'list', repetitions, params: () => ({ limit: String(PAGE), cursor: deepCursor }) },
      {
        name: 'single row + timeline',
        kind: 'read',
        repetitions,
        params: (round) => ({ challengeId: facts.challenges[round % facts.challenges.length] ?? 'none' }),
      },
      { name: 'summary 24 h', kind: 'summary', repetitions, params: () => ({ from: hours(24), to: seed.now }) },
      { name: 'summary 30 days', kind: 'summary', repetitions: Math.max(5, Math.round(repetitions / 4)), params: () => ({ from: hours(24 * 30 + 1) }) },
    ];

    const figures: ReportQueryFigures[] = [];
    for (const query of queries) {
      const result = await timeRequests(query.repetitions, async (round) => {
        await (await getOk(service!.baseUrl, pathOf(query, round), key)).arrayBuffer();
      });
      figures.push({ name: query.name, path: pathOf(query, 0), ...result });
      log(`${query.name}: p50 ${result.p50} ms, p95 ${result.p95} ms, max ${result.max} ms`);
    }

    const exportPath = `/v1/reports/mfa/export.csv?${new URLSearchParams({ from: facts.exportFrom })}`;
    const downloads: Download[] = [];
    for (let round = 0; round < (options.exportRepetitions ?? 3); round++) {
      downloads.push(await downloadCsv(service.baseUrl, exportPath, key, servicePid));
      log(`export: ${downloads[round]?.rows} rows, ${downloads[round]?.bytes} bytes in ${Math.round(downloads[round]?.ms ?? 0)} ms`);
    }
    const exportFigures: ReportExportFigures = {
      path: exportPath,
      rows: downloads[0]?.rows ?? 0,
      bytes: downloads[0]?.bytes ?? 0,
      totalMs: downloads.map((download) => Math.round(download.ms)),
      firstByteMs: downloads.map((download) => Math.round(download.firstByteMs)),
      rssBeforeBytes: downloads[0]?.rssBeforeBytes ?? 0,
      rssAfterBytes: downloads[downloads.length - 1]?.rssAfterBytes ?? 0,
      rssDuringMaxBytes: Math.max(...downloads.map((download) => download.rssDuringMaxBytes)),
    };

    await explainAll(client, queries, figures, exportFigures, facts.exportFrom);
    return { rows: options.rows, workspaceRows: facts.workspaceRows, database: databaseName, seed, queries: figures, export: exportFigures };
  } finally {
    await service?.stop();
    await client.end();
    if (!options.keepDatabase) {
      await adminQuery(options.databaseUrl, `drop database if exists "${databaseName}" with (force)`);
    }
    await deleteTopics(brokers, topicPrefix).catch(() => undefined);
  }
}

function pathOf(query: MeasuredQuery, round: number): string {
  const params = query.params(round);
  if (query.kind === 'read') return `/v1/reports/mfa/${encodeURIComponent(params.challengeId ?? '')}`;
  const search = new URLSearchParams(params).toString();
  return `/v1/reports/mfa${query.kind === 'summary' ? '/summary' : ''}?${search}`;
}

/** Follows nextCursor from the first page to the start of page `page`. */
async function cursorOfPage(baseUrl: string, key: string, page: number): Promise<string> {
  let cursor: string | undefined;
  for (let n = 1; n < page; n++) {
    const search = new URLSearchParams({ limit: String(PAGE), ...(cursor ? { cursor } : {}) });
    const body = (await (await getOk(baseUrl, `/v1/reports/mfa?${search}`, key)).json()) as { nextCursor: string | null };
    if (!body.nextCursor) throw new Error(`the report has fewer than ${page} pages`);
    cursor = body.nextCursor;
  }
  if (!cursor) throw new Error('page must be 2 or more');
  return cursor;
}

interface WorkspaceFacts {
  workspaceRows: number;
  /** Users and challenges of the big workspace, drawn at random, for the per-user and single-row queries. */
  users: string[];
  challenges: string[];
  /** The creation time from which the big workspace holds the wanted number of rows, newest first. */
  exportFrom: string;
}

async function workspaceFacts(client: Client, table: string, exportRows: number): Promise<WorkspaceFacts> {
  const t = `${REPORTING_SCHEMA}.${table}`;
  const count = await client.query<{ n: string }>(`select count(*) as n from ${t} where workspace_id = $1`, [BIG_WORKSPACE]);
  const workspaceRows = Number(count.rows[0]?.n ?? 0);
  const sample = await client.query<{ challenge_id: string; user_id: string }>(
    `select challenge_id, user_id from ${t} tablesample system (1) where workspace_id = $1 limit ${SAMPLE_ROWS}`,
    [BIG_WORKSPACE],
  );
  const from = await client.query<{ at: string }>(
    `select to_json(created_at) #>> '{}' as at from ${t} where workspace_id = $1 and created_at is not null
     order by created_at desc, challenge_id desc offset $2 limit 1`,
    [BIG_WORKSPACE, Math.max(0, Math.min(exportRows, workspaceRows) - 1)],
  );
  return {
    workspaceRows,
    users: sample.rows.map((row) => row.user_id),
    challenges: sample.rows.map((row) => row.challenge_id),
    exportFrom: new Date(from.rows[0]?.at ?? 0).toISOString(),
  };
}

/** Runs the SQL each query sends through the service's own query classes under EXPLAIN, with round 0's parameters. */
async function explainAll(client: Client, queries: MeasuredQuery[], figures: ReportQueryFigures[], exportFigures: ReportExportFigures, exportFrom: string) {
  for (const [index, query] of queries.entries()) {
    const plans: PlanSummary[] = [];
    const pool = explainingPool(client, plans);
    const params = query.params(0);
    if (query.kind === 'list') await new MfaReportQueries(pool, REPORTING_SCHEMA).list(BIG_WORKSPACE, listReportsQuerySchema.parse(params));
    if (query.kind === 'read') await new MfaReportQueries(pool, REPORTING_SCHEMA).find(BIG_WORKSPACE, params.challengeId ?? '');
    if (query.kind === 'summary') await new MfaReportSummaryQueries(pool, REPORTING_SCHEMA).summarize(BIG_WORKSPACE, summarizeReportsQuerySchema.parse(params));
    const figure = figures[index];
    if (figure) figure.plan = plans[0];
  }
  const plans: PlanSummary[] = [];
  const batches = new MfaReportQueries(explainingPool(client, plans), REPORTING_SCHEMA).batches(
    BIG_WORKSPACE,
    exportReportsQuerySchema.parse({ from: exportFrom }),
    EXPORT_BATCH_ROWS,
  );
  await batches.next();
  exportFigures.plan = plans[0];
}

function withDatabase(url: string, databaseName: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${databaseName}`;
  return parsed.toString();
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function deleteTopics(brokers: string, prefix: string): Promise<void> {
  const admin = new Kafka({ clientId: 'pushmfa-bench-reports', brokers: brokers.split(','), logLevel: logLevel.NOTHING, ...testKafkaOptions() }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics = declaredTopics(prefix)
      .map((topic) => topic.name)
      .filter((name) => existing.has(name));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
