import { describe, expect, it } from '@jest/globals';
import { loadReportingConfig } from './config';

describe('reporting configuration', () => {
  it('defaults to port 3003, the local broker and the pushmfa database', () => {
    expect(loadReportingConfig({})).toEqual({
      port: 3003,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/pushmfa',
      brokers: ['127.0.0.1:9092'],
      topicPrefix: '',
      mode: 'production',
      registryViewMaxWaitMs: 3000,
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ KAFKA_BROKERS: 'no-port' }, 'KAFKA_BROKERS'],
    [{ KAFKA_TOPIC_PREFIX: 'a b' }, 'KAFKA_TOPIC_PREFIX'],
    [{ PUSHMFA_MODE: 'staging' }, 'PUSHMFA_MODE'],
  ])('refuses %j, naming %s', (env, name) => {
    expect(() => loadReportingConfig(env)).toThrow(name);
  });
});
