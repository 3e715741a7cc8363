import type { DeviceSignatureHeaders } from './device-request-signer';

export interface DeviceKeyRecord {
  deviceId: string;
  userId: string;
  workspaceId: string;
  status: 'active' | 'revoked';
  publicJwk: unknown;
}

export interface DeviceKeyResolver {
  /** The device as it is now (a view shows first that it is current), or null when unknown. */
  resolve(deviceId: string): Promise<DeviceKeyRecord | null>;
  /**
   * The record `resolve` last answered for the device, without showing it is still current; undefined when none is
   * kept. Only to check a signature early: nothing is trusted before `resolve` confirms the device.
   */
  lastResolved?(deviceId: string): DeviceKeyRecord | undefined;
}

export interface NonceStore {
  /** True only for the first claim of (deviceId, nonce) within ttlMs. */
  claim(deviceId: string, nonce: string, ttlMs: number): Promise<boolean>;
}

export type RequestHeaders = Record<string, string | string[] | number | undefined> | Partial<DeviceSignatureHeaders>;

export interface DeviceRequest {
  method: string;
  /** The path and query exactly as the client sent them (request.url), never a re-serialised form. */
  pathWithQuery: string;
  headers: RequestHeaders;
  rawBody?: Buffer | Uint8Array | string | undefined;
}

export interface AuthenticatedDevice {
  deviceId: string;
  userId: string;
  workspaceId: string;
}
