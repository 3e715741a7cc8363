import { z } from 'zod';
import {
  developmentSecretBoxKey,
  parseSecretBoxKeys,
  parseServiceEnv,
  redisEnvShape,
  registryViewEnvShape,
  type SecretBoxKey,
  type ServiceConfig,
  serviceConfigOf,
  serviceEnvShape,
} from '@pushmfa/service-config';

export interface ChallengeConfig extends ServiceConfig {
  redisUrl: string;
  /** How often the expiry timer looks for due challenges; tests may shorten it. Default 250 ms. */
  expiryPollIntervalMs?: number;
  /** Challenges being issued at once before new ones are refused with 503 `unavailable` (CHALLENGE_MAX_ISSUING). */
  maxIssuing: number;
  /** Admission to issuing (README Configuration): CoDel target and interval of the queue for a place, ms. */
  admissionQueueTargetMs?: number;
  admissionQueueIntervalMs?: number;
  /** Standing event-loop delay (ms) above which new challenges are refused at once; 0 turns the check off. */
  admissionLoopDelayMs?: number;
  /** How long a request waits for the registry view to catch up before it answers 503 (REGISTRY_VIEW_MAX_WAIT_MS). */
  registryViewMaxWaitMs: number;
  /**
   * Keys sealing the devices' offline-code secrets at rest (OFFLINE_CODE_ENCRYPTION_KEY): the first seals, every one
   * opens. Holds secrets: never log it.
   */
  offlineCodeKeys: SecretBoxKey[];
  /** The development key stands in (development mode only, no OFFLINE_CODE_ENCRYPTION_KEY): the service warns at start. */
  offlineCodeKeyDefaulted: boolean;
}

/** Validates the environment; throws naming every missing or malformed variable. */
export function loadChallengeConfig(env: NodeJS.ProcessEnv = process.env): ChallengeConfig {
  const values = parseServiceEnv(
    'challenge',
    {
      ...serviceEnvShape(3001),
      ...redisEnvShape,
      ...registryViewEnvShape,
      CHALLENGE_MAX_ISSUING: z.coerce.number().int().min(1).max(100000).default(64),
      CHALLENGE_ADMISSION_QUEUE_TARGET_MS: z.coerce.number().int().min(1).max(10000).default(10),
      CHALLENGE_ADMISSION_QUEUE_INTERVAL_MS: z.coerce.number().int().min(1).max(60000).default(100),
      CHALLENGE_ADMISSION_LOOP_DELAY_MS: z.coerce.number().int().min(0).max(60000).default(10),
      OFFLINE_CODE_ENCRYPTION_KEY: z.string().optional(),
    },
    env,
  );
  const offlineCodeKeys = offlineCodeKeysOf(values.OFFLINE_CODE_ENCRYPTION_KEY, values.PUSHMFA_MODE);
  return {
    ...serviceConfigOf(values),
    redisUrl: values.REDIS_URL,
    maxIssuing: values.CHALLENGE_MAX_ISSUING,
    admissionQueueTargetMs: values.CHALLENGE_ADMISSION_QUEUE_TARGET_MS,
    admissionQueueIntervalMs: values.CHALLENGE_ADMISSION_QUEUE_INTERVAL_MS,
    admissionLoopDelayMs: values.CHALLENGE_ADMISSION_LOOP_DELAY_MS,
    registryViewMaxWaitMs: values.REGISTRY_VIEW_MAX_WAIT_MS,
    offlineCodeKeys,
    offlineCodeKeyDefaulted: !values.OFFLINE_CODE_ENCRYPTION_KEY,
  };
}

/** Production refuses to start without a key; development uses a fixed development key (and says so). */
function offlineCodeKeysOf(value: string | undefined, mode: 'development' | 'production'): SecretBoxKey[] {
  if (!value) {
    if (mode === 'production') {
      throw new Error(
        "challenge configuration is invalid:\n  - OFFLINE_CODE_ENCRYPTION_KEY: required in production mode (32 bytes, base64: it encrypts the devices' offline-code secrets)",
      );
    }
    return [developmentSecretBoxKey('offline-code')];
  }
  const keys = parseSecretBoxKeys(value);
  if (typeof keys === 'string') throw new Error(`challenge configuration is invalid:\n  - OFFLINE_CODE_ENCRYPTION_KEY: ${keys}`);
  return keys;
}
