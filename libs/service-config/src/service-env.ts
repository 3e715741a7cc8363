import { z } from 'zod';
import { type KafkaSecurityConfig, kafkaSecurityEnvShape, kafkaSecurityOf, kafkaSecurityProblems } from './kafka-security';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/pushmfa';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const BROKER = /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/;

/** `KAFKA_BROKERS`: "host:port,host:port". */
const brokersSchema = z
  .string()
  .default('127.0.0.1:9092')
  .transform((value) =>
    value
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  )
  .refine((brokers) => brokers.length > 0 && brokers.every((b) => BROKER.test(b)), 'must be host:port[,host:port...]');

/** The variables every service reads (API.md, "Running it"). */
export function serviceEnvShape(defaultPort: number) {
  return {
    PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .default(DEFAULT_DATABASE_URL),
    KAFKA_BROKERS: brokersSchema,
    KAFKA_TOPIC_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._-]*$/, 'only letters, digits, ".", "_" and "-"')
      .default(''),
    // Fail closed: development (defaulted operator token, local push emulators) only when asked for by name.
    PUSHMFA_MODE: z.enum(['development', 'production']).default('production'),
    ...kafkaSecurityEnvShape,
  };
}

export const redisEnvShape = {
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default(DEFAULT_REDIS_URL),
};

/** For services that trust a view of the registry topic (challenge, reporting): see ViewFreshness in libs/messaging. */
export const registryViewEnvShape = {
  REGISTRY_VIEW_MAX_WAIT_MS: z.coerce.number().int().min(100).max(60000).default(3000),
};

export interface ServiceConfig {
  port: number;
  databaseUrl: string;
  brokers: string[];
  topicPrefix: string;
  mode: 'development' | 'production';
  /** TLS and SASL for every Kafka connection (KAFKA_SASL_*, KAFKA_TLS_*). Holds a secret: never log it. */
  kafka: KafkaSecurityConfig;
}

/** Parses the environment against `shape`; throws one error naming every missing or malformed variable. */
export function parseServiceEnv<S extends z.ZodRawShape>(serviceName: string, shape: S, env: NodeJS.ProcessEnv): z.output<z.ZodObject<S>> {
  const parsed = z.object(shape).safeParse(env);
  const problems = parsed.success ? crossFieldProblems(parsed.data) : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (parsed.success && problems.length === 0) return parsed.data;
  throw new Error(`${serviceName} configuration is invalid:\n  - ${problems.join('\n  - ')}`);
}

/** Rules across variables: those of Kafka's authentication when the shape has them (see kafka-security.ts). */
function crossFieldProblems(values: Record<string, unknown>): string[] {
  if (!('KAFKA_SASL_MECHANISM' in values)) return [];
  const mode = values.PUSHMFA_MODE === 'production' ? 'production' : 'development';
  return kafkaSecurityProblems(values as Parameters<typeof kafkaSecurityProblems>[0], mode);
}

/** The common part of a service's config, from values parsed with `serviceEnvShape`. */
export function serviceConfigOf(values: z.output<z.ZodObject<ReturnType<typeof serviceEnvShape>>>): ServiceConfig {
  return {
    port: values.PORT,
    databaseUrl: values.DATABASE_URL,
    brokers: values.KAFKA_BROKERS,
    topicPrefix: values.KAFKA_TOPIC_PREFIX,
    mode: values.PUSHMFA_MODE,
    kafka: kafkaSecurityOf(values),
  };
}
