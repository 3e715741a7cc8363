import { buildSignedText } from './signed-text';
import { randomNonce, signText } from './device-signature';

export interface DeviceRequestToSign {
  method: string;
  pathWithQuery: string;
  body?: Buffer | Uint8Array | string | undefined;
  /** Left out for pairing registration, where the signature itself is the proof of possession. */
  deviceId?: string | undefined;
  timestampMs?: number | undefined;
  nonce?: string | undefined;
}

export interface DeviceSignatureHeaders {
  'X-Device-Id'?: string;
  'X-Timestamp': string;
  'X-Nonce': string;
  'X-Signature': string;
}

/** What the authenticator app does before each request; for the device simulator and tests. */
export function signDeviceRequest(privateJwk: Record<string, unknown>, request: DeviceRequestToSign): DeviceSignatureHeaders {
  const timestamp = String(request.timestampMs ?? Date.now());
  const nonce = request.nonce ?? randomNonce();
  const signedText = buildSignedText({
    method: request.method,
    pathWithQuery: request.pathWithQuery,
    timestampMs: timestamp,
    nonce,
    body: request.body,
  });
  const headers: DeviceSignatureHeaders = { 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Signature': signText(privateJwk, signedText) };
  if (request.deviceId !== undefined) headers['X-Device-Id'] = request.deviceId;
  return headers;
}
