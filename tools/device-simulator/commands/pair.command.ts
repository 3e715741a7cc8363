import { randomBytes } from 'node:crypto';
import type { PairCommand } from '../cli-arguments';
import { generateDeviceKeyPair } from '../device-key-pair';
import type { DeviceProfileStore } from '../device-profile.store';
import { EXIT_OK, type ExitCode } from '../exit-codes';
import { parsePairingUri } from '../pairing-uri';
import { runEnrolOfflineCode } from './offline-code.command';
import { SignedDeviceClient } from '../signed-device.client';
import type { Terminal } from '../terminal';
import { UsageError } from '../usage.error';

const APP_VERSION = 'pushmfa-device-simulator/0.1';

/** Scans the QR code: a new key pair, registration with proof of possession, the code the user types in. */
export async function runPair(command: PairCommand, store: DeviceProfileStore, terminal: Terminal): Promise<ExitCode> {
  const invitation = parsePairingUri(command.qrUri);
  if (store.exists(command.profile) && !command.force) {
    throw new UsageError(
      `profile "${command.profile}" already holds a paired device (${store.pathOf(command.profile)}): choose another --profile, or --force to replace it`,
    );
  }
  const keys = generateDeviceKeyPair(command.algorithm);
  const pushProvider = command.platform === 'ios' ? 'apns' : 'fcm';
  const pushToken = command.pushToken ?? `sim-${pushProvider}-${randomBytes(12).toString('hex')}`;
  const body: Record<string, unknown> = {
    secret: invitation.secret,
    publicKey: keys.publicJwk,
    platform: command.platform,
    pushProvider,
    pushToken,
    appVersion: APP_VERSION,
  };
  if (command.deviceName !== undefined) body.deviceName = command.deviceName;

  // No X-Device-Id: the device has none yet, and the signature proves it holds the key it registers.
  const answer = await new SignedDeviceClient(keys.privateJwk).send({
    method: 'POST',
    baseUrl: invitation.registryUrl,
    path: `/v1/pairings/${encodeURIComponent(invitation.pairingId)}/register`,
    body,
    deviceId: undefined,
  });
  const deviceId = String(answer.body?.deviceId ?? '');
  const confirmationCode = String(answer.body?.confirmationCode ?? '');
  const path = store.save(command.profile, {
    version: 1,
    deviceId,
    registryUrl: invitation.registryUrl,
    workspaceName: invitation.workspaceName,
    pairingId: invitation.pairingId,
    algorithm: command.algorithm,
    privateJwk: keys.privateJwk,
    publicJwk: keys.publicJwk,
    platform: command.platform,
    pushProvider,
    pushToken,
    deviceName: command.deviceName,
    pairedAt: new Date().toISOString(),
  });
  terminal.out(`Registered with ${invitation.workspaceName ? `workspace "${invitation.workspaceName}"` : 'the workspace'} at ${invitation.registryUrl}`);
  terminal.out(`Device id: ${deviceId} (${command.algorithm}, ${command.platform}/${pushProvider})`);
  terminal.out(`Confirmation code: ${confirmationCode}`);
  terminal.out('Type this code into the sign-in page to finish pairing.');
  terminal.out(`Keys kept in ${path} (readable only by you)`);
  if (command.offlineCodeUrl === undefined) {
    terminal.out(`Then agree the offline code for when no push arrives: npm run device -- enrol-offline-code --profile ${command.profile}`);
    return EXIT_OK;
  }
  // The last step of pairing: once the code is confirmed, agree the offline code (the pairing lives 10 minutes).
  return runEnrolOfflineCode(
    { command: 'enrol-offline-code', profile: command.profile, challengeUrl: command.offlineCodeUrl, waitSeconds: 600 },
    store,
    terminal,
  );
}
