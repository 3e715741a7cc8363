import { parseServiceEnv, redisEnvShape, type ServiceConfig, serviceConfigOf, serviceEnvShape } from '@pushmfa/service-config';

export interface ChallengeConfig extends ServiceConfig {
  redisUrl: string;
  /** How often the expiry timer looks for due challenges; tests may shorten it. Default 250 ms. */
  expiryPollIntervalMs?: number;
}

/** Validates the environment; throws naming every missing or malformed variable. */
export function loadChallengeConfig(env: NodeJS.ProcessEnv = process.env): ChallengeConfig {
  const values = parseServiceEnv('challenge', { ...serviceEnvShape(3001), ...redisEnvShape }, env);
  return { ...serviceConfigOf(values), redisUrl: values.REDIS_URL };
}
