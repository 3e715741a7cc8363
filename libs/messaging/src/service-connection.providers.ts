import type { FactoryProvider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { leveledLog, PinoLogger } from '@pushmfa/observability';
import { createServicePool } from '@pushmfa/postgres';
import type { KafkaSecurityConfig } from '@pushmfa/service-config';
import { createKafka } from './kafka-client';

/**
 * A service's PostgreSQL pool under `token` (`pushmfa-<service>` in pg_stat_activity). A client losing its
 * connection, idle or checked out, must not crash the process; its query reports it, and the loss is logged.
 */
export function servicePoolProvider(token: symbol, options: { serviceName: string; databaseUrl: string }): FactoryProvider<Pool> {
  return {
    provide: token,
    inject: [PinoLogger],
    useFactory: (logger: PinoLogger) =>
      createServicePool({
        connectionString: options.databaseUrl,
        applicationName: `pushmfa-${options.serviceName}`,
        onConnectionLost: (error) => logger.warn({ error: error.message }, 'database connection lost'),
      }),
  };
}

/** A service's Kafka client under `token`, with its own user and TLS settings; kafkajs' warnings go to the service's log. */
export function serviceKafkaProvider(
  token: symbol,
  options: { serviceName: string; brokers: string[]; security: KafkaSecurityConfig },
): FactoryProvider<Kafka> {
  return {
    provide: token,
    inject: [PinoLogger],
    useFactory: (logger: PinoLogger) =>
      createKafka({ brokers: options.brokers, security: options.security, clientId: `pushmfa-${options.serviceName}`, log: leveledLog(logger) }),
  };
}
