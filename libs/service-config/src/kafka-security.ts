import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * How a client authenticates to Kafka: TLS to the brokers (optionally with a client certificate, mTLS) and a SASL
 * SCRAM user. Plain data: libs/messaging turns it into kafkajs' `ssl` and `sasl` options.
 */
export interface KafkaSecurityConfig {
  /** TLS to every broker; undefined only in development against a plaintext broker. */
  tls?: {
    /** PEM CA bundle the broker certificate must chain to; undefined trusts Node's default CAs. */
    ca?: string;
    /** PEM client certificate and key, for brokers that authenticate clients by certificate (mTLS). */
    cert?: string;
    key?: string;
  };
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
}

export const KAFKA_SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

const optionalText = z.string().min(1).optional();

/** The Kafka authentication variables every service reads. */
export const kafkaSecurityEnvShape = {
  KAFKA_SASL_MECHANISM: z.enum(KAFKA_SASL_MECHANISMS).default('scram-sha-512'),
  KAFKA_SASL_USERNAME: optionalText,
  KAFKA_SASL_PASSWORD: optionalText,
  /** `true` turns TLS on with Node's default CAs; a CA file turns it on with that CA. */
  KAFKA_TLS: z.enum(['true', 'false']).optional(),
  KAFKA_TLS_CA_FILE: optionalText,
  KAFKA_TLS_CERT_FILE: optionalText,
  KAFKA_TLS_KEY_FILE: optionalText,
};

type KafkaSecurityValues = z.output<z.ZodObject<typeof kafkaSecurityEnvShape>>;

/**
 * What is wrong with the Kafka authentication settings, one line per variable. In production a service must
 * speak TLS and authenticate (a SCRAM user, or a client certificate): it refuses to start otherwise.
 */
export function kafkaSecurityProblems(values: KafkaSecurityValues, mode: 'development' | 'production'): string[] {
  const problems: string[] = [];
  if (values.KAFKA_SASL_USERNAME && !values.KAFKA_SASL_PASSWORD) problems.push('KAFKA_SASL_PASSWORD: required with KAFKA_SASL_USERNAME');
  if (values.KAFKA_SASL_PASSWORD && !values.KAFKA_SASL_USERNAME) problems.push('KAFKA_SASL_USERNAME: required with KAFKA_SASL_PASSWORD');
  if (Boolean(values.KAFKA_TLS_CERT_FILE) !== Boolean(values.KAFKA_TLS_KEY_FILE)) {
    problems.push(`${values.KAFKA_TLS_CERT_FILE ? 'KAFKA_TLS_KEY_FILE' : 'KAFKA_TLS_CERT_FILE'}: the client certificate and its key go together`);
  }
  if (values.KAFKA_TLS === 'false' && (values.KAFKA_TLS_CA_FILE || values.KAFKA_TLS_CERT_FILE)) {
    problems.push('KAFKA_TLS: is false but TLS files are given');
  }
  for (const name of ['KAFKA_TLS_CA_FILE', 'KAFKA_TLS_CERT_FILE', 'KAFKA_TLS_KEY_FILE'] as const) {
    const file = values[name];
    if (file === undefined) continue;
    try {
      readFileSync(file);
    } catch (error) {
      problems.push(`${name}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  if (mode === 'production') {
    if (!tlsOn(values))
      problems.push('KAFKA_TLS_CA_FILE: production mode talks to Kafka over TLS only (set KAFKA_TLS_CA_FILE, or KAFKA_TLS=true for the default CAs)');
    if (!values.KAFKA_SASL_USERNAME && !values.KAFKA_TLS_CERT_FILE) {
      problems.push(
        'KAFKA_SASL_USERNAME: production mode authenticates to Kafka (set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD, or KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE)',
      );
    }
  }
  return problems;
}

/** The security settings, with the PEM files read. Call after `kafkaSecurityProblems` found nothing. */
export function kafkaSecurityOf(values: KafkaSecurityValues): KafkaSecurityConfig {
  const read = (file: string | undefined) => (file === undefined ? undefined : readFileSync(file, 'utf8'));
  const security: KafkaSecurityConfig = {};
  if (tlsOn(values)) {
    security.tls = {};
    const ca = read(values.KAFKA_TLS_CA_FILE);
    const cert = read(values.KAFKA_TLS_CERT_FILE);
    const key = read(values.KAFKA_TLS_KEY_FILE);
    if (ca !== undefined) security.tls.ca = ca;
    if (cert !== undefined && key !== undefined) Object.assign(security.tls, { cert, key });
  }
  if (values.KAFKA_SASL_USERNAME && values.KAFKA_SASL_PASSWORD) {
    security.sasl = { mechanism: values.KAFKA_SASL_MECHANISM, username: values.KAFKA_SASL_USERNAME, password: values.KAFKA_SASL_PASSWORD };
  }
  return security;
}

function tlsOn(values: KafkaSecurityValues): boolean {
  if (values.KAFKA_TLS === 'false') return false;
  return values.KAFKA_TLS === 'true' || Boolean(values.KAFKA_TLS_CA_FILE) || Boolean(values.KAFKA_TLS_CERT_FILE);
}
