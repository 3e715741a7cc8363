import type { ContractEnvelope } from '@pushmfa/contracts';
import type { ChallengeView } from '../challenges/challenge-view';
import { pushRoundOfResend } from './delivery-retry-policy';
import type { PushJob } from './push-job';

/** The only challenge events that can ask for pushes; for any other, planning needs no view. */
export function mayRequestPushes(envelope: ContractEnvelope): envelope is ContractEnvelope<'ChallengeIssued' | 'ChallengeResendRequested'> {
  return envelope.type === 'ChallengeIssued' || envelope.type === 'ChallengeResendRequested';
}

/**
 * The pushes a challenge event asks for: one per target device, each independent. `view` is the challenge
 * view after the event was applied; a challenge that is no longer pending asks for none. Pure.
 */
export function planPushJobs(envelope: ContractEnvelope, view: ChallengeView | null, traceparent: string | undefined): PushJob[] {
  if (!view || view.status !== 'pending') return [];
  let round: number;
  if (envelope.type === 'ChallengeIssued') round = 1;
  else if (envelope.type === 'ChallengeResendRequested') round = pushRoundOfResend(envelope.data.attempt);
  else return [];
  const requestedAtMs = Date.parse(envelope.occurredAt);
  return view.targetDevices.map((target) => ({
    workspaceId: view.workspaceId,
    challengeId: view.challengeId,
    userId: view.userId,
    deviceId: target.deviceId,
    pushProvider: target.pushProvider,
    round,
    tryNumber: 1,
    deviceLookups: 0,
    correlationId: envelope.correlationId,
    causationId: envelope.id,
    ...(Number.isFinite(requestedAtMs) ? { requestedAtMs } : {}),
    traceparent,
  }));
}
