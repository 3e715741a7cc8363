import { parseServiceEnv, serviceConfigOf, serviceEnvShape } from './service-env';

describe('service environment', () => {
  it('gives the defaults of API.md, in production mode unless development is asked for', () => {
    expect(serviceConfigOf(parseServiceEnv('probe', serviceEnvShape(3009), { PUSHMFA_MODE: 'development' }))).toEqual({
      port: 3009,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/pushmfa',
      brokers: ['127.0.0.1:9092'],
      topicPrefix: '',
      mode: 'development',
      kafka: {},
    });
    // Unset is production: it refuses to start without what production needs (here: Kafka over TLS).
    expect(() => parseServiceEnv('probe', serviceEnvShape(3009), {})).toThrow(/production mode/);
  });

  it('splits the broker list', () => {
    expect(parseServiceEnv('probe', serviceEnvShape(1), { KAFKA_BROKERS: 'a:9092, b:9093', PUSHMFA_MODE: 'development' }).KAFKA_BROKERS).toEqual([
      'a:9092',
      'b:9093',
    ]);
  });

  it('names every malformed variable at once', () => {
    const run = () =>
      parseServiceEnv('probe', serviceEnvShape(1), { PORT: 'eighty', KAFKA_BROKERS: 'no-port', PUSHMFA_MODE: 'staging', DATABASE_URL: 'mysql://x' });
    expect(run).toThrow(/probe configuration is invalid[\s\S]*PORT[\s\S]*DATABASE_URL[\s\S]*KAFKA_BROKERS[\s\S]*PUSHMFA_MODE/);
  });
});
