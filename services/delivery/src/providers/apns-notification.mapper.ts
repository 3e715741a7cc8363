import { Notification } from '@parse/node-apn';
import type { PushMessage, TestPushMessage } from './push-provider.port';
import { PUSH_TITLE, pushBody, shownContext, TEST_PUSH_BODY, TEST_PUSH_TITLE, TEST_PUSH_TYPE } from './push-text';

/** The notification category the iOS app registers with its Approve and Deny actions. */
export const APPROVAL_CATEGORY = 'PUSHMFA_APPROVAL';

/**
 * A visible, actionable alert (Approve/Deny from the lock screen), mutable so the app's extension can enrich it,
 * sent at once (priority 10), dropped by APNs once the challenge expires, and collapsed per challenge so a resend
 * replaces the earlier one. It never says which number to match (a `choose` challenge's three candidates go unmarked). The title is ours; the sign-in's context is shown
 * cut short and labelled as what the sign-in reported (push-text.ts).
 */
export function toApnsNotification(message: PushMessage | TestPushMessage, topic: string, apnsId: string): Notification {
  if ('testPushId' in message) return toApnsTestNotification(message, topic, apnsId);
  const notification = immediateAlert(topic, apnsId, message.expiresAt, message.challengeId);
  notification.mutableContent = true;
  notification.alert = { title: PUSH_TITLE, body: pushBody(message.context) };
  notification.aps.category = APPROVAL_CATEGORY;
  notification.payload = {
    type: 'pushmfa.challenge',
    challengeId: message.challengeId,
    workspaceId: message.workspaceId,
    expiresAt: message.expiresAt,
    attempt: message.attempt,
    context: shownContext(message.context),
    ...(message.numberChoices ? { numberChoices: message.numberChoices } : {}),
  };
  return notification;
}

/** An admin's test push: a plain alert saying it is a test, without the approval category (no Approve or Deny). */
function toApnsTestNotification(message: TestPushMessage, topic: string, apnsId: string): Notification {
  const notification = immediateAlert(topic, apnsId, message.expiresAt, message.testPushId);
  notification.alert = { title: TEST_PUSH_TITLE, body: TEST_PUSH_BODY };
  notification.payload = { type: TEST_PUSH_TYPE, testPushId: message.testPushId, workspaceId: message.workspaceId, attempt: message.attempt };
  return notification;
}

/** A visible alert sent at once (priority 10), dropped by APNs at `expiresAtMs`, collapsed on `collapseId`. */
function immediateAlert(topic: string, apnsId: string, expiresAtMs: number, collapseId: string): Notification {
  const notification = new Notification();
  notification.id = apnsId;
  notification.topic = topic;
  notification.pushType = 'alert';
  notification.priority = 10;
  notification.expiry = Math.floor(expiresAtMs / 1000);
  notification.collapseId = collapseId;
  return notification;
}
