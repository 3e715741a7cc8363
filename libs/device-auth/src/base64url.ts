const BASE64URL_ALPHABET = /^[A-Za-z0-9_-]*$/;

export function encodeBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/**
 * Strict unpadded base64url: Buffer.from(s, 'base64url') silently skips foreign characters and
 * accepts several spellings of the same bytes, so only the canonical spelling is let through.
 */
export function decodeBase64urlStrict(text: string): Buffer | null {
  if (!BASE64URL_ALPHABET.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}
