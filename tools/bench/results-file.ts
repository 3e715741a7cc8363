import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RESULTS_DIR = join(__dirname, '..', '..', '..', 'bench', 'results');

/** Writes bench/results/<ISO timestamp>.json and the same as bench/results/latest.json; returns the first path. */
export function writeResults(results: { startedAt: string }): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const text = JSON.stringify(results, null, 2) + '\n';
  const path = join(RESULTS_DIR, `${results.startedAt.replace(/:/g, '-')}.json`);
  writeFileSync(path, text);
  writeFileSync(join(RESULTS_DIR, 'latest.json'), text);
  return path;
}
