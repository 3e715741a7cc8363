import { Injectable } from '@nestjs/common';
import { randomInt, randomUUID } from 'node:crypto';
import type { DevicePublicKey, DeviceRequest } from '@pushmfa/device-auth';
import { keyInUseError } from '../../device/device-directory';
import { DeviceDirectory } from '../../device/device-directory';
import { RegistrationRateLimit } from '../../pairing/registering-device/registration-rate-limit';
import { DeviceRequestAuthenticator } from '@pushmfa/device-auth';
import type { PublicJwk } from '../pairing.events';
import { type PairingCommand, pairingDecider } from '../pairing.decider';
import { digestMatches, PairingCommands, pairingDigest } from '../pairing-commands';

export interface RegisterDevice {
  pairingId: string;
  /** The client's address, which the registration rate limit counts. */
  clientAddress: string;
  /** The pairing's secret from the QR code. */
  secret: string;
  publicKey: DevicePublicKey;
  /** The request as signed with the new key: the proof that the app holds its private half. */
  signedRequest: DeviceRequest;
  device: {
    platform: 'android' | 'ios';
    pushProvider: 'fcm' | 'apns';
    pushToken: string;
    deviceName?: string;
    appVersion?: string;
  };
}

export interface DeviceRegistered {
  deviceId: string;
  /** The six digits the app shows and the user types on the platform; only its hash is stored. */
  confirmationCode: string;
}

/**
 * The app registers its new key on a pairing (the one unauthenticated write). Nothing is written — no nonce, no
 * event — until the pairing is known to be open, the secret matches and the key is acceptable; only then is the
 * proof of possession checked (storing its nonce) and the device recorded. Raises `rate_limited`, `not_found`,
 * `pairing_expired`, `pairing_failed`, `validation_failed` (a key in use), `unauthorized` (a bad proof).
 */
@Injectable()
export class RegisterDeviceHandler {
  constructor(
    private readonly pairings: PairingCommands,
    private readonly deviceDirectory: DeviceDirectory,
    private readonly registrationRateLimit: RegistrationRateLimit,
    private readonly deviceAuth: DeviceRequestAuthenticator,
  ) {}

  async execute(command: RegisterDevice): Promise<DeviceRegistered> {
    await this.registrationRateLimit.admit(command.clientAddress);
    const { pairingId, publicKey, device } = command;
    const pairing = await this.pairings.load(pairingId);
    const decided: PairingCommand = {
      type: 'RegisterDevice',
      secretMatches: digestMatches(pairing.secretHash, pairingDigest(pairingId, command.secret)),
      confirmationCodeHash: '',
      now: new Date(),
      device: {
        deviceId: randomUUID(),
        platform: device.platform,
        pushProvider: device.pushProvider,
        pushToken: device.pushToken,
        publicJwk: publicKey.jwk as PublicJwk,
        ...(device.deviceName ? { deviceName: device.deviceName } : {}),
        ...(device.appVersion ? { appVersion: device.appVersion } : {}),
      },
    };
    // Decided once on what was read, writing nothing: an absent, failed, used or expired pairing, or a wrong secret,
    // is refused before the signature's nonce is stored.
    pairingDecider.decide(decided, pairing);
    if (await this.deviceDirectory.keyInUse(publicKey.jwk)) throw keyInUseError();
    await this.deviceAuth.verifyProofOfPossession(publicKey, command.signedRequest);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.pairings.execute(pairingId, pairing.workspaceId, { ...decided, confirmationCodeHash: pairingDigest(pairingId, code) });
    return { deviceId: decided.device.deviceId, confirmationCode: code };
  }
}
