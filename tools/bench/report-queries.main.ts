/**
 * The MFA Report query bench on its own:
 *
 *   npm run bench:reports -- --rows 1000000
 *   node dist/tools/bench/report-queries.main.js --rows 100000 [--repetitions 50] [--export-rows 100000]
 *        [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--kafka-brokers 127.0.0.1:9092] [--keep-database]
 *
 * Prints a table of request times and plans, and writes bench/results/report-queries-<timestamp>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureReportQueries, type ReportQueryResults } from './report-queries';

const RESULTS_DIR = join(__dirname, '..', '..', '..', 'bench', 'results');

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function numberArgument(name: string, fallback: number): number {
  const text = argument(name);
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer, got ${text}`);
  return value;
}

function printTable(results: ReportQueryResults): void {
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  console.log(`\nMFA Report queries on ${results.rows} rows (${results.workspaceRows} in the measured workspace)`);
  console.log(
    `seed: insert ${Math.round(results.seed.insertMs)} ms, indexes ${Math.round(results.seed.indexMs)} ms, analyze ${Math.round(results.seed.analyzeMs)} ms\n`,
  );
  const header = ['query', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'sql ms', 'seq scans'];
  const rows = results.queries.map((q) => [q.name, q.samples, q.p50, q.p95, q.p99, q.max, q.plan?.executionMs ?? '', q.plan?.sequentialScans.length ?? '']);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => String(row[column]).length)));
  const line = (cells: (string | number)[]) =>
    cells.map((cell, column) => (column === 0 ? String(cell).padEnd(widths[column] ?? 0) : String(cell).padStart(widths[column] ?? 0))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  const e = results.export;
  console.log(
    `\nCSV export: ${e.rows} rows, ${mib(e.bytes)}, ${e.totalMs.join(' / ')} ms (first byte ${e.firstByteMs.join(' / ')} ms); ` +
      `service RSS ${mib(e.rssBeforeBytes)} before, ${mib(e.rssDuringMaxBytes)} at most during, ${mib(e.rssAfterBytes)} after`,
  );
  console.log('\nPlans (EXPLAIN ANALYZE, BUFFERS):');
  for (const q of [...results.queries, { name: 'CSV export, first batch', plan: e.plan }]) {
    if (!q.plan) continue;
    console.log(`- ${q.name}: ${q.plan.executionMs} ms, buffers hit ${q.plan.sharedHitBlocks} read ${q.plan.sharedReadBlocks}`);
    for (const node of q.plan.nodes) console.log(`    ${node}`);
  }
}

async function main(): Promise<void> {
  const results = await measureReportQueries({
    rows: numberArgument('rows', 100_000),
    repetitions: numberArgument('repetitions', 50),
    exportRows: numberArgument('export-rows', 100_000),
    exportRepetitions: numberArgument('export-repetitions', 3),
    databaseUrl: argument('database-url') ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    kafkaBrokers: argument('kafka-brokers') ?? process.env.KAFKA_BROKERS,
    keepDatabase: process.argv.includes('--keep-database'),
    log: (message) => console.error(`[${new Date().toISOString()}] ${message}`),
  });
  printTable(results);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `report-queries-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(`\nwrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
