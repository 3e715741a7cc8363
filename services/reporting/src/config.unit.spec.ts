import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadReportingConfig } from './config';

/** What production needs to reach Kafka (TLS and the service's own user); the tests here are about other settings. */
const caFile = join(mkdtempSync(join(tmpdir(), 'config-spec-')), 'ca.pem');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n');
const KAFKA = { KAFKA_TLS_CA_FILE: caFile, KAFKA_SASL_USERNAME: 'pushmfa-test', KAFKA_SASL_PASSWORD: 'test-password' };

describe('reporting configuration', () => {
  it('defaults to port 3003, the local broker and the pushmfa database', () => {
    expect(loadReportingConfig({ ...KAFKA })).toMatchObject({
      port: 3003,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/pushmfa',
      brokers: ['127.0.0.1:9092'],
      topicPrefix: '',
      mode: 'production',
      registryViewMaxWaitMs: 3000,
      webhooks: {
        retryBaseMs: 30_000,
        retryCapMs: 3_600_000,
        retryWindowMs: 86_400_000,
        timeoutMs: 5_000,
        pollIntervalMs: 1_000,
        secretKey: undefined,
        allowPrivateTargets: false,
      },
    });
  });

  it('reads a webhook secret key of 32 bytes, base64', () => {
    const key = Buffer.alloc(32, 3);
    expect(loadReportingConfig({ ...KAFKA, WEBHOOK_SECRET_KEY: key.toString('base64') }).webhooks.secretKey).toEqual(key);
  });

  it('lets webhooks reach private addresses only in development mode, unless told otherwise', () => {
    expect(loadReportingConfig({ ...KAFKA }).webhooks.allowPrivateTargets).toBe(false);
    expect(loadReportingConfig({ PUSHMFA_MODE: 'development' }).webhooks.allowPrivateTargets).toBe(true);
    expect(loadReportingConfig({ ...KAFKA, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }).webhooks.allowPrivateTargets).toBe(true);
    expect(loadReportingConfig({ PUSHMFA_MODE: 'development', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' }).webhooks.allowPrivateTargets).toBe(false);
    expect(() => loadReportingConfig({ ...KAFKA, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'yes' })).toThrow(/WEBHOOK_ALLOW_PRIVATE_TARGETS/);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ KAFKA_BROKERS: 'no-port' }, 'KAFKA_BROKERS'],
    [{ KAFKA_TOPIC_PREFIX: 'a b' }, 'KAFKA_TOPIC_PREFIX'],
    [{ PUSHMFA_MODE: 'staging' }, 'PUSHMFA_MODE'],
    [{ WEBHOOK_SECRET_KEY: Buffer.alloc(16).toString('base64') }, 'WEBHOOK_SECRET_KEY'],
    [{ WEBHOOK_RETRY_BASE_MS: '0' }, 'WEBHOOK_RETRY_BASE_MS'],
  ])('refuses %j, naming %s', (env, name) => {
    expect(() => loadReportingConfig(env)).toThrow(name);
  });
});
