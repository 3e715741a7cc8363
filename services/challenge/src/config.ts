import { parseServiceEnv, redisEnvShape, type ServiceConfig, serviceConfigOf, serviceEnvShape } from '@pushmfa/service-config';

export interface ChallengeConfig extends ServiceConfig {
  redisUrl: string;
}

/** Validates the environment; throws naming every missing or malformed variable. */
export function loadChallengeConfig(env: NodeJS.ProcessEnv = process.env): ChallengeConfig {
  const values = parseServiceEnv('challenge', { ...serviceEnvShape(3001), ...redisEnvShape }, env);
  return { ...serviceConfigOf(values), redisUrl: values.REDIS_URL };
}
