import type { InfrastructureEndpoints, InfrastructureSource } from './infrastructure-endpoints';
import { endpointsFromEnvironment, exportEndpoints } from './infrastructure-endpoints';
import { assertInfrastructureAnswers } from './infrastructure-checks';
import { containerRuntimeAvailable, startInfrastructureContainers } from './infrastructure-containers';
import { startLocalInfrastructure } from './infrastructure-local';

/** Forces one provider: `environment`, `containers` or `local`. Unset: the first that applies, in that order. */
const FORCE_VARIABLE = 'PUSHMFA_TEST_INFRA';

let resolving: Promise<InfrastructureEndpoints> | undefined;

/**
 * The one place tests reach infrastructure. Endpoints come from KAFKA_BROKERS, DATABASE_URL and REDIS_URL when all
 * three are set; otherwise from containers when a container runtime answers; otherwise from deploy/local/infra.sh.
 * Each endpoint is then asked a real question; if one does not answer this throws, naming it and how to start it.
 * The result is memoised per process and written to process.env, so child processes and jest workers inherit it.
 */
export function resolveInfrastructure(): Promise<InfrastructureEndpoints> {
  resolving ??= resolveOnce().catch((error: unknown) => {
    resolving = undefined;
    throw error;
  });
  return resolving;
}

async function resolveOnce(): Promise<InfrastructureEndpoints> {
  const endpoints = await provide(chosenSource());
  await assertInfrastructureAnswers(endpoints);
  exportEndpoints(endpoints);
  return endpoints;
}

function chosenSource(): InfrastructureSource | undefined {
  const forced = process.env[FORCE_VARIABLE];
  if (forced === undefined || forced === '') return undefined;
  if (forced === 'environment' || forced === 'containers' || forced === 'local') return forced;
  throw new Error(`${FORCE_VARIABLE} must be environment, containers or local, not "${forced}"`);
}

async function provide(forced: InfrastructureSource | undefined): Promise<InfrastructureEndpoints> {
  const fromEnvironment = endpointsFromEnvironment();
  if (forced === 'environment' || (forced === undefined && fromEnvironment)) {
    if (!fromEnvironment) {
      throw new Error(`${FORCE_VARIABLE}=environment needs KAFKA_BROKERS, DATABASE_URL and REDIS_URL to be set`);
    }
    return fromEnvironment;
  }
  if (forced === 'containers') return startInfrastructureContainers();
  if (forced === undefined && (await containerRuntimeAvailable())) return startInfrastructureContainers();
  return startLocalInfrastructure();
}
