import { z } from 'zod';
import { WEBHOOK_EVENT_NAMES } from './webhook-events';
import type { WebhookTargetPolicy } from './webhook-target';
import { webhookUrlProblem } from './webhook-url';

/** `POST /v1/workspace/webhooks`: an https URL (see webhook-url.ts) and at least one known event name (repeats dropped). */
export function createWebhookBodySchema(policy: WebhookTargetPolicy) {
  return z.strictObject({
    url: z
      .string()
      .max(2048)
      .superRefine((url, ctx) => {
        const problem = webhookUrlProblem(url, policy);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    events: z
      .array(z.enum(WEBHOOK_EVENT_NAMES, { error: `must be one of ${WEBHOOK_EVENT_NAMES.join(', ')}` }))
      .min(1, 'name at least one event')
      .max(WEBHOOK_EVENT_NAMES.length * 2)
      .transform((events) => [...new Set(events)]),
  });
}

export const DEFAULT_DELIVERIES_LIMIT = 50;
export const MAX_DELIVERIES_LIMIT = 200;

export const listDeliveriesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_DELIVERIES_LIMIT).default(DEFAULT_DELIVERIES_LIMIT),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that cannot name an endpoint is simply not found (the same answer as another workspace's). */
export function isWebhookId(value: string): boolean {
  return UUID.test(value);
}
