import { describe, expect, it } from '@jest/globals';
import { buildSignedText, sha256Base64url } from './signed-text';

describe('buildSignedText', () => {
  it('joins the six lines with the upper-cased method and the path as sent', () => {
    const text = buildSignedText({
      method: 'get',
      pathWithQuery: '/v1/device/challenges?status=pending&b=%2F',
      timestampMs: 1_000,
      nonce: 'abcdefghijklmnop',
      body: undefined,
    });
    expect(text.split('\n')).toEqual([
      'PUSHMFA-V1',
      'GET',
      '/v1/device/challenges?status=pending&b=%2F',
      '1000',
      'abcdefghijklmnop',
      '47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU',
    ]);
  });

  it('hashes no body, an empty string and an empty buffer alike', () => {
    expect(sha256Base64url(undefined)).toBe(sha256Base64url(''));
    expect(sha256Base64url(Buffer.alloc(0))).toBe(sha256Base64url(''));
  });

  it('hashes the raw bytes, so a string and its UTF-8 bytes agree', () => {
    expect(sha256Base64url(Buffer.from('{"a":"é"}', 'utf8'))).toBe(sha256Base64url('{"a":"é"}'));
    expect(sha256Base64url('x')).not.toMatch(/[=+/]/);
  });
});
