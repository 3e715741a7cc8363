import { z } from 'zod';
import { idSchema, pushProviderSchema, userIdSchema } from './shared-schemas';

const pushBase = {
  challengeId: idSchema,
  userId: userIdSchema,
  deviceId: idSchema,
  provider: pushProviderSchema,
  attempt: z.number().int().positive(),
};

/** Events on `pushmfa.delivery.v1`, keyed by challenge id. */
export const deliveryEventSchemas = {
  PushDispatched: {
    1: z.object({ ...pushBase, providerMessageId: z.string().max(500), latencyMs: z.number().nonnegative() }),
  },
  PushAttemptFailed: { 1: z.object({ ...pushBase, reason: z.string().max(200), retryInMs: z.number().int().nonnegative() }) },
  PushFailed: { 1: z.object({ ...pushBase, reason: z.string().max(200) }) },
  PushRejected: { 1: z.object({ ...pushBase, reason: z.string().max(200) }) },
} as const;
