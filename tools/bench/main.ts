/**
 * The pushmfa benchmark: `npm run bench -- [options]` (node dist/tools/bench/main.js; `--help` lists the options).
 * Starts the stack in production mode (or uses a running one), pairs simulated phones, drives an open-loop
 * challenge load and writes bench/results/<timestamp>.json and bench/results/latest.json.
 */
import { parseBenchOptions } from './bench-options';
import { runBench } from './run-bench';

async function main(): Promise<void> {
  let options;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
    return;
  }
  await runBench(options);
}

main().then(
  // Kafka clients and kept-alive sockets would hold the process open; the results are written by now.
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
