import type { RespondCommand } from '../cli-arguments';
import { DeviceChallengeApi } from '../device-challenge.api';
import type { DeviceProfileStore } from '../device-profile.store';
import { EXIT_OK, type ExitCode } from '../exit-codes';
import type { Terminal } from '../terminal';
import { UsageError } from '../usage.error';

/** `approve` and `deny`: the receipt first (the request reached the app), then the answer. */
export async function runRespond(command: RespondCommand, store: DeviceProfileStore, terminal: Terminal): Promise<ExitCode> {
  const api = new DeviceChallengeApi(store.load(command.profile), command.challengeUrl);
  if (command.command === 'approve' && command.number === undefined) {
    // An approval without the number denies the challenge on the server; catch the slip before it costs a sign-in.
    const waiting = (await api.listPending()).find((item) => item.challengeId === command.challengeId);
    if (waiting?.numberMatchRequired) throw new UsageError('this request needs the number the sign-in page shows: approve <challengeId> --number NN');
  }
  await api.acknowledgeReceipt(command.challengeId);
  const status = await api.respond(command.challengeId, {
    decision: command.command,
    numberMatch: command.number,
    fraud: command.fraud,
    userVerified: command.userVerified,
  });
  // A fraud report is recorded whatever the request's status (also after it was answered, expired or cancelled).
  terminal.out(command.command === 'deny' && command.fraud ? `${status} (reported as not yours: push is locked for this user)` : status);
  return EXIT_OK;
}
