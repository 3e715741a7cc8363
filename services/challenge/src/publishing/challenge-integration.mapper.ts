import { type RecordedEvent, StoredEventReader } from '@pushmfa/event-store';
import type { IntegrationMessage } from '@pushmfa/messaging';
import { pushChallengeEvents, pushUserEvents } from '../push-challenge/push-challenge.events';

/** The service's whole log: challenge streams and users' push streams. */
const storedEvents = StoredEventReader.union(pushChallengeEvents, pushUserEvents);

/** Maps stored challenge events to contract messages keyed by challenge id; the number to match is left behind. */
export function mapChallengeEvent(recorded: RecordedEvent): IntegrationMessage | null {
  const event = storedEvents.readDomainEvent(recorded);
  // A type stored by a newer version is not published by this one.
  if (event === null) return null;
  const workspaceId = String(recorded.metadata.workspaceId);
  switch (event.type) {
    case 'ChallengeIssued': {
      const { challengeId, workspaceId: issuedIn, userId, createdAt, expiresAt, numberMatch, context, devices } = event.data;
      const data = { challengeId, userId, createdAt, expiresAt, numberMatchRequired: numberMatch !== undefined, context, devices };
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
    case 'PushUnlocked':
      // Keyed like the lock it lifts, so it follows that challenge's FraudReported / PushLocked on one partition.
      return { ...event, key: event.data.challengeId ?? `${workspaceId}/${event.data.userId}`, workspaceId };
    default: {
      // Exhaustive over the stored union.
      const unknownType: never = event;
      void unknownType;
      return null;
    }
  }
}
