import { RISK_SIGNALS } from '@pushmfa/contracts';
import type { RiskFacts } from './issue-admission';
import { decideNumberMatching, riskSignalsOf } from './number-matching';

const now = new Date('2026-12-05T09:00:00.000Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000).toISOString();
/** A user who approved from 203.0.113.7 in VPN an hour ago, on a device paired two days ago, with nothing else recent. */
const familiar: RiskFacts = {
  marks: { approval: hoursAgo(1) },
  knownIps: ['203.0.113.7'],
  knownApplications: ['VPN'],
  newestPairingAt: new Date(hoursAgo(48)),
};
const usual = { ipAddress: '203.0.113.7', application: 'VPN' };

describe('number matching styles', () => {
  it('off asks for nothing; always draws a number of numberMatchingDigits digits', () => {
    expect(decideNumberMatching({ style: 'off', factor: 'second', digits: 2, context: usual, risk: familiar, now })).toEqual({ numberMatching: 'off' });
    const always = decideNumberMatching({ style: 'always', factor: 'second', digits: 4, context: usual, risk: familiar, now, random: () => 42 });
    expect(always).toEqual({ numberMatching: 'always', numberMatch: '0042' });
  });

  it('choose offers three distinct numbers of the same length, the right one among them, in a shuffled order', () => {
    for (let round = 0; round < 200; round++) {
      const decided = decideNumberMatching({ style: 'choose', factor: 'second', digits: 2, context: usual, risk: familiar, now });
      expect(decided.numberMatching).toBe('choose');
      expect(decided.numberChoices).toHaveLength(3);
      expect(new Set(decided.numberChoices).size).toBe(3);
      expect(decided.numberChoices).toContain(decided.numberMatch);
      for (const choice of decided.numberChoices!) expect(choice).toMatch(/^\d{2}$/);
    }
  });

  it('choose does not give the right number away by its place: each of the three places holds it', () => {
    const places = new Set<number>();
    for (let round = 0; round < 200 && places.size < 3; round++) {
      const decided = decideNumberMatching({ style: 'choose', factor: 'second', digits: 2, context: usual, risk: familiar, now });
      places.add(decided.numberChoices!.indexOf(decided.numberMatch!));
    }
    expect([...places].sort()).toEqual([0, 1, 2]);
  });

  it('choose draws again when a decoy repeats a number already drawn', () => {
    const draws = [7, 7, 7, 31, 7, 64, 0, 0];
    const decided = decideNumberMatching({ style: 'choose', factor: 'second', digits: 2, context: usual, risk: familiar, now, random: () => draws.shift()! });
    expect(decided.numberMatch).toBe('07');
    expect([...decided.numberChoices!].sort()).toEqual(['07', '31', '64']);
  });

  it('passwordless push always matches a number: choose when the pool says so, else typed', () => {
    for (const style of ['off', 'risk', 'always'] as const) {
      const decided = decideNumberMatching({ style, factor: 'first', digits: 2, context: usual, risk: familiar, now });
      expect(decided.numberMatching).toBe('always');
      expect(decided.numberMatch).toMatch(/^\d{2}$/);
    }
    expect(decideNumberMatching({ style: 'choose', factor: 'first', digits: 2, context: usual, risk: familiar, now }).numberChoices).toHaveLength(3);
  });

  it('risk asks for no number when no signal fires, and names the signals when one does', () => {
    expect(decideNumberMatching({ style: 'risk', factor: 'second', digits: 2, context: usual, risk: familiar, now })).toEqual({
      numberMatching: 'risk',
      riskSignals: [],
    });
    const risky = decideNumberMatching({ style: 'risk', factor: 'second', digits: 2, context: { ...usual, ipAddress: '198.51.100.9' }, risk: familiar, now });
    expect(risky).toMatchObject({ numberMatching: 'risk', riskSignals: ['new_ip_address'] });
    expect(risky.numberMatch).toMatch(/^\d{2}$/);
  });
});

describe('risk signals', () => {
  it('fires each signal on its own fact, in the contract order', () => {
    const risk: RiskFacts = {
      marks: { denial: hoursAgo(2), fraud_report: hoursAgo(3), rate_limit: hoursAgo(4), approval: hoursAgo(49) },
      knownIps: [],
      knownApplications: [],
      newestPairingAt: new Date(hoursAgo(48)),
    };
    expect(riskSignalsOf(usual, risk, now)).toEqual([...RISK_SIGNALS]);
  });

  it('forgets denials, fraud reports and rate-limit hits after 24 hours', () => {
    const risk: RiskFacts = { ...familiar, marks: { ...familiar.marks, denial: hoursAgo(25), fraud_report: hoursAgo(24.1), rate_limit: hoursAgo(30) } };
    expect(riskSignalsOf(usual, risk, now)).toEqual([]);
    expect(riskSignalsOf(usual, { ...risk, marks: { ...risk.marks, denial: hoursAgo(23) } }, now)).toEqual(['recent_denial']);
  });

  it('compares IP addresses without case, and judges no origin the platform did not send', () => {
    const v6: RiskFacts = { ...familiar, knownIps: ['2001:db8::1'] };
    expect(riskSignalsOf({ ipAddress: '2001:DB8::1', application: 'VPN' }, v6, now)).toEqual([]);
    expect(riskSignalsOf({}, familiar, now)).toEqual([]);
    expect(riskSignalsOf({ ...usual, application: 'Payroll' }, familiar, now)).toEqual(['new_application']);
  });

  it('treats a user who never approved, or whose newest device was paired after the last approval, as signing in for the first time', () => {
    expect(riskSignalsOf(usual, { ...familiar, marks: {} }, now)).toEqual(['first_sign_in_after_pairing']);
    expect(riskSignalsOf(usual, { ...familiar, newestPairingAt: new Date(hoursAgo(0.5)) }, now)).toEqual(['first_sign_in_after_pairing']);
  });
});
