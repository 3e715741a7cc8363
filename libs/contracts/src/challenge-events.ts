import { z } from 'zod';
import { challengeContextSchema, idSchema, isoDateTime, platformSchema, pushProviderSchema, userIdSchema } from './shared-schemas';

const targetDeviceSchema = z.object({ deviceId: idSchema, pushProvider: pushProviderSchema, platform: platformSchema });

/**
 * Events on `pushmfa.challenge.v1`, keyed by challenge id. The number to match is never part of them.
 */
export const challengeEventSchemas = {
  ChallengeIssued: {
    1: z.object({
      challengeId: idSchema,
      userId: userIdSchema,
      createdAt: isoDateTime,
      expiresAt: isoDateTime,
      numberMatchRequired: z.boolean(),
      context: challengeContextSchema,
      /** The user's active devices when the challenge was issued: delivery pushes to each. */
      devices: z.array(targetDeviceSchema),
    }),
  },
  ChallengeResendRequested: {
    1: z.object({ challengeId: idSchema, userId: userIdSchema, attempt: z.number().int().positive(), expiresAt: isoDateTime }),
  },
  ChallengeReceived: { 1: z.object({ challengeId: idSchema, userId: userIdSchema, deviceId: idSchema, receivedAt: isoDateTime }) },
  ChallengeApproved: { 1: z.object({ challengeId: idSchema, userId: userIdSchema, deviceId: idSchema, resolvedAt: isoDateTime }) },
  ChallengeDenied: {
    1: z.object({
      challengeId: idSchema,
      userId: userIdSchema,
      deviceId: idSchema,
      resolvedAt: isoDateTime,
      reason: z.enum(['user_denied', 'number_mismatch', 'fraud']),
    }),
  },
  ChallengeExpired: { 1: z.object({ challengeId: idSchema, userId: userIdSchema, resolvedAt: isoDateTime }) },
  ChallengeCancelled: { 1: z.object({ challengeId: idSchema, userId: userIdSchema, resolvedAt: isoDateTime }) },
  FraudReported: {
    1: z.object({ challengeId: idSchema, userId: userIdSchema, deviceId: idSchema, lockedUntil: isoDateTime }),
  },
} as const;
