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
  };
}
