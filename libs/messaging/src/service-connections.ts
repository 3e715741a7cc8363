import type { Pool, PoolClient } from 'pg';
import type { Kafka } from 'kafkajs';
import type { KafkaSecurityConfig } from '@pushmfa/service-config';
import { createServicePool, migrateServiceSchema } from '@pushmfa/postgres';
import { createKafka } from './kafka-client';
import { KafkaEventPublisher } from './event-publisher';

export interface ServiceConnectionsOptions {
  serviceName: string;
  databaseUrl: string;
  /** The service's own PostgreSQL schema. */
  schema: string;
  brokers: string[];
  /** The service's own Kafka user and TLS settings (config.kafka). */
  kafka: KafkaSecurityConfig;
  topicPrefix: string;
  poolSize?: number;
  log?: (level: 'error' | 'warn' | 'info', message: string, extra?: Record<string, unknown>) => void;
}

/**
 * One PostgreSQL pool (a service's schema), one Kafka client and one idempotent producer together, for a command-line
 * tool or a test (the report rebuild, say); the services declare theirs as injected providers. `close()` ends them
 * in the right order.
 */
export class ServiceConnections {
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly publisher: KafkaEventPublisher;

  constructor(readonly options: ServiceConnectionsOptions) {
    // A client losing its connection, idle or checked out, must not crash the process; its query reports it.
    this.pool = createServicePool({
      connectionString: options.databaseUrl,
      applicationName: `pushmfa-${options.serviceName}`,
      max: options.poolSize,
      onConnectionLost: (error) => options.log?.('warn', 'database connection lost', { error: error.message }),
    });
    this.kafka = createKafka({ brokers: options.brokers, security: options.kafka, clientId: `pushmfa-${options.serviceName}`, log: options.log });
    this.publisher = new KafkaEventPublisher(this.kafka);
  }

  /** Creates the service's schema and, in the same transaction, the tables `createTables` makes. */
  migrateSchema(createTables: (client: PoolClient) => Promise<void> = async () => undefined): Promise<void> {
    return migrateServiceSchema(this.pool, this.options.schema, createTables);
  }

  async databaseAnswers(): Promise<boolean> {
    try {
      await this.pool.query('select 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.publisher.disconnect().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}
