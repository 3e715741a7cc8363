import { type Decider, DomainError } from '@pushmfa/event-store';
import type { PairingEvent, RegisteredDevice } from './pairing.events';

export const PAIRING_TTL_MS = 10 * 60 * 1000;
export const MAX_WRONG_CODES = 5;

interface PairingBase {
  pairingId: string;
  workspaceId: string;
  userId: string;
  secretHash: string;
  expiresAt: string;
  deviceName?: string;
  replaceDeviceId?: string;
}

export type PairingState =
  | { status: 'absent' }
  | ({ status: 'pending' } & PairingBase)
  | ({ status: 'awaiting_confirmation'; device: RegisteredDevice; confirmationCodeHash: string; wrongAttempts: number } & PairingBase)
  | ({ status: 'confirmed'; device: RegisteredDevice } & PairingBase)
  | ({ status: 'failed' } & PairingBase);

export type PairingCommand =
  | {
      type: 'StartPairing';
      pairingId: string;
      workspaceId: string;
      userId: string;
      secretHash: string;
      now: Date;
      deviceName?: string;
      replaceDeviceId?: string;
    }
  | { type: 'RegisterDevice'; secretMatches: boolean; device: RegisteredDevice; confirmationCodeHash: string; now: Date }
  | {
      type: 'ConfirmPairing';
      codeHash: string;
      now: Date;
      /** The user's active devices now, and the workspace's `maxDevicesPerUser`. */
      activeDeviceIds: readonly string[];
      maxDevicesPerUser: number;
    };

/** The status a caller sees: a pending or awaiting pairing past its expiry reads as `expired`. */
export function visibleStatus(state: PairingState, now: Date): PairingState['status'] | 'expired' {
  if ((state.status === 'pending' || state.status === 'awaiting_confirmation') && now.getTime() > Date.parse(state.expiresAt)) return 'expired';
  return state.status;
}

export const pairingDecider: Decider<PairingState, PairingCommand, PairingEvent> = {
  initialState: () => ({ status: 'absent' }),

  evolve(state, event) {
    switch (event.type) {
      case 'PairingStarted':
        return { status: 'pending', ...event.data };
      case 'DeviceRegistered':
        if (state.status !== 'pending') return state;
        return {
          ...state,
          status: 'awaiting_confirmation',
          device: event.data.device,
          confirmationCodeHash: event.data.confirmationCodeHash,
          wrongAttempts: 0,
        };
      case 'ConfirmationCodeRejected':
        return state.status === 'awaiting_confirmation' ? { ...state, wrongAttempts: event.data.wrongAttempts } : state;
      case 'DevicePaired':
        return state.status === 'awaiting_confirmation' ? { ...state, status: 'confirmed', device: event.data.device } : state;
      case 'PairingFailed':
        return state.status === 'absent' ? state : { ...baseOf(state), status: 'failed' };
      default: {
        const unexpected: never = event;
        return unexpected;
      }
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'StartPairing': {
        if (state.status !== 'absent') throw new DomainError('conflict', 'the pairing exists already');
        const { type: _type, now, ...rest } = command;
        return [{ type: 'PairingStarted', data: { ...rest, expiresAt: new Date(now.getTime() + PAIRING_TTL_MS).toISOString() } }];
      }
      case 'RegisterDevice': {
        const pairing = requireOpen(state, command.now);
        if (!command.secretMatches) throw new DomainError('unauthorized', 'the pairing secret does not match');
        if (pairing.status !== 'pending') throw new DomainError('pairing_failed', 'this pairing was used already');
        return [
          {
            type: 'DeviceRegistered',
            data: {
              pairingId: pairing.pairingId,
              userId: pairing.userId,
              device: command.device,
              confirmationCodeHash: command.confirmationCodeHash,
              registeredAt: command.now.toISOString(),
            },
          },
        ];
      }
      case 'ConfirmPairing': {
        const pairing = requireOpen(state, command.now);
        if (pairing.status !== 'awaiting_confirmation') throw new DomainError('pairing_failed', 'no device has registered with this pairing yet');
        if (command.codeHash !== pairing.confirmationCodeHash) {
          const wrongAttempts = pairing.wrongAttempts + 1;
          const rejected: PairingEvent = { type: 'ConfirmationCodeRejected', data: { pairingId: pairing.pairingId, wrongAttempts } };
          if (wrongAttempts < MAX_WRONG_CODES) return [rejected];
          return [rejected, { type: 'PairingFailed', data: { pairingId: pairing.pairingId, userId: pairing.userId, reason: 'too_many_wrong_codes' } }];
        }
        // The device being replaced is revoked by this confirmation, so it does not count toward the limit.
        const staying = command.activeDeviceIds.filter((id) => id !== pairing.replaceDeviceId).length;
        if (staying >= command.maxDevicesPerUser) {
          throw new DomainError(
            'pairing_failed',
            `the user has ${staying} active devices, the most this workspace allows (maxDevicesPerUser); revoke one, or pair with replaceDeviceId`,
          );
        }
        const replaced = pairing.replaceDeviceId ? { replacedDeviceId: pairing.replaceDeviceId } : {};
        const name = pairing.device.deviceName ?? pairing.deviceName ?? `${pairing.device.platform} device`;
        return [
          {
            type: 'DevicePaired',
            data: { pairingId: pairing.pairingId, userId: pairing.userId, device: pairing.device, name, pairedAt: command.now.toISOString(), ...replaced },
          },
        ];
      }
      default: {
        const unexpected: never = command;
        return unexpected;
      }
    }
  },
};

function requireOpen(state: PairingState, now: Date) {
  if (state.status === 'absent') throw new DomainError('not_found', 'no such pairing');
  if (state.status === 'failed') throw new DomainError('pairing_failed', 'this pairing has failed; start a new one');
  if (state.status === 'confirmed') throw new DomainError('pairing_failed', 'this pairing was used already');
  if (visibleStatus(state, now) === 'expired') throw new DomainError('pairing_expired', 'this pairing has expired; start a new one');
  return state;
}

function baseOf(state: Exclude<PairingState, { status: 'absent' }>): PairingBase {
  const { pairingId, workspaceId, userId, secretHash, expiresAt, deviceName, replaceDeviceId } = state;
  return { pairingId, workspaceId, userId, secretHash, expiresAt, ...(deviceName ? { deviceName } : {}), ...(replaceDeviceId ? { replaceDeviceId } : {}) };
}
