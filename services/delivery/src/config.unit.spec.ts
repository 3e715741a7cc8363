import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDeliveryConfig } from './config';

/** What production needs to reach Kafka (TLS and the service's own user); the tests here are about other settings. */
const caFile = join(mkdtempSync(join(tmpdir(), 'config-spec-')), 'ca.pem');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n');
const KAFKA = { KAFKA_TLS_CA_FILE: caFile, KAFKA_SASL_USERNAME: 'pushmfa-test', KAFKA_SASL_PASSWORD: 'test-password' };

describe('loadDeliveryConfig', () => {
  it('falls back to the documented defaults', () => {
    expect(loadDeliveryConfig({ ...KAFKA })).toMatchObject({
      port: 3004,
      brokers: ['127.0.0.1:9092'],
      topicPrefix: '',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/pushmfa',
      mode: 'production',
      concurrency: 64,
      schema: 'delivery',
    });
  });

  it('reads DELIVERY_CONCURRENCY and the broker list', () => {
    const config = loadDeliveryConfig({ ...KAFKA, DELIVERY_CONCURRENCY: '8', KAFKA_BROKERS: 'a:9092, b:9093' });
    expect(config.concurrency).toBe(8);
    expect(config.brokers).toEqual(['a:9092', 'b:9093']);
  });

  it('stops with a message naming every malformed variable', () => {
    expect(() => loadDeliveryConfig({ PORT: 'eighty', PUSHMFA_MODE: 'staging', DELIVERY_CONCURRENCY: '0' })).toThrow(
      /PORT[\s\S]*PUSHMFA_MODE[\s\S]*DELIVERY_CONCURRENCY/,
    );
    expect(() => loadDeliveryConfig({ KAFKA_BROKERS: 'no-port' })).toThrow(/KAFKA_BROKERS/);
  });
});
