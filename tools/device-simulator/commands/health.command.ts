import type { HealthCommand } from '../cli-arguments';
import type { DeviceProfileStore } from '../device-profile.store';
import { EXIT_OK, type ExitCode } from '../exit-codes';
import { SignedDeviceClient } from '../signed-device.client';
import type { Terminal } from '../terminal';

/** The app's health heartbeat: what may keep this phone from showing a push. */
export async function runHealth(command: HealthCommand, store: DeviceProfileStore, terminal: Terminal): Promise<ExitCode> {
  const profile = store.load(command.profile);
  await new SignedDeviceClient(profile.privateJwk).send({
    method: 'PUT',
    baseUrl: profile.registryUrl,
    path: '/v1/device/health',
    body: command.health,
    deviceId: profile.deviceId,
  });
  terminal.out(`Health reported for device ${profile.deviceId}`);
  return EXIT_OK;
}
