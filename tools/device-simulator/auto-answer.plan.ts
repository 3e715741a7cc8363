import { matchNumber } from './cli-arguments';
import type { ChallengeAnswer, PendingChallenge } from './device-challenge.api';

export type AutoAnswerPlan = { kind: 'answer'; answer: ChallengeAnswer } | { kind: 'skip'; reason: string };

/**
 * What `watch --auto-approve` does with one request. With number matching on, the app cannot know the number (it
 * never leaves the challenge service), so it approves only with a number someone wrote to --number-from.
 */
export function planAutoAnswer(item: PendingChallenge, numberFromFile: { path: string; content: string | undefined } | undefined): AutoAnswerPlan {
  const plan = planFromFile(item, numberFromFile);
  // A "choose" request: the app offers three numbers to tap; when the sign-in page's is not among them, this is not that sign-in.
  if (plan.kind === 'answer' && item.numberChoices && !item.numberChoices.includes(plan.answer.numberMatch ?? '')) {
    return {
      kind: 'skip',
      reason: `the number in ${numberFromFile?.path ?? 'the file'} is not among the three this request offers (${item.numberChoices.join(', ')})`,
    };
  }
  return plan;
}

function planFromFile(item: PendingChallenge, numberFromFile: { path: string; content: string | undefined } | undefined): AutoAnswerPlan {
  if (!item.numberMatchRequired) return { kind: 'answer', answer: { decision: 'approve' } };
  if (numberFromFile === undefined) {
    return {
      kind: 'skip',
      reason: 'number matching is on and this app cannot know the number: run watch with --number-from <file>, or answer with approve <id> --number NN',
    };
  }
  if (numberFromFile.content === undefined) return { kind: 'skip', reason: `number matching is on and ${numberFromFile.path} cannot be read` };
  try {
    return { kind: 'answer', answer: { decision: 'approve', numberMatch: matchNumber(numberFromFile.content) } };
  } catch {
    return { kind: 'skip', reason: `number matching is on and ${numberFromFile.path} does not hold 2 to 6 digits` };
  }
}

/**
 * What the user typed at "Approve?"; undefined when it means nothing. A "choose" request takes only one of the three
 * numbers it offers (the app shows three buttons, nothing to type).
 */
export function readTypedAnswer(typed: string, item: Pick<PendingChallenge, 'numberMatchRequired' | 'numberChoices'>): ChallengeAnswer | undefined {
  const text = typed.trim().toLowerCase();
  if (text === 'n' || text === 'no') return { decision: 'deny' };
  if (text === 'fraud') return { decision: 'deny', fraud: true };
  if (!item.numberMatchRequired) return text === 'y' || text === 'yes' ? { decision: 'approve' } : undefined;
  if (item.numberChoices) return item.numberChoices.includes(text) ? { decision: 'approve', numberMatch: text } : undefined;
  return /^\d{2,6}$/.test(text) ? { decision: 'approve', numberMatch: text } : undefined;
}
