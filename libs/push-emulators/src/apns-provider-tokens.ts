import { decodeJwt, isJwtSignatureValid } from './compact-jwt';
import type { ApnsFailureReason } from './apns-responses';

export interface ApnsSigningKey {
  keyId: string;
  teamId: string;
  publicKeyPem: string;
}

const PROVIDER_TOKEN_MAX_AGE_SECONDS = 3600;
const CLOCK_SKEW_SECONDS = 300;

/** Checks the `authorization: bearer <ES256 JWT>` provider token the way APNs does. */
export class ApnsProviderTokens {
  constructor(
    private readonly keysById: ReadonlyMap<string, ApnsSigningKey>,
    private readonly requireKnownKey: boolean,
  ) {}

  /** The 403 reason APNs would answer, or undefined when the token is good. */
  findProblem(authorization: string | undefined, nowMs: number): ApnsFailureReason | undefined {
    const match = /^bearer (\S+)$/i.exec(authorization ?? '');
    if (match === null) return 'MissingProviderToken';
    let jwt;
    try {
      jwt = decodeJwt(match[1] ?? '');
    } catch {
      return 'InvalidProviderToken';
    }
    const { alg, kid } = jwt.header;
    const { iss, iat } = jwt.payload;
    if (alg !== 'ES256' || typeof kid !== 'string' || typeof iss !== 'string' || typeof iat !== 'number') {
      return 'InvalidProviderToken';
    }
    const key = this.keysById.get(kid);
    if (key === undefined && this.requireKnownKey) return 'InvalidProviderToken';
    if (key !== undefined && (key.teamId !== iss || !isJwtSignatureValid(jwt, key.publicKeyPem))) return 'InvalidProviderToken';
    const nowSeconds = Math.floor(nowMs / 1000);
    if (iat > nowSeconds + CLOCK_SKEW_SECONDS) return 'InvalidProviderToken';
    if (nowSeconds - iat > PROVIDER_TOKEN_MAX_AGE_SECONDS) return 'ExpiredProviderToken';
    return undefined;
  }
}
