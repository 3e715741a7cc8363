import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadRegistryConfig } from './config';

const TOKEN = 'an-operator-token-of-some-length';

/** What production needs to reach Kafka (TLS and the service's own user); the tests here are about other settings. */
const caFile = join(mkdtempSync(join(tmpdir(), 'config-spec-')), 'ca.pem');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n');
const KAFKA = { KAFKA_TLS_CA_FILE: caFile, KAFKA_SASL_USERNAME: 'pushmfa-test', KAFKA_SASL_PASSWORD: 'test-password' };

describe('registry configuration', () => {
  it('runs in production mode when PUSHMFA_MODE is not set, and then needs the operator token and an https PUBLIC_BASE_URL', () => {
    expect(() => loadRegistryConfig({ ...KAFKA })).toThrow(
      /PUSHMFA_OPERATOR_TOKEN: required in production mode[\s\S]*PUBLIC_BASE_URL: required in production mode/,
    );
    const config = loadRegistryConfig({ ...KAFKA, PUSHMFA_OPERATOR_TOKEN: TOKEN, PUBLIC_BASE_URL: 'https://mfa.example.com/' });
    expect(config).toMatchObject({ mode: 'production', publicBaseUrl: 'https://mfa.example.com', operatorTokenDefaulted: false });
  });

  it.each(['http://mfa.example.com', 'http://10.0.0.7:3002', 'http://192.168.1.20'])(
    'refuses to start in production with PUBLIC_BASE_URL=%s, saying why',
    (url) => {
      expect(() => loadRegistryConfig({ ...KAFKA, PUSHMFA_OPERATOR_TOKEN: TOKEN, PUBLIC_BASE_URL: url })).toThrow(
        /PUBLIC_BASE_URL: must be https in production mode .*pairing secret/,
      );
    },
  );

  it.each(['ftp://mfa.example.com', 'javascript:alert(1)'])('refuses a PUBLIC_BASE_URL that is not http(s): %s', (url) => {
    expect(() => loadRegistryConfig({ PUSHMFA_MODE: 'development', PUBLIC_BASE_URL: url })).toThrow(/PUBLIC_BASE_URL/);
  });

  it.each(['http://127.0.0.1:3002', 'http://localhost:3002', 'http://[::1]:3002'])('accepts plain http on a loopback address no phone can reach: %s', (url) => {
    expect(loadRegistryConfig({ ...KAFKA, PUSHMFA_OPERATOR_TOKEN: TOKEN, PUBLIC_BASE_URL: url }).publicBaseUrl).toBe(url);
  });

  it('uses the development defaults only when development mode is asked for', () => {
    expect(loadRegistryConfig({ PUSHMFA_MODE: 'development' })).toMatchObject({
      mode: 'development',
      operatorTokenDefaulted: true,
      publicBaseUrl: 'http://127.0.0.1:3002',
    });
  });
});
