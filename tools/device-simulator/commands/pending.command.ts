import type { PendingCommand } from '../cli-arguments';
import { DeviceChallengeApi } from '../device-challenge.api';
import type { DeviceProfileStore } from '../device-profile.store';
import { EXIT_OK, type ExitCode } from '../exit-codes';
import { formatPendingTable } from '../pending-table';
import type { Terminal } from '../terminal';

/** The app's Pending tab: what waits for an answer, for when a push never arrived. */
export async function runPending(command: PendingCommand, store: DeviceProfileStore, terminal: Terminal): Promise<ExitCode> {
  const api = new DeviceChallengeApi(store.load(command.profile), command.challengeUrl);
  terminal.out(formatPendingTable(await api.listPending()));
  return EXIT_OK;
}
