import { z } from 'zod';
import { actorSchema, idSchema, isoDateTime, platformSchema, publicJwkSchema, pushProviderSchema, eventSettingsSchema, userIdSchema } from './shared-schemas';
import { poolPolicySchema } from './pool-policy';

/** Events on `pushmfa.registry.v1`; key: workspace id for workspace events, `<workspaceId>/<userId>` for user events. */
/** What the app reports about its own health (DeviceHealthReported without its ids and time; DiagnosticsShared's `health`). */
export const reportedHealthSchema = z.object({
  notifications: z.enum(['allowed', 'denied']).optional(),
  focusMode: z.boolean().optional(),
  batterySaver: z.boolean().optional(),
  backgroundRefresh: z.boolean().optional(),
  appVersion: z.string().max(100).optional(),
  osVersion: z.string().max(100).optional(),
  lastPushSeenAt: isoDateTime.optional(),
});

export const registryEventSchemas = {
  WorkspaceCreated: { 1: z.object({ workspaceId: idSchema, name: z.string().min(1).max(200), settings: eventSettingsSchema }) },
  WorkspaceSettingsChanged: {
    1: z.object({ workspaceId: idSchema, settings: eventSettingsSchema, changed: z.array(z.string()), changedBy: actorSchema }),
  },
  ApiKeyIssued: {
    1: z.object({
      workspaceId: idSchema,
      keyId: idSchema,
      role: z.enum(['platform', 'admin']),
      label: z.string().max(200).optional(),
      /** SHA-256 (hex) of the key; the key itself is never published. */
      keyHash: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  },
  ApiKeyRevoked: { 1: z.object({ workspaceId: idSchema, keyId: idSchema }) },
  PairingStarted: {
    1: z.object({
      pairingId: idSchema,
      userId: userIdSchema,
      expiresAt: isoDateTime,
      deviceName: z.string().max(200).optional(),
      replaceDeviceId: idSchema.optional(),
    }),
  },
  DeviceRegistered: {
    1: z.object({
      pairingId: idSchema,
      deviceId: idSchema,
      userId: userIdSchema,
      platform: platformSchema,
      pushProvider: pushProviderSchema,
      publicJwk: publicJwkSchema,
      deviceName: z.string().max(200).optional(),
      appVersion: z.string().max(100).optional(),
    }),
  },
  DevicePaired: {
    1: z.object({
      pairingId: idSchema,
      deviceId: idSchema,
      userId: userIdSchema,
      name: z.string().max(200),
      platform: platformSchema,
      pushProvider: pushProviderSchema,
      pushToken: z.string().min(1).max(4096),
      publicJwk: publicJwkSchema,
      pairedAt: isoDateTime,
      replacedDeviceId: idSchema.optional(),
    }),
  },
  PairingFailed: { 1: z.object({ pairingId: idSchema, userId: userIdSchema, reason: z.string().max(100) }) },
  PushTokenRotated: {
    1: z.object({ deviceId: idSchema, userId: userIdSchema, pushToken: z.string().min(1).max(4096) }),
  },
  PushTokenInvalidated: { 1: z.object({ deviceId: idSchema, userId: userIdSchema, reason: z.string().max(200) }) },
  DeviceRevoked: {
    1: z.object({ deviceId: idSchema, userId: userIdSchema, reason: z.enum(['revoked', 'replaced', 'mfa_reset']), revokedBy: actorSchema }),
  },
  /** The app's own report of what may keep it from showing a push; every field but the ids and time is optional. */
  DeviceHealthReported: {
    1: z.object({
      deviceId: idSchema,
      userId: userIdSchema,
      reportedAt: isoDateTime,
      ...reportedHealthSchema.shape,
    }),
  },
  /** An admin asked for a test notification to one device: it is not a challenge and approves nothing. */
  TestPushRequested: {
    1: z.object({ testPushId: idSchema, userId: userIdSchema, deviceId: idSchema, requestedBy: actorSchema, requestedAt: isoDateTime }),
  },
  /** The device a test push was sent to said (signed) that the app received it. */
  TestPushReceived: { 1: z.object({ testPushId: idSchema, userId: userIdSchema, deviceId: idSchema, receivedAt: isoDateTime }) },
  UserMfaReset: { 1: z.object({ userId: userIdSchema, revokedDeviceIds: z.array(idSchema), resetBy: actorSchema }) },
  /** An identity pool and its sign-in policy (key: the workspace). */
  PoolCreated: { 1: z.object({ poolId: idSchema, pool: poolPolicySchema, createdBy: actorSchema }) },
  /** The pool's whole policy after the change, and the fields that changed. */
  PoolChanged: { 1: z.object({ poolId: idSchema, pool: poolPolicySchema, changed: z.array(z.string()), changedBy: actorSchema }) },
  PoolDeleted: { 1: z.object({ poolId: idSchema, deletedBy: actorSchema }) },
  /** A user moved to a pool (key: the user); unassigned users are in the default pool. */
  UserPoolAssigned: { 1: z.object({ userId: userIdSchema, poolId: idSchema, previousPoolId: idSchema, assignedBy: actorSchema }) },
  PushLockLifted: {
    /**
     * An admin lifted the user's push lock before `lockedUntil` (`DELETE /v1/users/{userId}/push-lock`); the user's
     * wrong-number streak ends with it. `liftedBy` is the admin key's id. `reason`, `lockedUntil` and `challengeId`
     * (the challenge whose FraudReported / PushLocked locked push) describe the lock lifted, as the registry saw it:
     * a lock recorded after the lift (another challenge) stays in force.
     */
    1: z.object({
      userId: userIdSchema,
      liftedBy: z.string().min(1),
      reason: z.enum(['fraud_report', 'number_mismatch', 'offline_code']),
      lockedUntil: isoDateTime,
      challengeId: idSchema.optional(),
    }),
  },
} as const;
