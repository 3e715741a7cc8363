import { z } from 'zod';

/**
 * C0 and C1 control characters (NUL included) and the bidirectional embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069), which make text read otherwise than it is stored.
 */
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Free text a person will read (a name, the sign-in context, a push token): refuses control and bidi characters. */
export function safeText(schema: z.ZodString = z.string()): z.ZodString {
  return schema.refine((value) => !UNSAFE_TEXT.test(value), 'must not contain control characters or bidirectional override characters');
}

/** The platform's own user identifier: 1 to 256 characters, no control or bidi override characters. */
export const userIdSchema = safeText(z.string().min(1).max(256));

export const idSchema = z.string().min(1).max(100);
export const isoDateTime = z.iso.datetime({ offset: true });
export const platformSchema = z.enum(['android', 'ios']);
export const pushProviderSchema = z.enum(['fcm', 'apns']);

/** What the app shows next to Approve/Deny. */
export const challengeContextSchema = z.object({
  ipAddress: safeText(z.string().max(64)).optional(),
  location: safeText(z.string().max(200)).optional(),
  userAgent: safeText(z.string().max(512)).optional(),
  application: safeText(z.string().max(200)).optional(),
});
export type ChallengeContext = z.infer<typeof challengeContextSchema>;

export const publicJwkSchema = z.union([
  z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string() }),
  z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string() }),
]);

/**
 * How the user proves the push is theirs: `off` (no number), `always` (the sign-in page shows a number, the user types
 * it in the app), `choose` (the app offers three numbers, the user taps the one the sign-in page shows), `risk` (typed
 * number matching only when a risk signal fires, RISK_SIGNALS).
 */
export const NUMBER_MATCHING_STYLES = ['off', 'always', 'choose', 'risk'] as const;
export type NumberMatchingStyle = (typeof NUMBER_MATCHING_STYLES)[number];
export const numberMatchingSchema = z.enum(NUMBER_MATCHING_STYLES, { error: `must be one of ${NUMBER_MATCHING_STYLES.join(', ')}` });

/**
 * Why a `risk`-style challenge asked for the number: a denial (the user's, or a wrong number), a fraud report or a
 * refused request over the rate limit for the user in the last 24 hours; an IP address or an application the user has
 * never approved a sign-in from; the first sign-in since the user's newest device was paired (or ever).
 */
export const RISK_SIGNALS = [
  'recent_denial',
  'recent_fraud_report',
  'recent_rate_limit',
  'new_ip_address',
  'new_application',
  'first_sign_in_after_pairing',
] as const;
export type RiskSignal = (typeof RISK_SIGNALS)[number];

export const settingsSchema = z.object({
  pushEnabled: z.boolean(),
  numberMatching: numberMatchingSchema,
  numberMatchingDigits: z.number().int().min(2).max(6),
  challengeTtlSeconds: z.number().int().min(10).max(600),
  maxChallengesPerUserPer10Min: z.number().int().min(1).max(1000),
  fraudLockMinutes: z.number().int().min(1).max(10080),
  maxDevicesPerUser: z.number().int().min(1).max(100),
  /** Consecutive wrong numbers after which push locks for `fraudLockMinutes`; 0 never locks. */
  numberMismatchLockThreshold: z.number().int().min(0).max(100),
  /** Seconds a user's next push (issue or resend) must wait after the previous one; 0 is off. */
  minSecondsBetweenPushes: z.number().int().min(0).max(600),
  /** Pending challenges a user may have at once: a new one cancels the oldest beyond it (reason `superseded`). */
  maxPendingPerUser: z.number().int().min(1).max(20),
  /** The platform may approve a pending challenge with the app's offline code (`POST /v1/challenges/{id}/offline-code`). */
  offlineCodesEnabled: z.boolean(),
  /** Days the app logs a user shares with support are kept, then deleted. */
  diagnosticsRetentionDays: z.number().int().min(1).max(365),
});
export type WorkspaceSettings = z.infer<typeof settingsSchema>;

/**
 * Settings as registry events carry them. Added within v1 (additive): settings introduced after the first
 * release are optional there, so records written before them stay valid, and readers fill them from
 * DEFAULT_SETTINGS (`{ ...DEFAULT_SETTINGS, ...settings }`).
 */
export const eventSettingsSchema = settingsSchema.partial({
  numberMismatchLockThreshold: true,
  minSecondsBetweenPushes: true,
  maxPendingPerUser: true,
  offlineCodesEnabled: true,
  diagnosticsRetentionDays: true,
});

export const DEFAULT_SETTINGS: WorkspaceSettings = {
  pushEnabled: false,
  numberMatching: 'always',
  numberMatchingDigits: 2,
  challengeTtlSeconds: 60,
  maxChallengesPerUserPer10Min: 5,
  fraudLockMinutes: 15,
  maxDevicesPerUser: 10,
  numberMismatchLockThreshold: 3,
  minSecondsBetweenPushes: 0,
  maxPendingPerUser: 1,
  offlineCodesEnabled: true,
  diagnosticsRetentionDays: 30,
};

export const actorSchema = z.object({
  kind: z.enum(['operator', 'admin', 'platform', 'device', 'system']),
  keyId: z.string().optional(),
  deviceId: z.string().optional(),
});
