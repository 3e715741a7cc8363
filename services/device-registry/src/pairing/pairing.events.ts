import { type DomainEvent, StoredEventReader } from '@pushmfa/event-store';

export type DevicePlatform = 'android' | 'ios';
export type PushProviderName = 'fcm' | 'apns';
export type PublicJwk = { kty: 'EC'; crv: 'P-256'; x: string; y: string } | { kty: 'OKP'; crv: 'Ed25519'; x: string };

export interface RegisteredDevice {
  deviceId: string;
  platform: DevicePlatform;
  pushProvider: PushProviderName;
  pushToken: string;
  publicJwk: PublicJwk;
  deviceName?: string;
  appVersion?: string;
}

/**
 * Events of the pairing stream (`pairing-<id>`). The device comes to life here (DevicePaired); hashes of the
 * pairing secret and confirmation code stay in this store and are never published.
 */
export type PairingEvent =
  | DomainEvent<
      'PairingStarted',
      { pairingId: string; workspaceId: string; userId: string; secretHash: string; expiresAt: string; deviceName?: string; replaceDeviceId?: string }
    >
  | DomainEvent<'DeviceRegistered', { pairingId: string; userId: string; device: RegisteredDevice; confirmationCodeHash: string; registeredAt: string }>
  | DomainEvent<'ConfirmationCodeRejected', { pairingId: string; wrongAttempts: number }>
  | DomainEvent<'DevicePaired', { pairingId: string; userId: string; device: RegisteredDevice; name: string; pairedAt: string; replacedDeviceId?: string }>
  | DomainEvent<'PairingFailed', { pairingId: string; userId: string; reason: 'too_many_wrong_codes' }>;

/** Reads the pairing stream's stored events (each type still has its first shape). */
export const pairingEvents = new StoredEventReader<PairingEvent>({
  PairingStarted: true,
  DeviceRegistered: true,
  ConfirmationCodeRejected: true,
  DevicePaired: true,
  PairingFailed: true,
});

export const pairingStreamId = (pairingId: string) => `pairing-${pairingId}`;
