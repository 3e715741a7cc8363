import { randomBytes } from 'node:crypto';

/** Crockford's base32: no I, L, O or U, so an id read out over the phone is not misheard or mistyped. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A new incident id, `INC-XXXX-XXXX`: 40 random bits in Crockford base32, short enough to read out to the help desk.
 * Ids are unique per workspace in reporting; with a million incidents of one workspace in retention, a new id meets an
 * existing one about once in a million shares.
 */
export function newIncidentId(random: (size: number) => Buffer = randomBytes): string {
  const bytes = random(5);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let text = '';
  for (let i = 7; i >= 0; i--) text += CROCKFORD[Number((bits >> BigInt(i * 5)) & 31n)];
  return `INC-${text.slice(0, 4)}-${text.slice(4)}`;
}
