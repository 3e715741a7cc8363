import { applyKafkajsIdleFix } from './kafkajs-idle-fix';

interface QueueLike {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

describe("kafkajs' request queue when idle", () => {
  const prototype = applyKafkajsIdleFix() as unknown as QueueLike;
  const queue = (state: Partial<QueueLike>): QueueLike =>
    Object.assign(Object.create(prototype) as QueueLike, { pending: [], throttledUntil: -1, throttleCheckTimeoutId: null, ...state });

  it('schedules no check while nothing is pending and the broker does not throttle (no 1 ms timer loop)', () => {
    const idle = queue({});
    idle.scheduleCheckPendingRequests();
    expect(idle.throttleCheckTimeoutId).toBeNull();
  });

  it('still schedules a check for a pending request, and for a throttled connection', () => {
    for (const state of [{ pending: [{}] }, { throttledUntil: Date.now() + 60_000 }]) {
      const busy = queue(state);
      busy.checkPendingRequests = () => undefined;
      busy.scheduleCheckPendingRequests();
      expect(busy.throttleCheckTimeoutId).not.toBeNull();
      clearTimeout(busy.throttleCheckTimeoutId!);
    }
  });

  it('patches the class once', () => {
    expect(applyKafkajsIdleFix()).toBe(prototype);
  });
});
