import { foldEvents } from '@pushmfa/event-store';
import { MAX_WRONG_CODES, type PairingCommand, pairingDecider, visibleStatus } from './pairing.decider';
import type { PairingEvent, RegisteredDevice } from './pairing.events';

const t0 = new Date('2026-11-22T10:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const device: RegisteredDevice = {
  deviceId: 'd1',
  platform: 'android',
  pushProvider: 'fcm',
  pushToken: 'tok',
  publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'x' },
};
const started: PairingEvent = {
  type: 'PairingStarted',
  data: { pairingId: 'p1', workspaceId: 'ws1', userId: 'alice', secretHash: 'sh', expiresAt: at(600_000).toISOString() },
};
const registered: PairingEvent = {
  type: 'DeviceRegistered',
  data: { pairingId: 'p1', userId: 'alice', device, confirmationCodeHash: 'ch', registeredAt: at(1000).toISOString() },
};
const register = (now: Date, secretMatches = true): PairingCommand => ({ type: 'RegisterDevice', secretMatches, device, confirmationCodeHash: 'ch', now });
const confirm = (codeHash: string, now = at(2000), activeDeviceIds: string[] = [], maxDevicesPerUser = 10): PairingCommand => ({
  type: 'ConfirmPairing',
  codeHash,
  now,
  activeDeviceIds,
  maxDevicesPerUser,
});

const decide = (events: PairingEvent[], command: PairingCommand) => pairingDecider.decide(command, foldEvents(pairingDecider, events));

describe('pairing decider', () => {
  it('starts a pairing that lives ten minutes', () => {
    const [event] = decide([], { type: 'StartPairing', pairingId: 'p1', workspaceId: 'ws1', userId: 'alice', secretHash: 'sh', now: t0 });
    expect(event).toEqual(started);
  });

  it('registers a device with the right secret, once', () => {
    expect(decide([started], register(at(1000)))).toEqual([registered]);
    expect(() => decide([started], register(at(1000), false))).toThrow(expect.objectContaining({ code: 'unauthorized' }));
    expect(() => decide([started, registered], register(at(1500)))).toThrow(expect.objectContaining({ code: 'pairing_failed' }));
  });

  it('refuses a pairing past its ten minutes and shows it expired', () => {
    expect(() => decide([started], register(at(600_001)))).toThrow(expect.objectContaining({ code: 'pairing_expired' }));
    expect(visibleStatus(foldEvents(pairingDecider, [started]), at(600_001))).toBe('expired');
  });

  it('pairs the device when the confirmation code matches', () => {
    const [paired] = decide([started, registered], confirm('ch'));
    expect(paired).toMatchObject({ type: 'DevicePaired', data: { device, userId: 'alice', name: 'android device' } });
  });

  it('counts wrong codes and fails the pairing at the fifth', () => {
    const history: PairingEvent[] = [started, registered];
    for (let i = 1; i < MAX_WRONG_CODES; i++) {
      const events = decide(history, confirm('wrong'));
      expect(events).toEqual([{ type: 'ConfirmationCodeRejected', data: { pairingId: 'p1', wrongAttempts: i } }]);
      history.push(...events);
    }
    const last = decide(history, confirm('wrong'));
    expect(last.map((e) => e.type)).toEqual(['ConfirmationCodeRejected', 'PairingFailed']);
    history.push(...last);
    expect(() => decide(history, confirm('ch'))).toThrow(expect.objectContaining({ code: 'pairing_failed' }));
  });

  it('is used once: a confirmed pairing cannot be confirmed again', () => {
    const paired = decide([started, registered], confirm('ch'));
    expect(() => decide([started, registered, ...paired], confirm('ch'))).toThrow(expect.objectContaining({ code: 'pairing_failed' }));
  });

  it('refuses to confirm past maxDevicesPerUser, and leaves the pairing open', () => {
    expect(() => decide([started, registered], confirm('ch', at(2000), ['a', 'b'], 2))).toThrow(expect.objectContaining({ code: 'pairing_failed' }));
    expect(decide([started, registered], confirm('ch', at(2000), ['a'], 2))).toHaveLength(1);
  });

  it('does not count the device being replaced, and names it in DevicePaired', () => {
    const replacing: PairingEvent = { ...started, data: { ...started.data, replaceDeviceId: 'old' } } as PairingEvent;
    const [paired] = decide([replacing, registered], confirm('ch', at(2000), ['a', 'old'], 2));
    expect(paired).toMatchObject({ type: 'DevicePaired', data: { replacedDeviceId: 'old' } });
  });
});
