import { isSecretKey, maskPushToken, redactSecrets, sanitizeHeaders } from './redaction';

describe('maskPushToken', () => {
  it('keeps only the last 6 characters', () => {
    expect(maskPushToken('fcm-token-abcdef123456')).toBe('…123456');
  });

  it('shows nothing of a token too short to mask, or of a non-string', () => {
    expect(maskPushToken('abc')).toBe('…');
    expect(maskPushToken(undefined)).toBe('[Redacted]');
    expect(maskPushToken(12345678)).toBe('[Redacted]');
  });
});

describe('redactSecrets', () => {
  it('replaces secret fields at any depth and masks push tokens', () => {
    const event = {
      type: 'DeviceRegistered',
      data: {
        secret: 'pairing-secret',
        publicKey: { kty: 'OKP', x: 'abc' },
        pushToken: 'apns-token-0123456789',
        devices: [{ apiKey: 'k1', password: 'p', privateKey: 'pk', accessToken: 't', key: 'raw-key', keyHash: 'h' }],
      },
    };
    expect(redactSecrets(event)).toEqual({
      type: 'DeviceRegistered',
      data: {
        secret: '[Redacted]',
        publicKey: { kty: 'OKP', x: 'abc' },
        pushToken: '…456789',
        devices: [{ apiKey: '[Redacted]', password: '[Redacted]', privateKey: '[Redacted]', accessToken: '[Redacted]', key: '[Redacted]', keyHash: 'h' }],
      },
    });
  });

  it('does not touch the original object, nor non-plain objects', () => {
    const original = { token: 't' };
    redactSecrets(original);
    expect(original.token).toBe('t');
    const error = new Error('x');
    expect(redactSecrets({ err: error }).err).toBe(error);
  });

  it('keeps identifiers that merely resemble secrets', () => {
    expect(['userId', 'deviceId', 'keyHash', 'idempotencyKeyHash', 'pushTokenStatus'].filter(isSecretKey)).toEqual([]);
  });
});

describe('sanitizeHeaders', () => {
  it('hides credentials and signatures whatever their case', () => {
    expect(sanitizeHeaders({ Authorization: 'Bearer x', 'x-signature': 'sig', cookie: 'c', 'x-device-id': 'd', 'x-api-key': 'k' })).toEqual({
      Authorization: '[Redacted]',
      'x-signature': '[Redacted]',
      cookie: '[Redacted]',
      'x-device-id': 'd',
      'x-api-key': '[Redacted]',
    });
  });
});
