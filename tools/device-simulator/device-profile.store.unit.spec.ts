import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DeviceProfile, DeviceProfileStore } from './device-profile.store';
import { UsageError } from './usage.error';

describe('DeviceProfileStore', () => {
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

  it('saves a profile readable only by its owner and loads it back', () => {
    const store = new DeviceProfileStore(join(mkdtempSync(join(tmpdir(), 'device-sim-')), 'profiles'));
    const path = store.save('alice', profile);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(store.exists('alice')).toBe(true);
    expect(store.load('alice')).toEqual(JSON.parse(JSON.stringify(profile)));
  });

  it('tells the user to pair first when the profile is missing, and refuses a file it did not write', () => {
    const directory = mkdtempSync(join(tmpdir(), 'device-sim-'));
    const store = new DeviceProfileStore(directory);
    expect(() => store.load('bob')).toThrow(/pair first/);
    writeFileSync(join(directory, 'bob.json'), '{"hello":1}');
    expect(() => store.load('bob')).toThrow(UsageError);
  });
});
