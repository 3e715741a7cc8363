import './kafkajs-idle-fix';
import { Kafka, type KafkaConfig, logLevel, type LogEntry } from 'kafkajs';
import type { KafkaSecurityConfig } from '@pushmfa/service-config';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  /** TLS and SASL (from the service's config); omitted only against a plaintext development broker. */
  security?: KafkaSecurityConfig;
  /** Receives kafkajs' own log lines (warn and above). */
  log?: (level: 'error' | 'warn' | 'info', message: string, extra: Record<string, unknown>) => void;
}

/** Parses `KAFKA_BROKERS` ("host:port,host:port"). */
export function parseBrokers(value: string | undefined, fallback = '127.0.0.1:9092'): string[] {
  const brokers = (value ?? fallback)
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const broker of brokers) {
    if (!/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(broker)) throw new Error(`KAFKA_BROKERS: "${broker}" is not host:port`);
  }
  return brokers;
}

const BOUNDED_RETRIES_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/** kafkajs' `ssl` and `sasl` options for `security`: TLS verifies the broker's certificate, SCRAM authenticates. */
export function kafkaSecurityOptions(security: KafkaSecurityConfig | undefined): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const options: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (security?.tls) {
    const { ca, cert, key } = security.tls;
    options.ssl = { rejectUnauthorized: true, ...(ca ? { ca: [ca] } : {}), ...(cert && key ? { cert, key } : {}) };
  }
  if (security?.sasl) {
    const { mechanism, username, password } = security.sasl;
    // Two branches so kafkajs' union type sees a literal mechanism in each.
    options.sasl = mechanism === 'scram-sha-512' ? { mechanism, username, password } : { mechanism, username, password };
  }
  return options;
}

export function createKafka(options: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...kafkaSecurityOptions(options.security),
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        // Retries are bounded on purpose (a stuck send must surface); duplicates are deduped by envelope id downstream.
        if (message === BOUNDED_RETRIES_WARNING) return;
        const name = level <= logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : 'info';
        options.log?.(name, `kafka: ${message}`, extra);
      },
  });
}
