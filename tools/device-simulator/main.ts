/**
 * The pushmfa device simulator: a command-line authenticator app that speaks only the public API (API.md).
 *
 *   npm run device -- <command> [options]      (node dist/tools/device-simulator/main.js; `help` lists the commands)
 */
import { runCli } from './run-cli';
import { processTerminal } from './terminal';

runCli(process.argv.slice(2), processTerminal).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
