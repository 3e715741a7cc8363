import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseServiceEnv, serviceConfigOf, serviceEnvShape } from './service-env';

const dir = mkdtempSync(join(tmpdir(), 'kafka-security-'));
const caFile = join(dir, 'ca.pem');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n');
const load = (env: NodeJS.ProcessEnv) => serviceConfigOf(parseServiceEnv('probe', serviceEnvShape(1), env));

describe('Kafka authentication settings', () => {
  const authenticated = { KAFKA_SASL_USERNAME: 'pushmfa-challenge', KAFKA_SASL_PASSWORD: 'secret-password', KAFKA_TLS_CA_FILE: caFile };

  it('refuses to start in production without TLS and a Kafka user (fail closed)', () => {
    expect(() => load({ PUSHMFA_MODE: 'production' })).toThrow(
      /KAFKA_TLS_CA_FILE: production mode talks to Kafka over TLS only[\s\S]*KAFKA_SASL_USERNAME: production mode authenticates/,
    );
    expect(() => load({ PUSHMFA_MODE: 'production', KAFKA_TLS_CA_FILE: caFile })).toThrow(/KAFKA_SASL_USERNAME: production mode authenticates/);
    expect(() => load({ PUSHMFA_MODE: 'production', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toThrow(/KAFKA_TLS_CA_FILE/);
    expect(() => load({ PUSHMFA_MODE: 'production', ...authenticated, KAFKA_TLS: 'false' })).toThrow(/KAFKA_TLS/);
  });

  it('takes SCRAM-SHA-512 over TLS with the given CA', () => {
    expect(load({ PUSHMFA_MODE: 'production', ...authenticated }).kafka).toEqual({
      tls: { ca: expect.stringContaining('BEGIN CERTIFICATE') },
      sasl: { mechanism: 'scram-sha-512', username: 'pushmfa-challenge', password: 'secret-password' },
    });
  });

  it('accepts a client certificate instead of a SCRAM user (mTLS), and TLS with the default CAs', () => {
    const certFile = join(dir, 'client.pem');
    const keyFile = join(dir, 'client.key');
    writeFileSync(certFile, 'CERT');
    writeFileSync(keyFile, 'KEY');
    expect(load({ PUSHMFA_MODE: 'production', KAFKA_TLS: 'true', KAFKA_TLS_CERT_FILE: certFile, KAFKA_TLS_KEY_FILE: keyFile }).kafka).toEqual({
      tls: { cert: 'CERT', key: 'KEY' },
    });
  });

  it('names a half-given user, a missing key and an unreadable file, in any mode', () => {
    expect(() => load({ KAFKA_SASL_USERNAME: 'u' })).toThrow(/KAFKA_SASL_PASSWORD: required with KAFKA_SASL_USERNAME/);
    expect(() => load({ KAFKA_TLS_CERT_FILE: caFile })).toThrow(/KAFKA_TLS_KEY_FILE/);
    expect(() => load({ KAFKA_TLS_CA_FILE: join(dir, 'missing.pem') })).toThrow(/KAFKA_TLS_CA_FILE: cannot read .*missing\.pem \(ENOENT\)/);
    expect(() => load({ KAFKA_SASL_MECHANISM: 'plain' })).toThrow(/KAFKA_SASL_MECHANISM/);
  });

  it('keeps the password out of the error message', () => {
    let message = '';
    try {
      load({ PUSHMFA_MODE: 'production', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'hunter2-secret' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/KAFKA_TLS_CA_FILE/);
    expect(message).not.toContain('hunter2-secret');
  });

  it('lets development run without Kafka authentication (a plaintext broker of ones own)', () => {
    expect(load({ PUSHMFA_MODE: 'development' }).kafka).toEqual({});
  });

  it('applies the production rules when PUSHMFA_MODE is not set', () => {
    expect(() => load({})).toThrow(/KAFKA_TLS_CA_FILE: production mode talks to Kafka over TLS only/);
  });
});
