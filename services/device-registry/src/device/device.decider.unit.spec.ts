import { type DomainError } from '@pushmfa/event-store';
import { type DeviceCommand, deviceBornFrom, deviceDecider, type DeviceState } from './device.decider';
import type { DeviceEvent } from './device.events';

const pairedAt = '2026-11-22T10:00:00.000Z';
const later = new Date('2026-11-22T11:00:00.000Z');
const born = deviceBornFrom({ userId: 'alice', pairedAt, device: { deviceId: 'd1', pushToken: 'tok-1' } });
const admin = { kind: 'admin' as const, keyId: 'k1' };
const rotated: DeviceEvent = { type: 'PushTokenRotated', data: { deviceId: 'd1', userId: 'alice', pushToken: 'tok-2', rotatedAt: later.toISOString() } };
const invalidated: DeviceEvent = {
  type: 'PushTokenInvalidated',
  data: { deviceId: 'd1', userId: 'alice', reason: 'UNREGISTERED', reportedAt: '2026-11-22T10:30:00.000Z' },
};
const revoked: DeviceEvent = {
  type: 'DeviceRevoked',
  data: { deviceId: 'd1', userId: 'alice', reason: 'revoked', revokedBy: admin, revokedAt: later.toISOString() },
};

function given(events: DeviceEvent[], start: DeviceState = born) {
  return {
    when: (command: DeviceCommand) => {
      const run = () =>
        deviceDecider.decide(
          command,
          events.reduce((s, e) => deviceDecider.evolve(s, e), start),
        );
      return {
        then: (expected: DeviceEvent[]) => expect(run()).toEqual(expected),
        thenFails: (code: string) => expect(run).toThrow(expect.objectContaining({ code }) as unknown as DomainError),
      };
    },
  };
}

describe('device decider', () => {
  it('rotates the push token, and records nothing when the same valid token comes again', () => {
    given([]).when({ type: 'RotatePushToken', pushToken: 'tok-2', now: later }).then([rotated]);
    given([]).when({ type: 'RotatePushToken', pushToken: 'tok-1', now: later }).then([]);
  });

  it('makes an invalid token valid again when the app sends one, even the same string', () => {
    given([invalidated])
      .when({ type: 'RotatePushToken', pushToken: 'tok-1', now: later })
      .then([{ ...rotated, data: { ...rotated.data, pushToken: 'tok-1' } }]);
  });

  it('invalidates a dead token once', () => {
    given([]).when({ type: 'InvalidatePushToken', reason: 'UNREGISTERED', rejectedAt: '2026-11-22T10:30:00.000Z' }).then([invalidated]);
    given([invalidated]).when({ type: 'InvalidatePushToken', reason: 'UNREGISTERED', rejectedAt: '2026-11-22T10:31:00.000Z' }).then([]);
  });

  it('ignores a rejection of a push sent before the token was rotated', () => {
    given([rotated]).when({ type: 'InvalidatePushToken', reason: 'UNREGISTERED', rejectedAt: '2026-11-22T10:30:00.000Z' }).then([]);
  });

  it('revokes once; a revoked device cannot rotate its token', () => {
    given([]).when({ type: 'RevokeDevice', reason: 'revoked', revokedBy: admin, now: later }).then([revoked]);
    given([revoked]).when({ type: 'RevokeDevice', reason: 'mfa_reset', revokedBy: admin, now: later }).then([]);
    given([revoked]).when({ type: 'RotatePushToken', pushToken: 'tok-9', now: later }).thenFails('unauthorized');
  });

  it('knows no device that was never paired', () => {
    given([], { status: 'absent' }).when({ type: 'RevokeDevice', reason: 'revoked', revokedBy: admin, now: later }).thenFails('not_found');
  });

  it('records a health report, and nothing when the same report comes again within a minute', () => {
    const health = { notifications: 'denied' as const, appVersion: '1.2.0' };
    const reported: DeviceEvent = { type: 'DeviceHealthReported', data: { deviceId: 'd1', userId: 'alice', reportedAt: later.toISOString(), ...health } };
    given([]).when({ type: 'ReportHealth', health, now: later }).then([reported]);
    given([reported])
      .when({ type: 'ReportHealth', health, now: new Date(later.getTime() + 30_000) })
      .then([]);
    const minuteLater = new Date(later.getTime() + 60_000);
    given([reported])
      .when({ type: 'ReportHealth', health, now: minuteLater })
      .then([{ ...reported, data: { ...reported.data, reportedAt: minuteLater.toISOString() } }]);
    const soon = new Date(later.getTime() + 1_000);
    given([reported])
      .when({ type: 'ReportHealth', health: { notifications: 'allowed' }, now: soon })
      .then([{ type: 'DeviceHealthReported', data: { deviceId: 'd1', userId: 'alice', reportedAt: soon.toISOString(), notifications: 'allowed' } }]);
    given([revoked]).when({ type: 'ReportHealth', health, now: later }).thenFails('unauthorized');
  });

  describe('test push', () => {
    const requested = (testPushId: string, at: Date): DeviceEvent => ({
      type: 'TestPushRequested',
      data: { testPushId, deviceId: 'd1', userId: 'alice', requestedBy: admin, requestedAt: at.toISOString() },
    });
    const received: DeviceEvent = { type: 'TestPushReceived', data: { testPushId: 't1', deviceId: 'd1', userId: 'alice', receivedAt: later.toISOString() } };

    it('is requested for an active device with a valid token, at most once every 10 seconds', () => {
      given([])
        .when({ type: 'RequestTestPush', testPushId: 't1', requestedBy: admin, now: later })
        .then([requested('t1', later)]);
      const soon = new Date(later.getTime() + 9_000);
      given([requested('t1', later)])
        .when({ type: 'RequestTestPush', testPushId: 't2', requestedBy: admin, now: soon })
        .thenFails('rate_limited');
      const after = new Date(later.getTime() + 10_000);
      given([requested('t1', later)])
        .when({ type: 'RequestTestPush', testPushId: 't2', requestedBy: admin, now: after })
        .then([requested('t2', after)]);
    });

    it('is refused for a revoked device or a rejected token', () => {
      given([revoked]).when({ type: 'RequestTestPush', testPushId: 't1', requestedBy: admin, now: later }).thenFails('device_revoked');
      given([invalidated]).when({ type: 'RequestTestPush', testPushId: 't1', requestedBy: admin, now: later }).thenFails('push_token_invalid');
    });

    it('is acknowledged once, and only when it was sent to this device', () => {
      given([requested('t1', later)])
        .when({ type: 'AcknowledgeTestPush', testPushId: 't1', now: later })
        .then([received]);
      given([requested('t1', later), received])
        .when({ type: 'AcknowledgeTestPush', testPushId: 't1', now: later })
        .then([]);
      given([requested('t1', later)])
        .when({ type: 'AcknowledgeTestPush', testPushId: 'elsewhere', now: later })
        .thenFails('not_found');
    });
  });
});
