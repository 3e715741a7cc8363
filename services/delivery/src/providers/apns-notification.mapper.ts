import { Notification } from '@parse/node-apn';
import type { PushContext, PushMessage } from './push-provider.port';

/** The notification category the iOS app registers with its Approve and Deny actions. */
export const APPROVAL_CATEGORY = 'PUSHMFA_APPROVAL';

/**
 * A visible, actionable alert (Approve/Deny from the lock screen), mutable so the app's extension can enrich it,
 * sent at once (priority 10), dropped by APNs once the challenge expires, and collapsed per challenge so a resend
 * replaces the earlier one. It never carries the number to match.
 */
export function toApnsNotification(message: PushMessage, topic: string, apnsId: string): Notification {
  const notification = new Notification();
  notification.id = apnsId;
  notification.topic = topic;
  notification.pushType = 'alert';
  notification.priority = 10;
  notification.expiry = Math.floor(message.expiresAt / 1000);
  notification.collapseId = message.challengeId;
  notification.mutableContent = true;
  notification.alert = { title: alertTitle(message.context), body: alertBody(message.context) };
  notification.aps.category = APPROVAL_CATEGORY;
  notification.payload = {
    type: 'pushmfa.challenge',
    challengeId: message.challengeId,
    workspaceId: message.workspaceId,
    expiresAt: message.expiresAt,
    attempt: message.attempt,
    context: message.context,
  };
  return notification;
}

function alertTitle(context: PushContext): string {
  return context.application === undefined ? 'Approve sign-in?' : `Approve sign-in to ${context.application}?`;
}

function alertBody(context: PushContext): string {
  const where = [context.location, context.ipAddress === undefined ? undefined : `(${context.ipAddress})`].filter(Boolean).join(' ');
  const parts = [where === '' ? undefined : `From ${where}`, context.userAgent].filter((part): part is string => part !== undefined);
  return parts.length === 0 ? 'Someone is signing in to your account. Was it you?' : `${parts.join(' · ')}. Was it you?`;
}
