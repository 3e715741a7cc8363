import { z } from 'zod';
import { parseBrokers } from '@pushmfa/messaging';

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').default('postgres://postgres@127.0.0.1:5432/pushmfa'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  KAFKA_BROKERS: z.string().default('127.0.0.1:9092'),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/).default(''),
  PUSHMFA_MODE: z.enum(['development', 'production']).default('development'),
  PUSHMFA_OPERATOR_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Base URL the app calls to register; goes into the QR code. */
  PUBLIC_BASE_URL: z.string().url().optional(),
});

export interface RegistryConfig {
  port: number;
  databaseUrl: string;
  redisUrl: string;
  brokers: string[];
  topicPrefix: string;
  mode: 'development' | 'production';
  operatorToken: string;
  publicBaseUrl: string;
  /** The operator token was defaulted (development only): main.ts warns. */
  operatorTokenDefaulted: boolean;
}

export const DEV_OPERATOR_TOKEN = 'dev-operator-token';

/** Validates the environment; throws naming every missing or malformed variable. */
export function loadRegistryConfig(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`device-registry configuration is invalid: ${problems}`);
  }
  const e = parsed.data;
  if (e.PUSHMFA_MODE === 'production' && !e.PUSHMFA_OPERATOR_TOKEN) {
    throw new Error('device-registry configuration is invalid: PUSHMFA_OPERATOR_TOKEN is required in production mode');
  }
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    brokers: parseBrokers(e.KAFKA_BROKERS),
    topicPrefix: e.KAFKA_TOPIC_PREFIX,
    mode: e.PUSHMFA_MODE,
    operatorToken: e.PUSHMFA_OPERATOR_TOKEN ?? DEV_OPERATOR_TOKEN,
    operatorTokenDefaulted: !e.PUSHMFA_OPERATOR_TOKEN,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/$/, ''),
  };
}
