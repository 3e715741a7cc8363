import { z } from 'zod';
import { numberMatchingSchema, safeText } from './shared-schemas';

/**
 * Sign-in methods an identity pool may list: `push` is pushmfa's own; the others are policy the identity platform
 * applies (pushmfa keeps and reports them, and never runs them).
 */
export const SIGN_IN_METHODS = ['push', 'password', 'passkey', 'totp', 'sms_otp', 'email_otp'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

/** The methods a pool offers for one factor, and the one the sign-in page offers first (one of them). */
export const factorPolicySchema = z
  .strictObject({
    methods: z
      .array(z.enum(SIGN_IN_METHODS, { error: `must be one of ${SIGN_IN_METHODS.join(', ')}` }))
      .max(SIGN_IN_METHODS.length)
      .refine((methods) => new Set(methods).size === methods.length, 'must not repeat a method'),
    preferred: z.enum(SIGN_IN_METHODS).optional(),
  })
  .refine((factor) => factor.preferred === undefined || factor.methods.includes(factor.preferred), {
    message: 'preferred must be one of methods',
    path: ['preferred'],
  });
export type FactorPolicy = z.infer<typeof factorPolicySchema>;

/** A factor as a sign-in page reads it: `preferred` as named, else the first method, else null (no method). */
export function resolvedFactor(factor: FactorPolicy): { methods: SignInMethod[]; preferred: SignInMethod | null } {
  return { methods: [...factor.methods], preferred: factor.preferred ?? factor.methods[0] ?? null };
}

/** What an admin sets on a pool (every field of a PATCH optional). */
export const poolPolicySchema = z.strictObject({
  name: safeText(z.string().min(1).max(200)),
  firstFactor: factorPolicySchema,
  secondFactor: factorPolicySchema,
  /** Number matching for this pool's pushes; absent: the workspace's setting. */
  numberMatching: numberMatchingSchema.optional(),
  /** How long the platform may treat a completed MFA as fresh for this pool (its policy; pushmfa reports it). */
  mfaSessionTtlSeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .optional(),
  /** First-factor (passwordless) pushes a user may get in 10 minutes; tighter than the workspace's limit. */
  passwordlessMaxPerUserPer10Min: z.number().int().min(1).max(100).optional(),
});
export type PoolPolicy = z.infer<typeof poolPolicySchema>;

/** Every workspace's pool for users not assigned to another; it exists from the start and cannot be deleted. */
export const DEFAULT_POOL_ID = 'default';

/** First-factor pushes a user may get in 10 minutes when the pool does not say. */
export const DEFAULT_PASSWORDLESS_MAX_PER_USER_PER_10_MIN = 3;

/** The default pool until an admin changes it: a password first, push as the preferred second factor. */
export const DEFAULT_POOL_POLICY: PoolPolicy = {
  name: 'Default',
  firstFactor: { methods: ['password'], preferred: 'password' },
  secondFactor: { methods: ['push'], preferred: 'push' },
};
