import type { PushContext } from './push-provider.port';

/**
 * The most of each sign-in context value a phone shows; longer values are cut and end with "…". The context is what
 * the identity platform says about the sign-in (it may be anything a caller typed), so it is shown short, quoted and
 * under a label saying where it comes from, never as our own words: it cannot pose as a message from IT.
 */
export const SHOWN_CONTEXT_LIMITS: Readonly<Record<keyof PushContext, number>> = { application: 40, location: 60, ipAddress: 45, userAgent: 60 };

/** Our words only: the platform's text never goes into a notification's title. */
export const PUSH_TITLE = 'Sign-in request: was it you?';

const LABEL = 'Reported by the sign-in';

/** An admin's test push says what it is, and that there is nothing to do. */
export const TEST_PUSH_TITLE = 'Test notification';
export const TEST_PUSH_BODY = 'Test notification from pushmfa: no action needed';
/** The `type` a test push's payload carries (a challenge's is `pushmfa.challenge`). */
export const TEST_PUSH_TYPE = 'test_push';

function cut(value: string, limit: number): string {
  const characters = [...value];
  return characters.length <= limit ? value : `${characters.slice(0, limit - 1).join('')}…`;
}

/** The context with every value cut to its display limit. */
export function shownContext(context: PushContext): PushContext {
  const shown: PushContext = {};
  for (const key of Object.keys(SHOWN_CONTEXT_LIMITS) as Array<keyof PushContext>) {
    const value = context[key];
    if (value !== undefined) shown[key] = cut(value, SHOWN_CONTEXT_LIMITS[key]);
  }
  return shown;
}

/** `Reported by the sign-in: app “Payroll”, from “Lisbon, PT” (“203.0.113.7”), browser “Firefox”.` or a plain question. */
export function pushBody(context: PushContext): string {
  const shown = shownContext(context);
  const parts = [
    shown.application === undefined ? undefined : `app “${shown.application}”`,
    shown.location === undefined ? undefined : `from “${shown.location}”`,
    shown.ipAddress === undefined ? undefined : `IP “${shown.ipAddress}”`,
    shown.userAgent === undefined ? undefined : `browser “${shown.userAgent}”`,
  ].filter((part): part is string => part !== undefined);
  return parts.length === 0 ? 'Someone is signing in to your account.' : `${LABEL}: ${parts.join(', ')}.`;
}
