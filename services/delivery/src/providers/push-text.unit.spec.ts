import { describe, expect, it } from '@jest/globals';
import { PUSH_TITLE, pushBody, SHOWN_CONTEXT_LIMITS, shownContext } from './push-text';

describe('what a push shows of the sign-in context', () => {
  it('labels every value as what the sign-in reported, quoted', () => {
    expect(pushBody({ application: 'Payroll', location: 'Lisbon, PT', ipAddress: '203.0.113.7', userAgent: 'Firefox' })).toBe(
      'Reported by the sign-in: app “Payroll”, from “Lisbon, PT”, IP “203.0.113.7”, browser “Firefox”.',
    );
    expect(pushBody({})).toBe('Someone is signing in to your account.');
  });

  it('cuts each value to its display limit, counting characters, not UTF-16 units', () => {
    const long = { application: '🔒'.repeat(100), location: 'x'.repeat(200), ipAddress: '1'.repeat(64), userAgent: 'u'.repeat(512) };
    const shown = shownContext(long);
    for (const [key, limit] of Object.entries(SHOWN_CONTEXT_LIMITS)) {
      const value = shown[key as keyof typeof shown]!;
      expect([...value]).toHaveLength(limit);
      expect(value.endsWith('…')).toBe(true);
    }
    expect(shownContext({ application: 'Payroll' })).toEqual({ application: 'Payroll' });
  });

  it('never puts the platform text in the title', () => {
    expect(PUSH_TITLE).toBe('Sign-in request: was it you?');
  });
});
