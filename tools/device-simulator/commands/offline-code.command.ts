import { base32Decode, offlineCodeAt, offlineCodeStepAt, OFFLINE_CODE_PERIOD_SECONDS } from '@pushmfa/device-auth';
import type { CodeCommand, EnrolOfflineCodeCommand } from '../cli-arguments';
import type { DeviceProfileStore } from '../device-profile.store';
import { EXIT_OK, type ExitCode } from '../exit-codes';
import { ServerRefusal, SignedDeviceClient } from '../signed-device.client';
import type { Terminal } from '../terminal';
import { UsageError } from '../usage.error';

const RETRY_EVERY_MS = 1000;

/**
 * The app's last step of pairing: agree the offline-code secret with the challenge service. Until the pairing is
 * confirmed (and the challenge service has heard of it) the device is unknown there (401): ask again until
 * `waitSeconds` run out. The secret goes into the profile only; it is never printed.
 */
export async function runEnrolOfflineCode(command: EnrolOfflineCodeCommand, store: DeviceProfileStore, terminal: Terminal): Promise<ExitCode> {
  const profile = store.load(command.profile);
  if (profile.offlineCode)
    throw new UsageError(`profile "${command.profile}" has its offline code already: npm run device -- code --profile ${command.profile}`);
  const client = new SignedDeviceClient(profile.privateJwk);
  const deadline = Date.now() + command.waitSeconds * 1000;
  let told = false;
  for (;;) {
    try {
      const answer = await client.send({ method: 'POST', baseUrl: command.challengeUrl, path: '/v1/device/offline-code', deviceId: profile.deviceId });
      const body = answer.body ?? {};
      store.save(command.profile, {
        ...profile,
        offlineCode: {
          secret: String(body.secret ?? ''),
          digits: Number(body.digits ?? 6),
          period: Number(body.period ?? OFFLINE_CODE_PERIOD_SECONDS),
          algorithm: String(body.algorithm ?? 'SHA1'),
          enrolledAt: new Date().toISOString(),
        },
      });
      terminal.out(`Offline code agreed for device ${profile.deviceId}: npm run device -- code --profile ${command.profile} shows it`);
      return EXIT_OK;
    } catch (error) {
      const notYetKnown = error instanceof ServerRefusal && (error.status === 401 || error.status === 503);
      if (!notYetKnown || Date.now() + RETRY_EVERY_MS > deadline) throw error;
      if (!told) terminal.err('Waiting for the pairing to be confirmed…');
      told = true;
      await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
    }
  }
}

/** Prints the current offline code and how long it lasts: no network needed. */
export function runCode(command: CodeCommand, store: DeviceProfileStore, terminal: Terminal, now = Date.now()): Promise<ExitCode> {
  const profile = store.load(command.profile);
  if (!profile.offlineCode) {
    throw new UsageError(`profile "${command.profile}" has no offline code yet: npm run device -- enrol-offline-code --profile ${command.profile}`);
  }
  const secret = base32Decode(profile.offlineCode.secret);
  const secondsLeft = (offlineCodeStepAt(now) + 1) * OFFLINE_CODE_PERIOD_SECONDS - Math.floor(now / 1000);
  terminal.out(offlineCodeAt(secret, now));
  terminal.err(`valid for ${secondsLeft} more seconds (and the 30 seconds after)`);
  return Promise.resolve(EXIT_OK);
}
