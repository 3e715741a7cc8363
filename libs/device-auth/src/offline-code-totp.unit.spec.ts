import { base32Decode, base32Encode, matchOfflineCode, offlineCodeAt, offlineCodeAtStep, offlineCodeStepAt, offlineCodeUri } from './offline-code-totp';

/** RFC 6238 appendix B, SHA-1 rows: the 20-byte ASCII seed "12345678901234567890", 8 digits. */
const SEED = Buffer.from('12345678901234567890', 'ascii');
const RFC_6238_SHA1: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('offline code (TOTP, RFC 6238)', () => {
  it.each(RFC_6238_SHA1)('matches the RFC test vector at T=%i', (seconds, expected) => {
    expect(offlineCodeAtStep(SEED, offlineCodeStepAt(seconds * 1000), 8)).toBe(expected);
    // Six digits are the last six of the same value.
    expect(offlineCodeAt(SEED, seconds * 1000)).toBe(expected.slice(2));
  });

  it('accepts the current step and one either side, names the step, and refuses the rest', () => {
    const at = 1_234_567_890_000;
    const step = offlineCodeStepAt(at);
    expect(matchOfflineCode(SEED, offlineCodeAtStep(SEED, step), at)).toBe(step);
    expect(matchOfflineCode(SEED, offlineCodeAtStep(SEED, step - 1), at)).toBe(step - 1);
    expect(matchOfflineCode(SEED, offlineCodeAtStep(SEED, step + 1), at)).toBe(step + 1);
    expect(matchOfflineCode(SEED, offlineCodeAtStep(SEED, step - 2), at)).toBeNull();
    expect(matchOfflineCode(SEED, offlineCodeAtStep(SEED, step + 2), at)).toBeNull();
    expect(matchOfflineCode(SEED, '12345', at)).toBeNull();
    expect(matchOfflineCode(SEED, 'abcdef', at)).toBeNull();
  });

  it('encodes base32 as authenticator apps read it (RFC 4648 vectors), both ways', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Encode(SEED)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ').equals(SEED)).toBe(true);
    expect(base32Decode('mzxw6ytboi======').toString()).toBe('foobar');
    expect(() => base32Decode('not-base32!')).toThrow();
  });

  it('writes the otpauth URI with its parameters', () => {
    const uri = new URL(offlineCodeUri('MZXW6YTBOI', 'pushmfa Acme', 'alice'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe('MZXW6YTBOI');
    expect(uri.searchParams.get('algorithm')).toBe('SHA1');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
  });
});
