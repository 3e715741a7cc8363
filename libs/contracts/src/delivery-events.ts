import { z } from 'zod';
import { idSchema, pushProviderSchema, userIdSchema } from './shared-schemas';

/**
 * A push is either a challenge's or an admin's test push: exactly one of `challengeId` and `testPushId` is set.
 * `testPushId` was added later; consumers that follow challenges skip the events without a `challengeId`.
 */
const pushBase = {
  challengeId: idSchema.optional(),
  testPushId: idSchema.optional(),
  userId: userIdSchema,
  deviceId: idSchema,
  provider: pushProviderSchema,
  attempt: z.number().int().positive(),
};

/** Events on `pushmfa.delivery.v1`, keyed by challenge id (a test push's by its test push id). */
export const deliveryEventSchemas = {
  PushDispatched: {
    1: z.object({ ...pushBase, providerMessageId: z.string().max(500), latencyMs: z.number().nonnegative() }),
  },
  PushAttemptFailed: { 1: z.object({ ...pushBase, reason: z.string().max(200), retryInMs: z.number().int().nonnegative() }) },
  PushFailed: { 1: z.object({ ...pushBase, reason: z.string().max(200) }) },
  PushRejected: { 1: z.object({ ...pushBase, reason: z.string().max(200) }) },
} as const;
