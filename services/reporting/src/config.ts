import { z } from 'zod';
import { parseServiceEnv, registryViewEnvShape, type ServiceConfig, serviceConfigOf, serviceEnvShape } from '@pushmfa/service-config';

/** How the webhook sender signs, times out and retries (README, "Operations: webhooks"). */
export interface WebhookConfig {
  /** First retry delay; each retry doubles it up to `retryCapMs`, with jitter (WEBHOOK_RETRY_BASE_MS). */
  retryBaseMs: number;
  /** The longest delay between two attempts (WEBHOOK_RETRY_CAP_MS). */
  retryCapMs: number;
  /** How long a delivery is retried before it fails and its endpoint is disabled as failing (WEBHOOK_RETRY_WINDOW_MS). */
  retryWindowMs: number;
  /** One attempt's time limit, connection and answer (WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
  /** How often the sender looks for due deliveries (WEBHOOK_POLL_INTERVAL_MS). */
  pollIntervalMs: number;
  /** 32 bytes (base64) encrypting endpoint secrets at rest with AES-256-GCM (WEBHOOK_SECRET_KEY); absent: stored as is. */
  secretKey?: Buffer;
  /**
   * Whether endpoints may be loopback, private or link-local addresses, and plain http to loopback
   * (WEBHOOK_ALLOW_PRIVATE_TARGETS; default: on in development mode, off in production, where webhooks go over https
   * to public addresses only).
   */
  allowPrivateTargets: boolean;
}

export interface ReportingConfig extends ServiceConfig {
  /** How long a request waits for the API-key directory to catch up before it answers 503 (REGISTRY_VIEW_MAX_WAIT_MS). */
  registryViewMaxWaitMs: number;
  webhooks: WebhookConfig;
  /** How often each instance deletes incidents past their retention (DIAGNOSTICS_SWEEP_INTERVAL_MS). */
  diagnosticsSweepIntervalMs: number;
}

const diagnosticsEnvShape = {
  DIAGNOSTICS_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
};

const webhookEnvShape = {
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  WEBHOOK_RETRY_CAP_MS: z.coerce.number().int().min(10).max(86_400_000).default(3_600_000),
  WEBHOOK_RETRY_WINDOW_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(30 * 86_400_000)
    .default(86_400_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  WEBHOOK_SECRET_KEY: z
    .string()
    .optional()
    .refine((value) => value === undefined || value === '' || Buffer.from(value, 'base64').length === 32, 'must be 32 bytes, base64'),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z.enum(['true', 'false']).optional(),
};

/** Validates the environment; throws naming every missing or malformed variable. */
export function loadReportingConfig(env: NodeJS.ProcessEnv = process.env): ReportingConfig {
  const values = parseServiceEnv('reporting', { ...serviceEnvShape(3003), ...registryViewEnvShape, ...webhookEnvShape, ...diagnosticsEnvShape }, env);
  return {
    ...serviceConfigOf(values),
    registryViewMaxWaitMs: values.REGISTRY_VIEW_MAX_WAIT_MS,
    diagnosticsSweepIntervalMs: values.DIAGNOSTICS_SWEEP_INTERVAL_MS,
    webhooks: {
      retryBaseMs: values.WEBHOOK_RETRY_BASE_MS,
      retryCapMs: Math.max(values.WEBHOOK_RETRY_CAP_MS, values.WEBHOOK_RETRY_BASE_MS),
      retryWindowMs: values.WEBHOOK_RETRY_WINDOW_MS,
      timeoutMs: values.WEBHOOK_TIMEOUT_MS,
      pollIntervalMs: values.WEBHOOK_POLL_INTERVAL_MS,
      secretKey: values.WEBHOOK_SECRET_KEY ? Buffer.from(values.WEBHOOK_SECRET_KEY, 'base64') : undefined,
      allowPrivateTargets:
        values.WEBHOOK_ALLOW_PRIVATE_TARGETS === undefined ? values.PUSHMFA_MODE !== 'production' : values.WEBHOOK_ALLOW_PRIVATE_TARGETS === 'true',
    },
  };
}
