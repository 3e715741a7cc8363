import { importDevicePublicKey, type DevicePublicKey } from './device-public-key';
import { DeviceAuthError } from './device-auth.error';
import { parseDeviceAuthHeaders, type DeviceAuthHeaders } from './device-auth-headers';
import type { AuthenticatedDevice, DeviceKeyRecord, DeviceKeyResolver, DeviceRequest, NonceStore } from './device-auth.ports';
import { verifyDeviceSignature } from './device-signature';
import { buildSignedText } from './signed-text';

export interface DeviceRequestAuthenticatorOptions {
  clock: () => number;
  nonceStore: NonceStore;
  devices: DeviceKeyResolver;
  windowMs?: number;
  nonceTtlMs?: number;
}

// Registry device ids are UUIDs; anything outside this shape cannot name a device nor forge a nonce key.
const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export class DeviceRequestAuthenticator {
  private readonly clock: () => number;
  private readonly nonceStore: NonceStore;
  private readonly devices: DeviceKeyResolver;
  private readonly windowMs: number;
  private readonly nonceTtlMs: number;
  /**
   * The key imported from each record the resolver handed out, for as long as the record lives (the resolver keeps one
   * per device while its view is unchanged, and reads a new one when it changes): importing a JWK builds a KeyObject,
   * a tenth of a millisecond, on every request of a device otherwise. Records are never changed in place.
   */
  private readonly importedKeys = new WeakMap<DeviceKeyRecord, DevicePublicKey>();

  constructor(options: DeviceRequestAuthenticatorOptions) {
    this.clock = options.clock;
    this.nonceStore = options.nonceStore;
    this.devices = options.devices;
    this.windowMs = options.windowMs ?? 120_000;
    this.nonceTtlMs = options.nonceTtlMs ?? 600_000;
  }

  /**
   * Checks in this order: headers, time window, device, signature, and the nonce last. When the request verifies
   * against the key the device had when last resolved (`lastResolved`), its nonce is claimed while `resolve` shows the
   * device current, in parallel rather than one round trip after the other; the answer is the same: a device that is
   * unknown or revoked by now is refused as such, a key changed since is checked again, and only a request signed by
   * a key the device has held ever claims a nonce.
   */
  async authenticate(request: DeviceRequest): Promise<AuthenticatedDevice> {
    const headers = parseDeviceAuthHeaders(request.headers, { requireDeviceId: true });
    this.checkWindow(headers.timestampMs);
    const deviceId = headers.deviceId ?? '';
    const early = this.signedByLastResolvedKey(deviceId, request, headers);
    if (!early) {
      const device = await this.findActiveDevice(deviceId);
      this.checkSignature(this.importStoredKey(device), request, headers);
      await this.claimNonce(device.deviceId, headers.nonce);
      return identityOf(device);
    }
    const [resolved, claimed] = await Promise.allSettled([this.findActiveDevice(deviceId), this.claimNonce(early.deviceId, headers.nonce)]);
    if (resolved.status === 'rejected') throw resolved.reason;
    const device = resolved.value;
    // The same record while the view's token is unchanged: compared only when the view read the device again.
    if (device !== early && (device.deviceId !== early.deviceId || JSON.stringify(device.publicJwk) !== JSON.stringify(early.publicJwk)))
      this.checkSignature(this.importStoredKey(device), request, headers);
    if (claimed.status === 'rejected') throw claimed.reason;
    return identityOf(device);
  }

  /** The device's last resolved record when it was active and the request verifies against its key; else undefined. */
  private signedByLastResolvedKey(deviceId: string, request: DeviceRequest, headers: DeviceAuthHeaders): DeviceKeyRecord | undefined {
    if (!DEVICE_ID_PATTERN.test(deviceId)) return undefined;
    const last = this.devices.lastResolved?.(deviceId);
    if (last?.status !== 'active' || last.deviceId !== deviceId) return undefined;
    try {
      this.checkSignature(this.importStoredKey(last), request, headers);
      return last;
    } catch {
      // Not that key: the device may have another by now; the request takes the path that resolves it first.
      return undefined;
    }
  }

  /** Pairing registration: no device yet, so the signature by the submitted key proves the app holds it. */
  async verifyProofOfPossession(publicKey: DevicePublicKey, request: DeviceRequest): Promise<void> {
    const headers = parseDeviceAuthHeaders(request.headers, { requireDeviceId: false });
    this.checkWindow(headers.timestampMs);
    this.checkSignature(publicKey, request, headers);
    await this.claimNonce(`pairing:${publicKey.thumbprint}`, headers.nonce);
  }

  private checkWindow(timestampMs: number): void {
    if (Math.abs(this.clock() - timestampMs) > this.windowMs) throw new DeviceAuthError('clock_skew');
  }

  private async findActiveDevice(deviceId: string): Promise<DeviceKeyRecord> {
    if (!DEVICE_ID_PATTERN.test(deviceId)) throw new DeviceAuthError('unknown_device');
    const device = await this.devices.resolve(deviceId);
    if (!device) throw new DeviceAuthError('unknown_device');
    if (device.status !== 'active') throw new DeviceAuthError('revoked_device');
    return device;
  }

  private importStoredKey(device: DeviceKeyRecord): DevicePublicKey {
    const imported = this.importedKeys.get(device);
    if (imported) return imported;
    try {
      const key = importDevicePublicKey(device.publicJwk);
      this.importedKeys.set(device, key);
      return key;
    } catch {
      // A stored key that no longer imports cannot have made this signature.
      throw new DeviceAuthError('bad_signature');
    }
  }

  private checkSignature(publicKey: DevicePublicKey, request: DeviceRequest, headers: DeviceAuthHeaders): void {
    const signedText = buildSignedText({
      method: request.method,
      pathWithQuery: request.pathWithQuery,
      timestampMs: headers.timestamp,
      nonce: headers.nonce,
      body: request.rawBody,
    });
    if (!verifyDeviceSignature(publicKey, signedText, headers.signature)) throw new DeviceAuthError('bad_signature');
  }

  private async claimNonce(scope: string, nonce: string): Promise<void> {
    const firstUse = await this.nonceStore.claim(scope, nonce, this.nonceTtlMs);
    if (!firstUse) throw new DeviceAuthError('replayed_nonce');
  }
}

function identityOf(device: DeviceKeyRecord): AuthenticatedDevice {
  return { deviceId: device.deviceId, userId: device.userId, workspaceId: device.workspaceId };
}
