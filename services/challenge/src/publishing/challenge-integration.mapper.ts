import type { RecordedEvent } from '@pushmfa/event-store';
import type { IntegrationMessage } from '@pushmfa/messaging';
import type { PushChallengeEvent } from '../push-challenge/push-challenge.events';

/** Maps stored challenge events to contract messages keyed by challenge id; the number to match is left behind. */
export function mapChallengeEvent(recorded: RecordedEvent): IntegrationMessage | null {
  const event = { type: recorded.type, data: recorded.data } as PushChallengeEvent;
  switch (event.type) {
    case 'ChallengeIssued': {
      const { challengeId, workspaceId, userId, createdAt, expiresAt, numberMatch, context, devices } = event.data;
      const data = { challengeId, userId, createdAt, expiresAt, numberMatchRequired: numberMatch !== undefined, context, devices };
      return { type: 'ChallengeIssued', data, key: challengeId, workspaceId };
    }
    case 'ChallengeApproved':
    case 'ChallengeDenied':
    case 'ChallengeCancelled':
      return { type: event.type, data: event.data, key: event.data.challengeId, workspaceId: String(recorded.metadata.workspaceId) };
    default:
      return null;
  }
}
