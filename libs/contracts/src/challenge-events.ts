import { z } from 'zod';
import {
  challengeContextSchema,
  idSchema,
  isoDateTime,
  numberMatchingSchema,
  platformSchema,
  pushProviderSchema,
  RISK_SIGNALS,
  userIdSchema,
} from './shared-schemas';
import { INCIDENT_ID_PATTERN } from './incident-id';
import { reportedHealthSchema } from './registry-events';

const targetDeviceSchema = z.object({ deviceId: idSchema, pushProvider: pushProviderSchema, platform: platformSchema });

/**
 * Events on `pushmfa.challenge.v1`, keyed by challenge id (PushUnlocked: by the locking challenge's id; DiagnosticsShared:
 * by `<workspaceId>/<incidentId>`). The number to match is never part of them: a `choose` challenge carries three
 * candidates, the right one unmarked.
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
      /** Added within v1: the user's identity pool and the factor push stands for (absent before pools: default, second). */
      poolId: idSchema.optional(),
      factor: z.enum(['first', 'second']).optional(),
      /**
       * Added within v1: the number matching style in force (absent before styles: `always` when numberMatchRequired,
       * else `off`); `numberChoices`, for `choose`, the three numbers the app offers, shuffled, the right one unmarked
       * (delivery puts them in the push, the Pending tab lists them); `riskSignals`, for `risk`, the signals that asked
       * for the number (empty: none fired, no number).
       */
      numberMatching: numberMatchingSchema.optional(),
      numberChoices: z
        .array(z.string().regex(/^\d{2,6}$/))
        .length(3)
        .optional(),
      riskSignals: z.array(z.enum(RISK_SIGNALS)).optional(),
    }),
  },
  ChallengeResendRequested: {
    /** `requestedAt` was added within v1 (optional: records from before lack it; their envelope's occurredAt says when). */
    1: z.object({
      challengeId: idSchema,
      userId: userIdSchema,
      attempt: z.number().int().positive(),
      expiresAt: isoDateTime,
      requestedAt: isoDateTime.optional(),
    }),
  },
  ChallengeReceived: { 1: z.object({ challengeId: idSchema, userId: userIdSchema, deviceId: idSchema, receivedAt: isoDateTime }) },
  ChallengeApproved: {
    /**
     * Added within v1 (optional): `userVerified`, the app stated (signed) that the user passed the device's biometric or
     * PIN check; `method`, absent or `push` for an answer to the push, `offline_code` when the platform approved with
     * the time-based code `deviceId`'s app showed (`POST /v1/challenges/{id}/offline-code`).
     */
    1: z.object({
      challengeId: idSchema,
      userId: userIdSchema,
      deviceId: idSchema,
      resolvedAt: isoDateTime,
      userVerified: z.boolean().optional(),
      method: z.enum(['push', 'offline_code']).optional(),
    }),
  },
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
  ChallengeCancelled: {
    /**
     * `reason` was added within v1 (optional: records from before lack it, and were all the platform's):
     * `platform` (the platform cancelled it), `push_locked` (push locked for the user while it was pending) or
     * `superseded` (a newer challenge of the user took its place past `maxPendingPerUser`; `supersededBy` names it,
     * also added within v1).
     */
    1: z.object({
      challengeId: idSchema,
      userId: userIdSchema,
      resolvedAt: isoDateTime,
      reason: z.enum(['platform', 'push_locked', 'superseded']).optional(),
      supersededBy: idSchema.optional(),
    }),
  },
  FraudReported: {
    /**
     * Recorded whatever state the challenge is in. `challengeStatus` (added within v1, optional) is the status the
     * challenge already had when the report came after it was decided or over (`approved`, `denied`, `expired`,
     * `cancelled`); absent when the report itself denied the pending challenge.
     */
    1: z.object({
      challengeId: idSchema,
      userId: userIdSchema,
      deviceId: idSchema,
      lockedUntil: isoDateTime,
      challengeStatus: z.enum(['approved', 'denied', 'expired', 'cancelled']).optional(),
    }),
  },
  PushLocked: {
    /**
     * Push locked for the user until `lockedUntil` for a reason other than a fraud report (FraudReported is that
     * lock's event): `number_mismatch` after `consecutiveMismatches` wrong numbers in a row on this challenge's user;
     * `offline_code` (added within v1) after `consecutiveMismatches` wrong offline codes in a row.
     */
    1: z.object({
      challengeId: idSchema,
      userId: userIdSchema,
      reason: z.enum(['number_mismatch', 'offline_code']),
      lockedUntil: isoDateTime,
      consecutiveMismatches: z.number().int().positive(),
    }),
  },
  PushUnlocked: {
    /**
     * No longer published: an admin's lift is the registry's PushLockLifted (registry-events.ts). Kept so the records
     * already on the topic are still read (MFA Report, webhooks).
     *
     * An admin lifted the user's push lock before `lockedUntil` (`DELETE /v1/users/{userId}/push-lock`); the user's
     * wrong-number streak ended with it. `unlockedBy.keyId` is the admin key that asked. `challengeId` is the challenge
     * whose FraudReported / PushLocked locked push (the record's key; absent for a lock recorded before locks kept
     * their challenge, then the key is `<workspaceId>/<userId>`); `previousReason` and `previousLockedUntil` describe
     * the lock lifted.
     */
    1: z.object({
      userId: userIdSchema,
      unlockedAt: isoDateTime,
      unlockedBy: z.object({ keyId: z.string().min(1) }),
      challengeId: idSchema.optional(),
      previousReason: z.enum(['fraud_report', 'number_mismatch', 'offline_code']).optional(),
      previousLockedUntil: isoDateTime.optional(),
    }),
  },
  DiagnosticsShared: {
    /**
     * The app shared its recent log lines with support (`POST /v1/device/diagnostics`). Produced directly by the
     * challenge service (never appended to its event store: the logs must be gone after `expiresAt`), keyed by
     * `<workspaceId>/<incidentId>`. `logs` are redacted on arrival (push token beyond its last 6 characters, keys, bearer tokens,
     * JWTs, PEM blocks, long hex/base64 runs). `challengeId` is one of this user's challenges in this workspace.
     * `expiresAt` is `sharedAt` + the workspace's `diagnosticsRetentionDays`: the topic's retention must not exceed it.
     */
    1: z.object({
      incidentId: z.string().regex(INCIDENT_ID_PATTERN),
      userId: userIdSchema,
      deviceId: idSchema,
      challengeId: idSchema.optional(),
      sharedAt: isoDateTime,
      expiresAt: isoDateTime,
      appVersion: z.string().max(100).optional(),
      health: reportedHealthSchema.optional(),
      logs: z.array(z.string().max(8192)).max(5000),
    }),
  },
} as const;
