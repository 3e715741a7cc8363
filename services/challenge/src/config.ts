import { z } from 'zod';
import { parseBrokers } from '@pushmfa/messaging';

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').default('postgres://postgres@127.0.0.1:5432/pushmfa'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  KAFKA_BROKERS: z.string().default('127.0.0.1:9092'),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/).default(''),
  PUSHMFA_MODE: z.enum(['development', 'production']).default('development'),
});

export interface ChallengeConfig {
  port: number;
  databaseUrl: string;
  redisUrl: string;
  brokers: string[];
  topicPrefix: string;
  mode: 'development' | 'production';
}

/** Validates the environment; throws naming every missing or malformed variable. */
export function loadChallengeConfig(env: NodeJS.ProcessEnv = process.env): ChallengeConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`challenge configuration is invalid: ${problems}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    brokers: parseBrokers(e.KAFKA_BROKERS),
    topicPrefix: e.KAFKA_TOPIC_PREFIX,
    mode: e.PUSHMFA_MODE,
  };
}
