import { z } from 'zod';
import { parseServiceEnv, redisEnvShape, type ServiceConfig, serviceConfigOf, serviceEnvShape } from '@pushmfa/service-config';

export interface RegistryConfig extends ServiceConfig {
  redisUrl: string;
  operatorToken: string;
  /** The operator token was defaulted (development only): main.ts warns. */
  operatorTokenDefaulted: boolean;
  /** Base URL the app calls to register; goes into the QR code. */
  publicBaseUrl: string;
  /** How long a write the other services must honour at once waits for the relay to publish it (REGISTRY_PUBLISH_WAIT_MS). */
  publishWaitMs: number;
  /** Registrations a minute one client address may make (REGISTER_RATE_LIMIT_PER_MINUTE). */
  registerRateLimitPerMinute: number;
  /** How long a push-lock lift waits for the registry's view of the challenge topic to catch up (PUSH_LOCK_VIEW_MAX_WAIT_MS). */
  pushLockViewMaxWaitMs: number;
}

export const DEV_OPERATOR_TOKEN = 'dev-operator-token';

const registryEnvShape = {
  ...serviceEnvShape(3002),
  ...redisEnvShape,
  PUSHMFA_OPERATOR_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  REGISTER_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(30),
  REGISTRY_PUBLISH_WAIT_MS: z.coerce.number().int().min(100).max(60000).default(5000),
  PUSH_LOCK_VIEW_MAX_WAIT_MS: z.coerce.number().int().min(100).max(60000).default(3000),
};

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * The app sends the pairing secret and its new public key to PUBLIC_BASE_URL, so in production it must be https.
 * The one exception is a loopback address, which no phone can reach: a stack run on one machine (tests, benchmark).
 */
function productionPublicUrlProblem(value: string | undefined): string | undefined {
  if (value === undefined) return 'required in production mode: the https URL phones reach the registry at (it goes into the pairing QR code)';
  const url = new URL(value);
  if (url.protocol === 'https:' || LOOPBACK_HOSTS.test(url.hostname)) return undefined;
  return `must be https in production mode (got ${url.protocol}//${url.host}): phones send the pairing secret and their public key there`;
}

/** Validates the environment; throws naming every missing or malformed variable. */
export function loadRegistryConfig(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  const values = parseServiceEnv('device-registry', registryEnvShape, env);
  const problems: string[] = [];
  if (values.PUSHMFA_MODE === 'production') {
    if (!values.PUSHMFA_OPERATOR_TOKEN) problems.push('PUSHMFA_OPERATOR_TOKEN: required in production mode');
    const publicUrlProblem = productionPublicUrlProblem(values.PUBLIC_BASE_URL);
    if (publicUrlProblem) problems.push(`PUBLIC_BASE_URL: ${publicUrlProblem}`);
  }
  if (problems.length > 0) throw new Error(`device-registry configuration is invalid:\n  - ${problems.join('\n  - ')}`);
  return {
    ...serviceConfigOf(values),
    redisUrl: values.REDIS_URL,
    operatorToken: values.PUSHMFA_OPERATOR_TOKEN ?? DEV_OPERATOR_TOKEN,
    operatorTokenDefaulted: !values.PUSHMFA_OPERATOR_TOKEN,
    publicBaseUrl: (values.PUBLIC_BASE_URL ?? `http://127.0.0.1:${values.PORT}`).replace(/\/$/, ''),
    publishWaitMs: values.REGISTRY_PUBLISH_WAIT_MS,
    registerRateLimitPerMinute: values.REGISTER_RATE_LIMIT_PER_MINUTE,
    pushLockViewMaxWaitMs: values.PUSH_LOCK_VIEW_MAX_WAIT_MS,
  };
}
