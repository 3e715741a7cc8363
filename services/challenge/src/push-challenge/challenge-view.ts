import { type PushChallengeState, visibleChallengeStatus } from './push-challenge.decider';

type IssuedChallenge = Exclude<PushChallengeState, { status: 'absent' }>;

/** The platform's view of a challenge (API.md): never the number to match. */
export function challengeView(state: IssuedChallenge, now = new Date()) {
  const status = visibleChallengeStatus(state, now);
  const resolvedAt = 'resolvedAt' in state ? state.resolvedAt : status === 'expired' ? state.expiresAt : undefined;
  return {
    challengeId: state.challengeId,
    userId: state.userId,
    status,
    createdAt: state.createdAt,
    expiresAt: state.expiresAt,
    ...(resolvedAt ? { resolvedAt } : {}),
    ...(state.factor === 'first' ? firstFactorOutcome(state, status) : {}),
  };
}

/**
 * What a passwordless (first-factor) push leaves to do: once approved, push is the method used (`amr`); the device
 * counts as the second factor too only when its approval proved user verification and the pool accepts push as a
 * second factor; otherwise the platform asks for one of the pool's second-factor methods.
 */
function firstFactorOutcome(state: IssuedChallenge, status: string) {
  const secondFactor = state.secondFactor ?? { methods: [], preferred: null };
  if (status !== 'approved') return { factor: 'first' as const };
  const verified = 'userVerified' in state && state.userVerified === true;
  const secondFactorRequired = secondFactor.methods.length > 0 && !(verified && secondFactor.methods.includes('push'));
  const remaining = secondFactor.methods.filter((method) => method !== 'push');
  const preferred = secondFactor.preferred !== 'push' ? secondFactor.preferred : (remaining[0] ?? null);
  return {
    factor: 'first' as const,
    amr: ['push'],
    secondFactorRequired,
    secondFactor: secondFactorRequired ? { methods: remaining, preferred } : { methods: [], preferred: null },
  };
}
