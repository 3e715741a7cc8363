import type { ShareLogsCommand } from '../cli-arguments';
import type { DeviceProfile, DeviceProfileStore } from '../device-profile.store';
import { EXIT_OK, type ExitCode } from '../exit-codes';
import { SignedDeviceClient } from '../signed-device.client';
import type { Terminal } from '../terminal';

/** What a real app would have in its log buffer: the push registration (with the token, redacted on arrival) and the last requests. */
export function recentLogLines(profile: DeviceProfile, challengeId: string | undefined, now = new Date()): string[] {
  const at = (secondsAgo: number) => new Date(now.getTime() - secondsAgo * 1000).toISOString();
  return [
    `${at(300)} INFO app started (simulator, ${profile.platform})`,
    `${at(299)} INFO push registered with ${profile.pushProvider}, token ${profile.pushToken}`,
    `${at(120)} INFO polling the Pending tab`,
    ...(challengeId
      ? [`${at(30)} INFO notification received for request ${challengeId}`, `${at(20)} WARN Accept tapped, no answer from the server within 10 s; retrying`]
      : [`${at(20)} WARN no notification seen for 2 minutes`]),
    `${at(1)} INFO the user shared these logs with support`,
  ];
}

/** "Share app logs with support": sends recent log lines and prints the incident id the user reads out to the help desk. */
export async function runShareLogs(command: ShareLogsCommand, store: DeviceProfileStore, terminal: Terminal): Promise<ExitCode> {
  const profile = store.load(command.profile);
  const body: Record<string, unknown> = { logs: recentLogLines(profile, command.challengeId), appVersion: 'simulator' };
  if (command.challengeId) body.challengeId = command.challengeId;
  const answer = await new SignedDeviceClient(profile.privateJwk).send({
    method: 'POST',
    baseUrl: command.challengeUrl,
    path: '/v1/device/diagnostics',
    body,
    deviceId: profile.deviceId,
  });
  terminal.out(`Logs shared with support: incident ${String(answer.body?.incidentId)}`);
  return EXIT_OK;
}
