import { describe, expect, it } from 'vitest';
import { testPushMeaning, testPushWord } from './test-push-words';

describe('test push words', () => {
  it('tells a phone problem from a server problem', () => {
    expect(testPushWord({ status: 'received' })).toEqual({ word: 'Received by the phone', tone: 'good' });
    expect(testPushWord({ status: 'failed' }).tone).toBe('bad');
    expect(testPushMeaning({ status: 'delivered' })).toContain('check the phone');
    expect(testPushMeaning({ status: 'failed', failure: { reason: 'provider_unavailable', summary: 'a server problem, not the phone' } })).toBe(
      'a server problem, not the phone',
    );
  });
});
