import { DeviceAuthError } from './device-auth.error';
import type { RequestHeaders } from './device-auth.ports';

export interface DeviceAuthHeaders {
  deviceId: string | undefined;
  /** Kept as sent: the signed text carries the header, not a re-formatted number. */
  timestamp: string;
  timestampMs: number;
  nonce: string;
  signature: string;
}

const TIMESTAMP_PATTERN = /^(0|[1-9][0-9]{0,15})$/;
const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** Node lowercases header names; test doubles and simulators may not, so match case-insensitively. */
function readHeader(headers: RequestHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
    return value === undefined ? undefined : String(value);
  }
  return undefined;
}

function present(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

export function parseDeviceAuthHeaders(headers: RequestHeaders, options: { requireDeviceId: boolean }): DeviceAuthHeaders {
  const deviceId = readHeader(headers, 'x-device-id');
  const timestamp = readHeader(headers, 'x-timestamp');
  const nonce = readHeader(headers, 'x-nonce');
  const signature = readHeader(headers, 'x-signature');
  if (!present(timestamp) || !present(nonce) || !present(signature)) throw new DeviceAuthError('missing_headers');
  if (options.requireDeviceId && !present(deviceId)) throw new DeviceAuthError('missing_headers');
  const timestampMs = Number(timestamp);
  if (!TIMESTAMP_PATTERN.test(timestamp) || !Number.isSafeInteger(timestampMs)) throw new DeviceAuthError('bad_timestamp');
  if (!NONCE_PATTERN.test(nonce)) throw new DeviceAuthError('bad_nonce');
  return { deviceId: present(deviceId) ? deviceId : undefined, timestamp, timestampMs, nonce, signature };
}
