import type { PushTokenCommand } from '../cli-arguments';
import type { DeviceProfileStore } from '../device-profile.store';
import { EXIT_OK, type ExitCode } from '../exit-codes';
import { SignedDeviceClient } from '../signed-device.client';
import type { Terminal } from '../terminal';

/** The push provider rotated the token: tell the registry, then remember it. */
export async function runPushToken(command: PushTokenCommand, store: DeviceProfileStore, terminal: Terminal): Promise<ExitCode> {
  const profile = store.load(command.profile);
  await new SignedDeviceClient(profile.privateJwk).send({
    method: 'PUT',
    baseUrl: profile.registryUrl,
    path: '/v1/device/push-token',
    body: { pushToken: command.pushToken },
    deviceId: profile.deviceId,
  });
  store.save(command.profile, { ...profile, pushToken: command.pushToken });
  terminal.out(`Push token updated for device ${profile.deviceId}`);
  return EXIT_OK;
}
