import { kafkaSecurityDir } from './kafka-credentials';

/** Where tests reach the real infrastructure. Serialised into process.env so jest workers inherit it. */
export interface InfrastructureEndpoints {
  /** Comma-separated host:port list, as in KAFKA_BROKERS. */
  kafkaBrokers: string;
  /** A PostgreSQL URL whose user may create and drop databases (the admin connection for test namespaces). */
  databaseUrl: string;
  redisUrl: string;
  /** Who provides them: given in the environment, started as containers, or by deploy/local/infra.sh. */
  source: InfrastructureSource;
}

export type InfrastructureSource = 'environment' | 'containers' | 'local';

export const ENDPOINT_VARIABLES = ['KAFKA_BROKERS', 'DATABASE_URL', 'REDIS_URL'] as const;
const SOURCE_VARIABLE = 'PUSHMFA_TEST_INFRA_SOURCE';

/** Endpoints fully given by the environment, or undefined when any of the three is missing. */
export function endpointsFromEnvironment(env: NodeJS.ProcessEnv = process.env): InfrastructureEndpoints | undefined {
  const kafkaBrokers = env.KAFKA_BROKERS;
  const databaseUrl = env.DATABASE_URL;
  const redisUrl = env.REDIS_URL;
  if (!kafkaBrokers || !databaseUrl || !redisUrl) return undefined;
  const source = env[SOURCE_VARIABLE];
  return { kafkaBrokers, databaseUrl, redisUrl, source: isSource(source) ? source : 'environment' };
}

export function exportEndpoints(endpoints: InfrastructureEndpoints, env: NodeJS.ProcessEnv = process.env): void {
  // Workers and child processes read the same Kafka CA and users (libs/testing kafka-credentials.ts).
  env.PUSHMFA_KAFKA_SECURITY_DIR = kafkaSecurityDir(env);
  env.KAFKA_BROKERS = endpoints.kafkaBrokers;
  env.DATABASE_URL = endpoints.databaseUrl;
  env.REDIS_URL = endpoints.redisUrl;
  env[SOURCE_VARIABLE] = endpoints.source;
}

export function kafkaBrokerList(endpoints: Pick<InfrastructureEndpoints, 'kafkaBrokers'>): string[] {
  return endpoints.kafkaBrokers
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
}

/** A URL fit for an error message: the password, if any, is replaced. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function isSource(value: string | undefined): value is InfrastructureSource {
  return value === 'environment' || value === 'containers' || value === 'local';
}
