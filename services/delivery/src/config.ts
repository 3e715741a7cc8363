import { z } from 'zod';
import { parseServiceEnv, type ServiceConfig, serviceConfigOf, serviceEnvShape } from '@pushmfa/service-config';

const deliveryEnvShape = {
  ...serviceEnvShape(3004),
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(10000).default(64),
  // Below the 15 s hard shutdown deadline (SHUTDOWN_TIMEOUT_MS), leaving time to disconnect.
  DELIVERY_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120000).default(10000),
};

export interface DeliveryConfig extends ServiceConfig {
  /** Upper bound on pushes in flight at once (provider calls plus their publishing). */
  concurrency: number;
  /** How long shutdown waits for in-flight pushes before it disconnects anyway. */
  drainTimeoutMs: number;
  /** PostgreSQL schema the service owns. */
  schema: string;
}

/** Reads and validates the environment; throws one error naming every missing or malformed variable. */
export function loadDeliveryConfig(env: NodeJS.ProcessEnv = process.env): DeliveryConfig {
  const values = parseServiceEnv('delivery', deliveryEnvShape, env);
  return {
    ...serviceConfigOf(values),
    concurrency: values.DELIVERY_CONCURRENCY,
    drainTimeoutMs: values.DELIVERY_DRAIN_TIMEOUT_MS,
    schema: 'delivery',
  };
}
