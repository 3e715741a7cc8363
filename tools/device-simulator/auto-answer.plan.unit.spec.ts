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

describe('readTypedAnswer', () => {
  it('reads a number, n, fraud, or y when no number is needed', () => {
    expect(readTypedAnswer(' 42 ', true)).toEqual({ decision: 'approve', numberMatch: '42' });
    expect(readTypedAnswer('n', true)).toEqual({ decision: 'deny' });
    expect(readTypedAnswer('fraud', false)).toEqual({ decision: 'deny', fraud: true });
    expect(readTypedAnswer('y', false)).toEqual({ decision: 'approve' });
  });

  it('refuses y when the number is required, and anything else', () => {
    expect(readTypedAnswer('y', true)).toBeUndefined();
    expect(readTypedAnswer('maybe', false)).toBeUndefined();
    expect(readTypedAnswer('4', true)).toBeUndefined();
  });
});
