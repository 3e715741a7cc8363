import { parseServiceEnv, type ServiceConfig, serviceConfigOf, serviceEnvShape } from '@pushmfa/service-config';

export type ReportingConfig = ServiceConfig;

/** Validates the environment; throws naming every missing or malformed variable. */
export function loadReportingConfig(env: NodeJS.ProcessEnv = process.env): ReportingConfig {
  return serviceConfigOf(parseServiceEnv('reporting', serviceEnvShape(3003), env));
}
