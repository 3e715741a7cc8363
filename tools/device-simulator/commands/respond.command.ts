import type { RespondCommand } from '../cli-arguments';
import { DeviceChallengeApi } from '../device-challenge.api';
import type { DeviceProfileStore } from '../device-profile.store';
import { EXIT_OK, type ExitCode } from '../exit-codes';
import type { Terminal } from '../terminal';
import { UsageError } from '../usage.error';

/** `approve` and `deny`: the receipt first (the request reached the app), then the answer. */
export async function runRespond(command: RespondCommand, store: DeviceProfileStore, terminal: Terminal): Promise<ExitCode> {
  const api = new DeviceChallengeApi(store.load(command.profile), command.challengeUrl);
  if (command.command === 'approve') {
    const waiting = (await api.listPending()).find((item) => item.challengeId === command.challengeId);
    // An approval without the number denies the challenge on the server; catch the slip before it costs a sign-in.
    if (command.number === undefined && waiting?.numberMatchRequired) {
      throw new UsageError(
        waiting.numberChoices
          ? `this request offers ${waiting.numberChoices.join(', ')}: tap the one the sign-in page shows with approve <challengeId> --number NN`
          : 'this request needs the number the sign-in page shows: approve <challengeId> --number NN',
      );
    }
    // The app shows three buttons: a number not among them cannot be tapped.
    if (command.number !== undefined && waiting?.numberChoices && !waiting.numberChoices.includes(command.number)) {
      throw new UsageError(`this request offers ${waiting.numberChoices.join(', ')} only: tap the one the sign-in page shows`);
    }
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
