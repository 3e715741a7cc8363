import { randomBytes } from 'node:crypto';
import { loadChallengeConfig } from './config';

const KAFKA = { KAFKA_SASL_USERNAME: 'pushmfa-challenge', KAFKA_SASL_PASSWORD: 'secret-password', KAFKA_TLS_CA_FILE: __filename };

describe('challenge configuration: the offline-code encryption key', () => {
  it('production mode refuses to start without OFFLINE_CODE_ENCRYPTION_KEY, naming it', () => {
    expect(() => loadChallengeConfig({ ...KAFKA, PUSHMFA_MODE: 'production' })).toThrow(/OFFLINE_CODE_ENCRYPTION_KEY: required in production mode/);
  });

  it('refuses a key that is not 32 bytes without echoing it', () => {
    const short = randomBytes(16).toString('base64');
    let message = '';
    try {
      loadChallengeConfig({ ...KAFKA, PUSHMFA_MODE: 'production', OFFLINE_CODE_ENCRYPTION_KEY: short });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/OFFLINE_CODE_ENCRYPTION_KEY: key "k1": must be 32 bytes, base64/);
    expect(message).not.toContain(short);
  });

  it('takes one key, or several for rotation (the first seals)', () => {
    const one = loadChallengeConfig({ ...KAFKA, OFFLINE_CODE_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
    expect(one.offlineCodeKeys.map((k) => k.id)).toEqual(['k1']);
    expect(one.offlineCodeKeyDefaulted).toBe(false);
    const rotated = loadChallengeConfig({
      ...KAFKA,
      OFFLINE_CODE_ENCRYPTION_KEY: `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`,
    });
    expect(rotated.offlineCodeKeys.map((k) => k.id)).toEqual(['k2', 'k1']);
  });

  it('development mode uses the fixed development key and says so', () => {
    const config = loadChallengeConfig({ PUSHMFA_MODE: 'development' });
    expect(config.offlineCodeKeys.map((k) => k.id)).toEqual(['dev']);
    expect(config.offlineCodeKeyDefaulted).toBe(true);
  });
});
