import type { TestPush } from '../api/report-types';
import type { StatusTone } from './status-words';

const WORDS: Record<TestPush['status'], { word: string; tone: StatusTone }> = {
  requested: { word: 'Sent, no answer from the push service yet', tone: 'waiting' },
  delivered: { word: 'Delivered, not confirmed by the phone', tone: 'waiting' },
  received: { word: 'Received by the phone', tone: 'good' },
  failed: { word: 'Not delivered', tone: 'bad' },
};

/** How far a test push got, in the help desk's words, and the chip's tone. */
export function testPushWord(push: Pick<TestPush, 'status'>): { word: string; tone: StatusTone } {
  return WORDS[push.status];
}

/** What the help desk reads in the row: the failure's summary, or what the status means for the phone. */
export function testPushMeaning(push: Pick<TestPush, 'status' | 'failure'>): string {
  switch (push.status) {
    case 'received':
      return 'The phone gets pushes: look at the app or the sign-in, not the network.';
    case 'delivered':
      return 'The push service took it but the app did not confirm: check the phone (notifications, Focus, battery saver, network).';
    case 'failed':
      return push.failure?.summary ?? 'The push could not be delivered.';
    case 'requested':
      return 'Waiting for the push service.';
  }
}
