import { z } from 'zod';
import { parseServiceEnv, redisEnvShape, registryViewEnvShape, type ServiceConfig, serviceConfigOf, serviceEnvShape } from '@pushmfa/service-config';

export interface ChallengeConfig extends ServiceConfig {
  redisUrl: string;
  /** How often the expiry timer looks for due challenges; tests may shorten it. Default 250 ms. */
  expiryPollIntervalMs?: number;
  /** Challenges being issued at once before new ones are refused with 503 `unavailable` (CHALLENGE_MAX_ISSUING). */
  maxIssuing: number;
  /** How long a request waits for the registry view to catch up before it answers 503 (REGISTRY_VIEW_MAX_WAIT_MS). */
  registryViewMaxWaitMs: number;
}

/** Validates the environment; throws naming every missing or malformed variable. */
export function loadChallengeConfig(env: NodeJS.ProcessEnv = process.env): ChallengeConfig {
  const values = parseServiceEnv(
    'challenge',
    { ...serviceEnvShape(3001), ...redisEnvShape, ...registryViewEnvShape, CHALLENGE_MAX_ISSUING: z.coerce.number().int().min(1).max(100000).default(64) },
    env,
  );
  return { ...serviceConfigOf(values), redisUrl: values.REDIS_URL, maxIssuing: values.CHALLENGE_MAX_ISSUING, registryViewMaxWaitMs: values.REGISTRY_VIEW_MAX_WAIT_MS };
}
