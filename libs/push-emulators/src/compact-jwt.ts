import { verify } from 'node:crypto';

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

/** Splits and parses a compact JWS; throws on anything that is not one. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('not a compact JWS');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = parseJsonObject(Buffer.from(headerPart, 'base64url').toString('utf8'), 'header');
  const payload = parseJsonObject(Buffer.from(payloadPart, 'base64url').toString('utf8'), 'payload');
  return { header, payload, signingInput: `${headerPart}.${payloadPart}`, signature: Buffer.from(signaturePart, 'base64url') };
}

/** RS256 (Google service-account assertions) or ES256 (APNs provider tokens, r‖s form). */
export function isJwtSignatureValid(jwt: DecodedJwt, publicKeyPem: string): boolean {
  const input = Buffer.from(jwt.signingInput);
  switch (jwt.header.alg) {
    case 'RS256':
      return verify('sha256', input, publicKeyPem, jwt.signature);
    case 'ES256':
      return verify('sha256', input, { key: publicKeyPem, dsaEncoding: 'ieee-p1363' }, jwt.signature);
    default:
      return false;
  }
}

function parseJsonObject(text: string, part: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`JWS ${part} is not an object`);
  return value as Record<string, unknown>;
}
