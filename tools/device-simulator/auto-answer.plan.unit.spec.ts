import { planAutoAnswer, readTypedAnswer } from './auto-answer.plan';
import type { PendingChallenge } from './device-challenge.api';

const item = (numberMatchRequired: boolean): PendingChallenge => ({
  challengeId: 'ch_1',
  createdAt: '',
  expiresAt: '',
  context: undefined,
  numberMatchRequired,
});

describe('planAutoAnswer', () => {
  it('approves without a number when none is required', () => {
    expect(planAutoAnswer(item(false), undefined)).toEqual({ kind: 'answer', answer: { decision: 'approve' } });
  });

  it('skips, saying why, when a number is required and no file gives it', () => {
    expect(planAutoAnswer(item(true), undefined)).toEqual({ kind: 'skip', reason: expect.stringContaining('--number-from') });
    expect(planAutoAnswer(item(true), { path: '/tmp/n', content: undefined })).toEqual({ kind: 'skip', reason: expect.stringContaining('cannot be read') });
    expect(planAutoAnswer(item(true), { path: '/tmp/n', content: 'abc' })).toEqual({ kind: 'skip', reason: expect.stringContaining('2 to 6 digits') });
  });

  it('approves with the number from the file', () => {
    expect(planAutoAnswer(item(true), { path: '/tmp/n', content: '07\n' })).toEqual({ kind: 'answer', answer: { decision: 'approve', numberMatch: '07' } });
  });
});

describe('a "choose" request', () => {
  const choose: PendingChallenge = { ...item(true), numberChoices: ['12', '07', '93'] };

  it('approves with the number from the file only when it is one of the three offered', () => {
    expect(planAutoAnswer(choose, { path: '/tmp/n', content: '07' })).toEqual({ kind: 'answer', answer: { decision: 'approve', numberMatch: '07' } });
    expect(planAutoAnswer(choose, { path: '/tmp/n', content: '55' })).toEqual({ kind: 'skip', reason: expect.stringContaining('not among the three') });
  });

  it('takes a typed number only when it is one of the three buttons', () => {
    expect(readTypedAnswer('93', choose)).toEqual({ decision: 'approve', numberMatch: '93' });
    expect(readTypedAnswer('55', choose)).toBeUndefined();
    expect(readTypedAnswer('n', choose)).toEqual({ decision: 'deny' });
  });
});

describe('readTypedAnswer', () => {
  it('reads a number, n, fraud, or y when no number is needed', () => {
    expect(readTypedAnswer(' 42 ', item(true))).toEqual({ decision: 'approve', numberMatch: '42' });
    expect(readTypedAnswer('n', item(true))).toEqual({ decision: 'deny' });
    expect(readTypedAnswer('fraud', item(false))).toEqual({ decision: 'deny', fraud: true });
    expect(readTypedAnswer('y', item(false))).toEqual({ decision: 'approve' });
  });

  it('refuses y when the number is required, and anything else', () => {
    expect(readTypedAnswer('y', item(true))).toBeUndefined();
    expect(readTypedAnswer('maybe', item(false))).toBeUndefined();
    expect(readTypedAnswer('4', item(true))).toBeUndefined();
  });
});
