import type { RecordedEvent } from '@pushmfa/event-store';
import type { IntegrationMessage } from '@pushmfa/messaging';
import { pushChallengeEvents } from '../push-challenge/push-challenge.events';

/**
 * Maps stored challenge events to contract messages keyed by challenge id; the number to match is left behind (a
 * `choose` challenge's three candidates go, none of them marked).
 */
export function mapChallengeEvent(recorded: RecordedEvent): IntegrationMessage | null {
  const event = pushChallengeEvents.readDomainEvent(recorded);
  // A type stored by a newer version is not published by this one.
  if (event === null) return null;
  const workspaceId = String(recorded.metadata.workspaceId);
  switch (event.type) {
    case 'ChallengeIssued': {
      const { challengeId, workspaceId: issuedIn, userId, createdAt, expiresAt, numberMatch, context, devices, poolId, factor } = event.data;
      const { numberMatching, numberChoices, riskSignals } = event.data;
      const data = {
        challengeId,
        userId,
        createdAt,
        expiresAt,
        numberMatchRequired: numberMatch !== undefined,
        context,
        devices,
        ...(poolId ? { poolId } : {}),
        ...(factor ? { factor } : {}),
        ...(numberMatching ? { numberMatching } : {}),
        // Three candidates, the right one unmarked among them: what the app offers the user to tap.
        ...(numberChoices ? { numberChoices } : {}),
        ...(riskSignals ? { riskSignals } : {}),
      };
      return { type: 'ChallengeIssued', data, key: challengeId, workspaceId: issuedIn };
    }
    case 'ChallengeApproved': {
      // The offline code's time step stays in this service.
      const { offlineCodeStep: _step, ...data } = event.data;
      return { type: 'ChallengeApproved', data, key: data.challengeId, workspaceId };
    }
    case 'OfflineCodeRejected':
      return null;
    case 'ChallengeDenied':
    case 'ChallengeCancelled':
    case 'ChallengeExpired':
    case 'ChallengeReceived':
    case 'ChallengeResendRequested':
    case 'FraudReported':
    case 'PushLocked':
      // Each contract shape equals the stored one field for field; none carries the number.
      return { ...event, key: event.data.challengeId, workspaceId };
    default: {
      // Exhaustive over the stored union.
      const unknownType: never = event;
      void unknownType;
      return null;
    }
  }
}
