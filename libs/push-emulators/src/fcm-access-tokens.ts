import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { decodeJwt, isJwtSignatureValid } from './compact-jwt';

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const FCM_SCOPES = ['https://www.googleapis.com/auth/firebase.messaging', 'https://www.googleapis.com/auth/cloud-platform'];
const ACCESS_TOKEN_TTL_SECONDS = 3600;
const CLOCK_SKEW_SECONDS = 300;

export interface GrantedToken {
  clientEmail: string;
  scope: string;
  /** True when the assertion's signature was checked against a known service-account key. */
  signatureVerified: boolean;
}

export type AssertionCheck = { ok: true; grant: GrantedToken } | { ok: false; error: string; description: string };

/**
 * Issues and checks OAuth2 access tokens the way Google's token endpoint does for a service account's JWT
 * assertion. Tokens are HMAC-signed rather than remembered, so the SDK's cached token (valid for an hour)
 * still works after the emulator restarts with the same key.
 */
export class FcmAccessTokens {
  private readonly hmacKey: Buffer;

  constructor(
    secret: string,
    private readonly serviceAccountKeys: ReadonlyMap<string, string>,
    private readonly requireKnownServiceAccount: boolean,
  ) {
    this.hmacKey = createHash('sha256').update(`fcm-emulator:${secret}`).digest();
  }

  checkAssertion(form: URLSearchParams, nowMs: number): AssertionCheck {
    if (form.get('grant_type') !== JWT_BEARER_GRANT) {
      return { ok: false, error: 'unsupported_grant_type', description: 'Invalid grant_type' };
    }
    let jwt;
    try {
      jwt = decodeJwt(form.get('assertion') ?? '');
    } catch {
      return { ok: false, error: 'invalid_grant', description: 'Invalid JWT: Token must be a short-lived token' };
    }
    const { iss, aud, exp, iat, scope } = jwt.payload;
    const nowSeconds = Math.floor(nowMs / 1000);
    if (jwt.header.alg !== 'RS256') return { ok: false, error: 'invalid_grant', description: 'Invalid JWT signature alg' };
    if (typeof iss !== 'string' || iss === '') return { ok: false, error: 'invalid_grant', description: 'Invalid JWT: no iss' };
    if (aud !== GOOGLE_TOKEN_URL) return { ok: false, error: 'invalid_grant', description: 'Invalid JWT: bad audience' };
    if (typeof exp !== 'number' || typeof iat !== 'number' || exp < nowSeconds - CLOCK_SKEW_SECONDS || iat > nowSeconds + CLOCK_SKEW_SECONDS) {
      return { ok: false, error: 'invalid_grant', description: 'Invalid JWT: Token must be a short-lived token and in a reasonable timeframe' };
    }
    if (typeof scope !== 'string' || !FCM_SCOPES.some((wanted) => scope.split(' ').includes(wanted))) {
      return { ok: false, error: 'invalid_scope', description: 'No scope allowing Firebase Cloud Messaging was requested' };
    }
    const publicKeyPem = this.serviceAccountKeys.get(iss);
    if (publicKeyPem === undefined && this.requireKnownServiceAccount) {
      return { ok: false, error: 'invalid_grant', description: 'Invalid grant: account not found' };
    }
    if (publicKeyPem !== undefined && !isJwtSignatureValid(jwt, publicKeyPem)) {
      return { ok: false, error: 'invalid_grant', description: 'Invalid JWT Signature.' };
    }
    return { ok: true, grant: { clientEmail: iss, scope, signatureVerified: publicKeyPem !== undefined } };
  }

  issue(grant: GrantedToken, nowMs: number): { access_token: string; expires_in: number; token_type: 'Bearer' } {
    const claims = Buffer.from(JSON.stringify({ sub: grant.clientEmail, exp: Math.floor(nowMs / 1000) + ACCESS_TOKEN_TTL_SECONDS })).toString('base64url');
    return { access_token: `ya29.emu.${claims}.${this.sign(claims)}`, expires_in: ACCESS_TOKEN_TTL_SECONDS, token_type: 'Bearer' };
  }

  /** The service account the bearer token was issued to, or undefined when it is not one of ours or expired. */
  verifyBearer(authorization: string | undefined, nowMs: number): string | undefined {
    const match = /^Bearer ya29\.emu\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
    if (match === null) return undefined;
    const [, claims, signature] = match as unknown as [string, string, string];
    const expected = Buffer.from(this.sign(claims));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const { sub, exp } = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as { sub: string; exp: number };
    return exp * 1000 > nowMs ? sub : undefined;
  }

  private sign(claims: string): string {
    return createHmac('sha256', this.hmacKey).update(claims).digest('base64url');
  }
}
