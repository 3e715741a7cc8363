import type { DeviceDelivery, HealthBadge, ReportStatus } from '../api/report-types';

/** The words admins read for each report status (API.md), in the order the page lists them. */
export const STATUS_WORDS: Record<ReportStatus, string> = {
  success: 'Success',
  denied: 'Denied',
  delivered: 'Delivered',
  received: 'Received',
  pending: 'Pending',
  expired: 'Expired',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const STATUS_ORDER = Object.keys(STATUS_WORDS) as ReportStatus[];

/** How the chip reads at a glance: good, bad, in flight, or over without an answer. */
export type StatusTone = 'good' | 'bad' | 'waiting' | 'ended';

const STATUS_TONES: Record<ReportStatus, StatusTone> = {
  success: 'good',
  denied: 'bad',
  failed: 'bad',
  delivered: 'waiting',
  received: 'waiting',
  pending: 'waiting',
  expired: 'ended',
  cancelled: 'ended',
};

export function statusWord(status: string): string {
  return (STATUS_WORDS as Record<string, string>)[status] ?? capitalized(status);
}

/** A row's status in words: a cancelled request a newer one took the place of (reason `superseded`) reads "Superseded". */
export function rowStatusWord(status: string, reason?: string): string {
  return status === 'cancelled' && reason === 'superseded' ? 'Superseded' : statusWord(status);
}

export function statusTone(status: string): StatusTone {
  return (STATUS_TONES as Record<string, StatusTone>)[status] ?? 'ended';
}

const DELIVERY_WORDS: Record<DeviceDelivery, string> = {
  pending: 'Not sent yet',
  delivered: 'Delivered',
  retrying: 'Retrying',
  failed: 'Failed',
  rejected: 'Rejected (dead push token)',
};

const HEALTH_BADGE_WORDS: Record<HealthBadge, string> = {
  notifications_off: 'Notifications turned off',
  focus_mode: 'Focus mode on',
  battery_saver: 'Battery saver on',
  background_refresh_off: 'Background refresh off',
};

export function healthBadgeWord(badge: HealthBadge): string {
  return HEALTH_BADGE_WORDS[badge];
}

export function deliveryWord(delivery: string): string {
  return (DELIVERY_WORDS as Record<string, string>)[delivery] ?? capitalized(delivery);
}

/** Timeline entries in words; an event type the page does not know yet still shows, under its own name. */
const EVENT_WORDS: Record<string, string> = {
  ChallengeIssued: 'Sign-in request issued',
  ChallengeResendRequested: 'Resend requested',
  PushDispatched: 'Push accepted by provider',
  PushAttemptFailed: 'Push attempt failed, retrying',
  PushFailed: 'Push failed',
  PushRejected: 'Push rejected (dead token)',
  ChallengeReceived: 'Received by the app',
  ChallengeApproved: 'Approved',
  ChallengeDenied: 'Denied',
  ChallengeExpired: 'Expired',
  ChallengeCancelled: 'Cancelled',
  FraudReported: 'Fraud reported by the user',
  PushLocked: 'Push locked for the user',
  PushUnlocked: 'Push unlocked by an admin',
  PushLockLifted: 'Push unlocked by an admin',
  DiagnosticsShared: 'App logs shared',
};

/** `detail`: the entry's detail; a cancellation by a newer request reads as such. */
export function eventWord(type: string, detail?: Record<string, unknown>): string {
  if (type === 'ChallengeCancelled' && detail?.reason === 'superseded') return 'Superseded by a newer request';
  return EVENT_WORDS[type] ?? type;
}

/** A timeline entry in words, with what the help desk needs from its detail: "App logs shared (incident INC-…)". */
export function timelineEventWord(type: string, detail: Record<string, unknown> | undefined): string {
  const word = eventWord(type, detail);
  if (type === 'DiagnosticsShared' && typeof detail?.incidentId === 'string') return `${word} (incident ${detail.incidentId})`;
  return word;
}

/** Why a request was denied or cancelled, and why push was locked, in words. */
const REASON_WORDS: Record<string, string> = {
  user_denied: 'denied by the user',
  number_mismatch: 'wrong number typed',
  fraud: 'reported as fraud',
  platform: 'cancelled by the sign-in page',
  push_locked: 'cancelled: push was locked for the user',
  superseded: 'superseded by a newer request (maxPendingPerUser)',
  fraud_report: 'a fraud report',
  offline_code: 'wrong offline codes typed',
};

export function reasonWord(reason: string): string {
  return REASON_WORDS[reason] ?? reason;
}

/** How a request was approved, when not by answering the push. */
const APPROVED_WITH_WORDS: Record<string, string> = {
  offline_code: 'Approved with offline code',
};

export function approvedWithWord(method: string): string {
  return APPROVED_WITH_WORDS[method] ?? `Approved with ${method}`;
}

/** Why a `risk`-style request asked for the number, in an admin's words. */
const RISK_SIGNAL_WORDS: Record<string, string> = {
  recent_denial: 'a denial in the last 24 h',
  recent_fraud_report: 'a fraud report in the last 24 h',
  recent_rate_limit: 'too many requests in the last 24 h',
  new_ip_address: 'an IP address never approved from',
  new_application: 'an application never approved from',
  first_sign_in_after_pairing: 'the first sign-in since a device was paired',
};

const NUMBER_MATCHING_STYLE_WORDS: Record<string, string> = {
  off: 'Off: Approve only',
  always: 'The user typed the number shown at sign-in',
  choose: 'The user picked the number shown at sign-in among three',
};

/** The number matching of a request: the style and, for `risk`, whether a number was asked for and why. */
export function numberMatchingWords(matching: { style: string; required: boolean; riskSignals?: string[] }): string {
  if (matching.style !== 'risk') return NUMBER_MATCHING_STYLE_WORDS[matching.style] ?? matching.style;
  const signals = matching.riskSignals ?? [];
  if (!matching.required || signals.length === 0) return 'On risk: no risk signal, Approve only';
  return `On risk: number asked for after ${signals.map((signal) => RISK_SIGNAL_WORDS[signal] ?? signal).join(', ')}`;
}

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
