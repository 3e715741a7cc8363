import { z } from 'zod';
import { parseServiceEnv, type ServiceConfig, serviceConfigOf, serviceEnvShape } from '@pushmfa/service-config';

const deliveryEnvShape = {
  ...serviceEnvShape(3004),
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(10000).default(64),
  // Below the 15 s hard shutdown deadline (SHUTDOWN_TIMEOUT_MS), leaving time to disconnect.
  DELIVERY_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120000).default(10000),
  DELIVERY_LEASE_MS: z.coerce.number().int().min(500).max(600000).default(15000),
  DELIVERY_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(600000).default(2000),
  DELIVERY_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).max(600000).default(30000),
};

export interface DeliveryConfig extends ServiceConfig {
  /** Upper bound on pushes in flight at once (provider calls plus their publishing). */
  concurrency: number;
  /** How long shutdown waits for in-flight pushes before it disconnects anyway. */
  drainTimeoutMs: number;
  /** How long a provider's circuit breaker stays open after a credentials/config error before one probe. */
  breakerCooldownMs: number;
  /** A pending push whose worker stopped renewing it for this long is taken over by another worker. */
  leaseMs: number;
  /** How often a worker looks for pending pushes to take over. */
  sweepIntervalMs: number;
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
    leaseMs: values.DELIVERY_LEASE_MS,
    sweepIntervalMs: values.DELIVERY_SWEEP_INTERVAL_MS,
    breakerCooldownMs: values.DELIVERY_BREAKER_COOLDOWN_MS,
    schema: 'delivery',
  };
}
