import { randomInt } from 'node:crypto';
import type { ChallengeContext, NumberMatchingStyle, RiskSignal } from '@pushmfa/contracts';
import type { ChallengeFactor } from '../push-challenge.events';
import { originOf, type RiskFacts } from './issue-admission';

/** How far back a denial, a fraud report or a refused-over-the-limit request makes a sign-in risky. */
export const RISK_LOOKBACK_MS = 24 * 3_600_000;

/** What a new challenge asks of the user: the style in force, the number (if any), the app's three choices, the signals. */
export interface NumberMatchingDecision {
  numberMatching: NumberMatchingStyle;
  /** The number the sign-in page shows; absent: the user only taps Approve. */
  numberMatch?: string;
  /** `choose`: three distinct numbers, shuffled, `numberMatch` one of them and not marked. */
  numberChoices?: string[];
  /** `risk`: the signals that fired (empty: none, and there is no number). */
  riskSignals?: RiskSignal[];
}

export interface NumberMatchingInput {
  /** The pool's style, else the workspace's. */
  style: NumberMatchingStyle;
  factor: ChallengeFactor;
  digits: number;
  context: ChallengeContext;
  risk: RiskFacts;
  now: Date;
  /** An integer in [0, max): crypto-random unless a test says otherwise. */
  random?: (max: number) => number;
}

/**
 * Decides a new challenge's number matching. Passwordless (first-factor) push always matches a number: `choose` as
 * the pool says, else typed. `risk` asks for a typed number when at least one signal fires (riskSignalsOf).
 */
export function decideNumberMatching(input: NumberMatchingInput): NumberMatchingDecision {
  const random = input.random ?? ((max: number) => randomInt(0, max));
  const style: NumberMatchingStyle = input.factor === 'first' && input.style !== 'choose' ? 'always' : input.style;
  const draw = () => String(random(10 ** input.digits)).padStart(input.digits, '0');
  switch (style) {
    case 'off':
      return { numberMatching: 'off' };
    case 'always':
      return { numberMatching: 'always', numberMatch: draw() };
    case 'choose': {
      const numberMatch = draw();
      const choices = new Set([numberMatch]);
      while (choices.size < 3) choices.add(draw());
      return { numberMatching: 'choose', numberMatch, numberChoices: shuffled([...choices], random) };
    }
    case 'risk': {
      const riskSignals = riskSignalsOf(input.context, input.risk, input.now);
      return riskSignals.length > 0 ? { numberMatching: 'risk', numberMatch: draw(), riskSignals } : { numberMatching: 'risk', riskSignals };
    }
    default: {
      const unexpected: never = style;
      throw new Error(`unknown number matching style ${String(unexpected)}`);
    }
  }
}

/**
 * The signals that make a sign-in risky, in RISK_SIGNALS' order: a denial, a fraud report or a request refused over
 * the rate limit for the user in the last 24 hours; an IP address or an application (when the platform names one)
 * the user has never approved from; no approval of the user's since their newest device was paired.
 */
export function riskSignalsOf(context: ChallengeContext, risk: RiskFacts, now: Date): RiskSignal[] {
  const since = now.getTime() - RISK_LOOKBACK_MS;
  const recent = (at: string | undefined) => at !== undefined && Date.parse(at) > since;
  const { ipAddress, application } = originOf(context);
  const approvedAt = risk.marks.approval === undefined ? undefined : Date.parse(risk.marks.approval);
  const signals: RiskSignal[] = [];
  if (recent(risk.marks.denial)) signals.push('recent_denial');
  if (recent(risk.marks.fraud_report)) signals.push('recent_fraud_report');
  if (recent(risk.marks.rate_limit)) signals.push('recent_rate_limit');
  if (ipAddress !== undefined && !risk.knownIps.includes(ipAddress)) signals.push('new_ip_address');
  if (application !== undefined && !risk.knownApplications.includes(application)) signals.push('new_application');
  if (approvedAt === undefined || (risk.newestPairingAt !== null && risk.newestPairingAt.getTime() > approvedAt)) signals.push('first_sign_in_after_pairing');
  return signals;
}

/** Fisher–Yates with `random`: every order equally likely, so the place of the right number says nothing. */
function shuffled<T>(items: readonly T[], random: (max: number) => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
