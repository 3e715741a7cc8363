import { z } from 'zod';
import { parseBrokers } from '@pushmfa/messaging';

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').default('postgres://postgres@127.0.0.1:5432/pushmfa'),
  KAFKA_BROKERS: z.string().default('127.0.0.1:9092'),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'only letters, digits, ".", "_" and "-"').default(''),
  PUSHMFA_MODE: z.enum(['development', 'production']).default('development'),
});

export interface ReportingConfig {
  port: number;
  databaseUrl: string;
  brokers: string[];
  topicPrefix: string;
  mode: 'development' | 'production';
}

/** Validates the environment; throws naming every missing or malformed variable. */
export function loadReportingConfig(env: NodeJS.ProcessEnv = process.env): ReportingConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`reporting configuration is invalid: ${problems}`);
  }
  const e = parsed.data;
  let brokers: string[];
  try {
    brokers = parseBrokers(e.KAFKA_BROKERS);
  } catch (error) {
    throw new Error(`reporting configuration is invalid: ${(error as Error).message}`);
  }
  return { port: e.PORT, databaseUrl: e.DATABASE_URL, brokers, topicPrefix: e.KAFKA_TOPIC_PREFIX, mode: e.PUSHMFA_MODE };
}
