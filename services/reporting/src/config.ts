import { parseServiceEnv, registryViewEnvShape, type ServiceConfig, serviceConfigOf, serviceEnvShape } from '@pushmfa/service-config';

export interface ReportingConfig extends ServiceConfig {
  /** How long a request waits for the API-key directory to catch up before it answers 503 (REGISTRY_VIEW_MAX_WAIT_MS). */
  registryViewMaxWaitMs: number;
}

/** Validates the environment; throws naming every missing or malformed variable. */
export function loadReportingConfig(env: NodeJS.ProcessEnv = process.env): ReportingConfig {
  const values = parseServiceEnv('reporting', { ...serviceEnvShape(3003), ...registryViewEnvShape }, env);
  return { ...serviceConfigOf(values), registryViewMaxWaitMs: values.REGISTRY_VIEW_MAX_WAIT_MS };
}
