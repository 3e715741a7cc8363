import type { TestPushAckCommand } from '../cli-arguments';
import type { DeviceProfileStore } from '../device-profile.store';
import { EXIT_OK, type ExitCode } from '../exit-codes';
import { SignedDeviceClient } from '../signed-device.client';
import type { Terminal } from '../terminal';

/** The phone shows an admin's test push and tells the registry it arrived (signed): the report reads "received". */
export async function runTestPushAck(command: TestPushAckCommand, store: DeviceProfileStore, terminal: Terminal): Promise<ExitCode> {
  const profile = store.load(command.profile);
  terminal.out('Test notification from pushmfa: no action needed');
  await new SignedDeviceClient(profile.privateJwk).send({
    method: 'POST',
    baseUrl: profile.registryUrl,
    path: `/v1/device/test-pushes/${encodeURIComponent(command.testPushId)}/receipt`,
    deviceId: profile.deviceId,
  });
  terminal.out(`Test push ${command.testPushId} acknowledged for device ${profile.deviceId}`);
  return EXIT_OK;
}
