import { type Decider, DomainError } from '@pushmfa/event-store';
import type { Actor } from '../workspace/workspace.events';
import type { ReportedDeviceHealth } from '@pushmfa/contracts';
import type { DeviceEvent, DeviceRevocationReason } from './device.events';

/** A heartbeat repeating the last report within this long records nothing (the app may beat often). */
export const HEALTH_REPEAT_WINDOW_MS = 60_000;

interface LiveDevice {
  deviceId: string;
  userId: string;
  pushToken: string;
  pushTokenStatus: 'valid' | 'invalid';
  /** When the current token was given to us: a rejection reported about an earlier push concerns an older token. */
  pushTokenSince: string;
  /** The last health the app reported, and when. */
  health?: { reported: ReportedDeviceHealth; reportedAt: string };
}

export type DeviceState = { status: 'absent' } | ({ status: 'active' | 'revoked' } & LiveDevice);

export type DeviceCommand =
  | { type: 'RotatePushToken'; pushToken: string; now: Date }
  | { type: 'InvalidatePushToken'; reason: string; rejectedAt: string }
  | { type: 'RevokeDevice'; reason: DeviceRevocationReason; revokedBy: Actor; now: Date }
  | { type: 'ReportHealth'; health: ReportedDeviceHealth; now: Date };

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
