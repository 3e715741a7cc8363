import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';
// Relative, not @pushmfa/messaging: jest's globalSetup loads this file without the module name mapper.
import { kafkaSecurityOptions } from '../../messaging/src/kafka-client';
import type { KafkaSecurityConfig } from '@pushmfa/service-config';

/** Who a test speaks as on Kafka: a service (tests that act as one) or the admin user (tooling, probes). */
export type KafkaPrincipalName = 'admin' | 'device-registry' | 'challenge' | 'delivery' | 'reporting';

/** Where the broker's CA (`ca.pem`) and SCRAM users (`credentials.env`) are: what deploy/local/infra.sh generates. */
export const KAFKA_SECURITY_DIR_VARIABLE = 'PUSHMFA_KAFKA_SECURITY_DIR';

export interface KafkaCredentials {
  username: string;
  password: string;
}

/** The security directory in use: `$PUSHMFA_KAFKA_SECURITY_DIR`, else this checkout's `.local/kafka/security`. */
export function kafkaSecurityDir(env: NodeJS.ProcessEnv = process.env): string {
  const given = env[KAFKA_SECURITY_DIR_VARIABLE];
  return given && given.length > 0 ? given : join(repositoryRoot(), '.local', 'kafka', 'security');
}

export function kafkaCaFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(kafkaSecurityDir(env), 'ca.pem');
}

/** One user's SCRAM credentials; throws, saying how to get them, when the files are missing. */
export function kafkaCredentials(principal: KafkaPrincipalName, env: NodeJS.ProcessEnv = process.env): KafkaCredentials {
  const dir = kafkaSecurityDir(env);
  const file = join(dir, 'credentials.env');
  if (!existsSync(file) || !existsSync(kafkaCaFile(env))) {
    throw new Error(
      `Kafka credentials are missing: ${file} and ${kafkaCaFile(env)} are written by \`npm run infra:up\` ` +
        `(deploy/local/infra.sh) when it starts the broker; for a broker started elsewhere set ${KAFKA_SECURITY_DIR_VARIABLE} to its directory`,
    );
  }
  const values = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values.set(match[1] as string, match[2] as string);
  }
  const variable = `PUSHMFA_KAFKA_${principal.toUpperCase().replace(/-/g, '_')}`;
  const username = values.get(`${variable}_USERNAME`);
  const password = values.get(`${variable}_PASSWORD`);
  if (!username || !password) throw new Error(`${file} has no ${variable}_USERNAME / ${variable}_PASSWORD`);
  return { username, password };
}

/** TLS (the broker's CA) and SCRAM-SHA-512 as `principal`, for createKafka or ensureTopics. */
export function kafkaSecurityAs(principal: KafkaPrincipalName, env: NodeJS.ProcessEnv = process.env): KafkaSecurityConfig {
  const credentials = kafkaCredentials(principal, env);
  return { tls: { ca: readFileSync(kafkaCaFile(env), 'utf8') }, sasl: { mechanism: 'scram-sha-512', ...credentials } };
}

/** kafkajs `ssl` and `sasl` options as `principal` (the admin user unless said otherwise), for `new Kafka({...})`. */
export function testKafkaOptions(principal: KafkaPrincipalName = 'admin'): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  return kafkaSecurityOptions(kafkaSecurityAs(principal));
}

/** A quiet kafkajs client for test tooling (probes, topic readers): the admin user unless said otherwise. */
export function testKafka(clientId: string, brokers: string[], principal: KafkaPrincipalName = 'admin'): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, ...testKafkaOptions(principal) });
}

/** The variables a service process reads to authenticate as itself (KAFKA_SASL_*, KAFKA_TLS_CA_FILE). */
export function kafkaServiceEnv(principal: KafkaPrincipalName, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const { username, password } = kafkaCredentials(principal, env);
  return {
    KAFKA_TLS_CA_FILE: kafkaCaFile(env),
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: username,
    KAFKA_SASL_PASSWORD: password,
  };
}

function repositoryRoot(): string {
  // Works from libs/testing/src and from its compiled copy under dist/.
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'deploy', 'local', 'infra.sh'))) return dir;
  }
  throw new Error(`Cannot find the checkout above ${__dirname}`);
}
