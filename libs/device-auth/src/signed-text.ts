import { createHash } from 'node:crypto';

export const SIGNED_TEXT_VERSION = 'PUSHMFA-V1';

export interface SignedTextParts {
  method: string;
  pathWithQuery: string;
  timestampMs: number | string;
  nonce: string;
  body?: Buffer | Uint8Array | string | undefined;
}

export function sha256Base64url(body: Buffer | Uint8Array | string | undefined): string {
  return createHash('sha256')
    .update(body ?? '')
    .digest('base64url');
}

/** The six lines of API.md "Device signatures"; the path is signed byte for byte as sent. */
export function buildSignedText(parts: SignedTextParts): string {
  return [SIGNED_TEXT_VERSION, parts.method.toUpperCase(), parts.pathWithQuery, String(parts.timestampMs), parts.nonce, sha256Base64url(parts.body)].join('\n');
}
