import { Pool, type PoolClient } from 'pg';
import type { Kafka } from 'kafkajs';
import type { KafkaSecurityConfig } from '@pushmfa/service-config';
import { guardPoolConnections } from '@pushmfa/event-store';
import { createKafka } from './kafka-client';
import { KafkaEventPublisher } from './event-publisher';
import { migrateServiceSchema } from './pg-schema-migration';

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
    this.pool = new Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 20,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
      application_name: `pushmfa-${options.serviceName}`,
    });
    // A client losing its connection, idle or checked out, must not crash the process; its query reports it.
    guardPoolConnections(this.pool, (error) => options.log?.('warn', 'database connection lost', { error: error.message }));
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
