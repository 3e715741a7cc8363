import { loadDeliveryConfig } from './config';

describe('loadDeliveryConfig', () => {
  it('falls back to the documented defaults', () => {
    expect(loadDeliveryConfig({})).toMatchObject({
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
    const config = loadDeliveryConfig({ DELIVERY_CONCURRENCY: '8', KAFKA_BROKERS: 'a:9092, b:9093' });
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
