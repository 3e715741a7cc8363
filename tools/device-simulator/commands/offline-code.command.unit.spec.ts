import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base32Encode, offlineCodeAt } from '@pushmfa/device-auth';
import { parseCliArguments } from '../cli-arguments';
import { type DeviceProfile, DeviceProfileStore } from '../device-profile.store';
import { runCli } from '../run-cli';
import type { Terminal } from '../terminal';
import { runCode } from './offline-code.command';

const profile: DeviceProfile = {
  version: 1,
  deviceId: 'dev_1',
  registryUrl: 'http://127.0.0.1:3002',
  workspaceName: 'Acme',
  pairingId: 'p1',
  algorithm: 'Ed25519',
  privateJwk: { kty: 'OKP', crv: 'Ed25519', x: 'x', d: 'd' },
  publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'x' },
  platform: 'android',
  pushProvider: 'fcm',
  pushToken: 'fcm-1',
  deviceName: undefined,
  pairedAt: '2026-01-01T00:00:00.000Z',
};

function recordingTerminal(): Terminal & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => void stdout.push(line), err: (line) => void stderr.push(line) };
}

describe('the offline code in the simulator', () => {
  const store = () => new DeviceProfileStore(mkdtempSync(join(tmpdir(), 'device-sim-')));

  it('reads enrol-offline-code and code with their options', () => {
    expect(parseCliArguments(['enrol-offline-code', '--profile', 'alice', '--wait-seconds', '5'])).toEqual({
      command: 'enrol-offline-code',
      profile: 'alice',
      challengeUrl: 'http://127.0.0.1:3001',
      waitSeconds: 5,
    });
    expect(parseCliArguments(['code'])).toEqual({ command: 'code', profile: 'default' });
    expect(parseCliArguments(['pair', 'pushmfa://pair?v=1&url=http%3A%2F%2F127.0.0.1%3A3002&pid=p1&s=s', '--offline-code'])).toMatchObject({
      command: 'pair',
      offlineCodeUrl: 'http://127.0.0.1:3001',
    });
    expect(parseCliArguments(['pair', 'pushmfa://pair?v=1&url=http%3A%2F%2F127.0.0.1%3A3002&pid=p1&s=s'])).not.toHaveProperty('offlineCodeUrl');
    expect(() => parseCliArguments(['code', '--challenge-url', 'http://x'])).toThrow(/does not take/);
  });

  it('prints the current code alone on stdout, from the profile, without the network', async () => {
    const secret = Buffer.from('12345678901234567890');
    const profiles = store();
    profiles.save('alice', {
      ...profile,
      offlineCode: { secret: base32Encode(secret), digits: 6, period: 30, algorithm: 'SHA1', enrolledAt: profile.pairedAt },
    });
    const terminal = recordingTerminal();
    const now = 1_234_567_890_000;
    expect(await runCode({ command: 'code', profile: 'alice' }, profiles, terminal, now)).toBe(0);
    expect(terminal.stdout).toEqual([offlineCodeAt(secret, now)]);
    expect(terminal.stdout[0]).toBe('005924');
  });

  it('says how to enrol when the profile has no offline code yet: 2', async () => {
    const profiles = store();
    profiles.save('bob', profile);
    const terminal = recordingTerminal();
    expect(await runCli(['code', '--profile', 'bob'], terminal, profiles)).toBe(2);
    expect(terminal.stderr.join('\n')).toMatch(/enrol-offline-code --profile bob/);
  });
});
