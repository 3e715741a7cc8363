import type { Pool, PoolClient } from 'pg';
import type { Kafka } from 'kafkajs';
import type { KafkaSecurityConfig } from '@pushmfa/service-config';
import { createServicePool, migrateServiceSchema } from '@pushmfa/postgres';
import { createKafka } from './kafka-client';
import { KafkaEventPublisher } from './event-publisher';

export interface ServiceRuntimeOptions {
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
 * The connections every service holds: one PostgreSQL pool (its schema), one Kafka client and one idempotent
 * producer. Created once per process; `close()` ends them in the right order.
 */
export class ServiceRuntime {
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly publisher: KafkaEventPublisher;

  constructor(readonly options: ServiceRuntimeOptions) {
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
