import type { TokenMessage } from 'firebase-admin/messaging';
import type { PushMessage, TestPushMessage } from './push-provider.port';
import { PUSH_TITLE, pushBody, shownContext, TEST_PUSH_BODY, TEST_PUSH_TITLE, TEST_PUSH_TYPE } from './push-text';

/**
 * A data-only message (the app builds the notification, with Approve/Deny), high priority so Android wakes the
 * app, living only until the challenge expires, and collapsed per challenge so a resend replaces, not stacks.
 * FCM data values must all be strings. The context values are cut to what a phone shows, and `title` / `body` are
 * the notification text to show: our title, and the context labelled as what the sign-in reported (push-text.ts).
 */
export function toFcmMessage(message: PushMessage | TestPushMessage, nowMs: number): TokenMessage {
  if ('testPushId' in message) return toFcmTestMessage(message, nowMs);
  const data: Record<string, string> = {
    type: 'pushmfa.challenge',
    challengeId: message.challengeId,
    workspaceId: message.workspaceId,
    expiresAt: String(message.expiresAt),
    attempt: String(message.attempt),
    title: PUSH_TITLE,
    body: pushBody(message.context),
  };
  const { application, ipAddress, location, userAgent } = shownContext(message.context);
  if (application !== undefined) data.application = application;
  if (ipAddress !== undefined) data.ipAddress = ipAddress;
  if (location !== undefined) data.location = location;
  if (userAgent !== undefined) data.userAgent = userAgent;
  // FCM data values are strings: the three numbers comma-separated, in the order the app shows them.
  if (message.numberChoices) data.numberChoices = message.numberChoices.join(',');
  return {
    token: message.pushToken,
    data,
    android: {
      priority: 'high',
      ttl: Math.max(0, message.expiresAt - nowMs),
      collapseKey: message.challengeId,
    },
  };
}

/** An admin's test push: data the app shows as a plain notification, with no challenge and nothing to approve. */
function toFcmTestMessage(message: TestPushMessage, nowMs: number): TokenMessage {
  return {
    token: message.pushToken,
    data: {
      type: TEST_PUSH_TYPE,
      testPushId: message.testPushId,
      workspaceId: message.workspaceId,
      attempt: String(message.attempt),
      title: TEST_PUSH_TITLE,
      body: TEST_PUSH_BODY,
    },
    android: { priority: 'high', ttl: Math.max(0, message.expiresAt - nowMs), collapseKey: message.testPushId },
  };
}
