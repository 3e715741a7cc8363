import { type Decider, DomainError } from '@pushmfa/event-store';
import type { Actor } from '../workspace/workspace.events';
import type { ReportedDeviceHealth } from '@pushmfa/contracts';
import type { DeviceEvent, DeviceRevocationReason } from './device.events';

/** A heartbeat repeating the last report within this long records nothing (the app may beat often). */
export const HEALTH_REPEAT_WINDOW_MS = 60_000;
/** At most one test push to a device this often: the endpoint cannot be used to spam a phone. */
export const TEST_PUSH_INTERVAL_MS = 10_000;
/** The device's last test pushes the decider remembers (only these may still be acknowledged). */
export const RECENT_TEST_PUSHES = 20;

interface LiveDevice {
  deviceId: string;
  userId: string;
  pushToken: string;
  pushTokenStatus: 'valid' | 'invalid';
  /** When the current token was given to us: a rejection reported about an earlier push concerns an older token. */
  pushTokenSince: string;
  /** The last health the app reported, and when. */
  health?: { reported: ReportedDeviceHealth; reportedAt: string };
  /** The device's recent test pushes, oldest first, and whether the app acknowledged each. */
  testPushes?: Array<{ testPushId: string; requestedAt: string; received: boolean }>;
}

export type DeviceState = { status: 'absent' } | ({ status: 'active' | 'revoked' } & LiveDevice);

export type DeviceCommand =
  | { type: 'RotatePushToken'; pushToken: string; now: Date }
  | { type: 'InvalidatePushToken'; reason: string; rejectedAt: string }
  | { type: 'RevokeDevice'; reason: DeviceRevocationReason; revokedBy: Actor; now: Date }
  | { type: 'ReportHealth'; health: ReportedDeviceHealth; now: Date }
  | { type: 'RequestTestPush'; testPushId: string; requestedBy: Actor; now: Date }
  | { type: 'AcknowledgeTestPush'; testPushId: string; now: Date };

/** The device as DevicePaired (pairing stream) leaves it: the starting state of its own stream. */
export function deviceBornFrom(paired: { userId: string; pairedAt: string; device: { deviceId: string; pushToken: string } }): DeviceState {
  return {
    status: 'active',
    deviceId: paired.device.deviceId,
    userId: paired.userId,
    pushToken: paired.device.pushToken,
    pushTokenStatus: 'valid',
    pushTokenSince: paired.pairedAt,
  };
}

export const deviceDecider: Decider<DeviceState, DeviceCommand, DeviceEvent> = {
  initialState: () => ({ status: 'absent' }),

  evolve(state, event) {
    if (state.status === 'absent') return state;
    switch (event.type) {
      case 'PushTokenRotated':
        return { ...state, pushToken: event.data.pushToken, pushTokenStatus: 'valid', pushTokenSince: event.data.rotatedAt };
      case 'PushTokenInvalidated':
        return { ...state, pushTokenStatus: 'invalid' };
      case 'DeviceRevoked':
        return { ...state, status: 'revoked' };
      case 'DeviceHealthReported': {
        const { deviceId: _deviceId, userId: _userId, reportedAt, ...reported } = event.data;
        return { ...state, health: { reported, reportedAt } };
      }
      case 'TestPushRequested': {
        const { testPushId, requestedAt } = event.data;
        return { ...state, testPushes: [...(state.testPushes ?? []), { testPushId, requestedAt, received: false }].slice(-RECENT_TEST_PUSHES) };
      }
      case 'TestPushReceived':
        return {
          ...state,
          testPushes: (state.testPushes ?? []).map((push) => (push.testPushId === event.data.testPushId ? { ...push, received: true } : push)),
        };
      default: {
        const unexpected: never = event;
        return unexpected;
      }
    }
  },

  decide(command, state) {
    if (state.status === 'absent') throw new DomainError('not_found', 'no such device');
    const { deviceId, userId } = state;
    switch (command.type) {
      case 'RotatePushToken':
        if (state.status === 'revoked') throw new DomainError('unauthorized', 'this device is revoked');
        if (state.pushToken === command.pushToken && state.pushTokenStatus === 'valid') return [];
        return [{ type: 'PushTokenRotated', data: { deviceId, userId, pushToken: command.pushToken, rotatedAt: command.now.toISOString() } }];
      case 'InvalidatePushToken':
        // Already invalid, revoked, or the token was rotated after the rejected push: nothing new to record.
        if (state.status === 'revoked' || state.pushTokenStatus === 'invalid') return [];
        if (Date.parse(command.rejectedAt) < Date.parse(state.pushTokenSince)) return [];
        return [{ type: 'PushTokenInvalidated', data: { deviceId, userId, reason: command.reason, reportedAt: command.rejectedAt } }];
      case 'RevokeDevice':
        if (state.status === 'revoked') return [];
        return [
          { type: 'DeviceRevoked', data: { deviceId, userId, reason: command.reason, revokedBy: command.revokedBy, revokedAt: command.now.toISOString() } },
        ];
      case 'ReportHealth': {
        if (state.status === 'revoked') throw new DomainError('unauthorized', 'this device is revoked');
        const last = state.health;
        const repeated = last && sameHealth(last.reported, command.health) && command.now.getTime() - Date.parse(last.reportedAt) < HEALTH_REPEAT_WINDOW_MS;
        if (repeated) return [];
        return [{ type: 'DeviceHealthReported', data: { deviceId, userId, reportedAt: command.now.toISOString(), ...command.health } }];
      }
      case 'RequestTestPush': {
        if (state.status === 'revoked') throw new DomainError('device_revoked', 'this device is revoked: it can receive no push');
        if (state.pushTokenStatus === 'invalid') {
          throw new DomainError('push_token_invalid', 'the push provider rejected this device’s token: the app must send a new one first');
        }
        const last = state.testPushes?.at(-1);
        const waitMs = last ? Date.parse(last.requestedAt) + TEST_PUSH_INTERVAL_MS - command.now.getTime() : 0;
        if (waitMs > 0) {
          throw new DomainError('rate_limited', `at most one test push to a device every ${TEST_PUSH_INTERVAL_MS / 1000} seconds`, {
            retryAfterSeconds: Math.ceil(waitMs / 1000),
          });
        }
        const { testPushId, requestedBy } = command;
        return [{ type: 'TestPushRequested', data: { testPushId, deviceId, userId, requestedBy, requestedAt: command.now.toISOString() } }];
      }
      case 'AcknowledgeTestPush': {
        if (state.status === 'revoked') throw new DomainError('unauthorized', 'this device is revoked');
        const push = state.testPushes?.find((candidate) => candidate.testPushId === command.testPushId);
        // Another device's test push, or one too old to remember, reads as absent.
        if (!push) throw new DomainError('not_found', 'no such test push for this device');
        if (push.received) return [];
        return [{ type: 'TestPushReceived', data: { testPushId: push.testPushId, deviceId, userId, receivedAt: command.now.toISOString() } }];
      }
      default: {
        const unexpected: never = command;
        return unexpected;
      }
    }
  },
};

const HEALTH_FIELDS = ['notifications', 'focusMode', 'batterySaver', 'backgroundRefresh', 'appVersion', 'osVersion', 'lastPushSeenAt'] as const;

function sameHealth(a: ReportedDeviceHealth, b: ReportedDeviceHealth): boolean {
  return HEALTH_FIELDS.every((field) => a[field] === b[field]);
}
