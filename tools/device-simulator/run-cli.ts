import { type CliCommand, parseCliArguments } from './cli-arguments';
import { runPair } from './commands/pair.command';
import { runPending } from './commands/pending.command';
import { runPushToken } from './commands/push-token.command';
import { runHealth } from './commands/health.command';
import { runCode, runEnrolOfflineCode } from './commands/offline-code.command';
import { runShareLogs } from './commands/share-logs.command';
import { runRespond } from './commands/respond.command';
import { runTestPushAck } from './commands/test-push-ack.command';
import { runWatch } from './commands/watch.command';
import { DeviceProfileStore } from './device-profile.store';
import { EXIT_OK, EXIT_REFUSED, EXIT_USAGE, type ExitCode } from './exit-codes';
import { ServerRefusal, ServerUnreachable } from './signed-device.client';
import type { Terminal } from './terminal';
import { USAGE_TEXT } from './usage-text';
import { UsageError } from './usage.error';

/** Parses, runs one command, and turns every failure into its exit code and one readable line. */
export async function runCli(argv: readonly string[], terminal: Terminal, store = new DeviceProfileStore()): Promise<ExitCode> {
  try {
    return await dispatch(parseCliArguments(argv), store, terminal);
  } catch (error) {
    if (error instanceof UsageError) {
      terminal.err(`error: ${error.message}`);
      terminal.err(error.showUsage ? `\n${USAGE_TEXT}` : 'npm run device -- help lists the commands and options');
      return EXIT_USAGE;
    }
    if (error instanceof ServerRefusal) {
      terminal.err(`refused (${error.status}): ${error.code}: ${error.detail}`);
      return EXIT_REFUSED;
    }
    if (error instanceof ServerUnreachable) {
      terminal.err(error.message);
      return EXIT_REFUSED;
    }
    throw error;
  }
}

function dispatch(command: CliCommand, store: DeviceProfileStore, terminal: Terminal): Promise<ExitCode> {
  switch (command.command) {
    case 'help':
      terminal.out(USAGE_TEXT);
      return Promise.resolve(EXIT_OK);
    case 'pair':
      return runPair(command, store, terminal);
    case 'pending':
      return runPending(command, store, terminal);
    case 'approve':
    case 'deny':
      return runRespond(command, store, terminal);
    case 'watch':
      return runWatch(command, store, terminal);
    case 'push-token':
      return runPushToken(command, store, terminal);
    case 'health':
      return runHealth(command, store, terminal);
    case 'test-push-ack':
      return runTestPushAck(command, store, terminal);
    case 'enrol-offline-code':
      return runEnrolOfflineCode(command, store, terminal);
    case 'code':
      return runCode(command, store, terminal);
    case 'share-logs':
      return runShareLogs(command, store, terminal);
    default: {
      const unknown: never = command;
      throw new Error(`unhandled command ${JSON.stringify(unknown)}`);
    }
  }
}
