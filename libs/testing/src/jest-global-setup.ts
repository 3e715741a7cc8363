import { resolveInfrastructure } from './infrastructure';

/**
 * jest globalSetup for the int and e2e projects: makes sure real Kafka, PostgreSQL and Redis answer before any
 * test file runs, and puts their endpoints into process.env, which the test workers inherit.
 */
export default async function globalSetup(): Promise<void> {
  const endpoints = await resolveInfrastructure();
  process.stderr.write(
    `\n[testing] infrastructure from ${endpoints.source}: KAFKA_BROKERS=${endpoints.kafkaBrokers} ` + `REDIS_URL=${endpoints.redisUrl} (PostgreSQL ready)\n`,
  );
}
