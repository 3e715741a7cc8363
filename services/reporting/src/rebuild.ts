import { ServiceConnections } from '@pushmfa/messaging';
import { loadReportingConfig } from './config';
import { rebuildMfaReport } from './rebuilding/mfa-report.rebuild';
import { REPORTING_SCHEMA } from './reporting.di-tokens';

/**
 * `npm run reporting:rebuild`: replays the MFA Report into a fresh table and switches to it. Safe while the
 * reporting service runs; reads the same environment as the service (DATABASE_URL, KAFKA_BROKERS, ...).
 */
async function main(): Promise<void> {
  const config = loadReportingConfig();
  const log = (level: 'error' | 'warn' | 'info', message: string, extra?: Record<string, unknown>) =>
    console.error(JSON.stringify({ level, time: new Date().toISOString(), service: 'reporting-rebuild', msg: message, ...extra }));
  const connections = new ServiceConnections({
    serviceName: 'reporting-rebuild',
    databaseUrl: config.databaseUrl,
    schema: REPORTING_SCHEMA,
    brokers: config.brokers,
    kafka: config.kafka,
    topicPrefix: config.topicPrefix,
    log,
    poolSize: 4,
  });
  try {
    const result = await rebuildMfaReport({ pool: connections.pool, kafka: connections.kafka, schema: REPORTING_SCHEMA, topicPrefix: config.topicPrefix, log });
    log('info', 'rebuild finished', { ...result });
  } finally {
    await connections.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`reporting rebuild failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
