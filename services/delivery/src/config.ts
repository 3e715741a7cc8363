import { z } from 'zod';
import { parseBrokers } from '@pushmfa/messaging';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3004),
  KAFKA_BROKERS: z.string().optional(),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-" only').default(''),
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/pushmfa'),
  PUSHMFA_MODE: z.enum(['development', 'production']).default('development'),
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(10000).default(64),
  // Below the 15 s hard shutdown deadline (SHUTDOWN_TIMEOUT_MS), leaving time to disconnect.
  DELIVERY_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120000).default(10000),
});

export interface DeliveryConfig {
  port: number;
  kafkaBrokers: string[];
  topicPrefix: string;
  databaseUrl: string;
  mode: 'development' | 'production';
  /** Upper bound on pushes in flight at once (provider calls plus their publishing). */
  concurrency: number;
  /** How long shutdown waits for in-flight pushes before it disconnects anyway. */
  drainTimeoutMs: number;
  /** PostgreSQL schema the service owns. */
  schema: string;
}

/** Reads and validates the environment; throws one error naming every missing or malformed variable. */
export function loadDeliveryConfig(env: NodeJS.ProcessEnv = process.env): DeliveryConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`delivery: invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  const values = parsed.data;
  return {
    port: values.PORT,
    kafkaBrokers: parseBrokers(values.KAFKA_BROKERS),
    topicPrefix: values.KAFKA_TOPIC_PREFIX,
    databaseUrl: values.DATABASE_URL,
    mode: values.PUSHMFA_MODE,
    concurrency: values.DELIVERY_CONCURRENCY,
    drainTimeoutMs: values.DELIVERY_DRAIN_TIMEOUT_MS,
    schema: 'delivery',
  };
}
