import { createRequire } from 'node:module';
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

  describe('request timeouts', () => {
    type Queue = {
      requestTimeoutIntervalId?: NodeJS.Timeout;
      inflight: Map<number, unknown>;
      scheduleRequestTimeoutCheck(): void;
      push(request: unknown): void;
      fulfillRequest(response: { correlationId: number; payload: Buffer | null; size: number }): void;
      destroy(): void;
    };
    const RequestQueue = createRequire(__filename)('kafkajs/src/network/requestQueue') as new (options: Record<string, unknown>) => Queue;
    const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    const connection = (requestTimeout: number) => {
      const queue = new RequestQueue({ maxInFlightRequests: null, requestTimeout, enforceRequestTimeout: true, clientId: 'test', broker: 'b:1', logger });
      const outcomes: string[] = [];
      const send = (correlationId: number) =>
        queue.push({
          entry: {
            correlationId,
            apiName: 'Fetch',
            apiKey: 1,
            apiVersion: 11,
            resolve: () => outcomes.push(`${correlationId} answered`),
            reject: (error: Error) => outcomes.push(`${correlationId} ${error.name}`),
          },
          expectResponse: true,
          sendRequest: () => undefined,
        });
      return { queue, outcomes, send };
    };

    it('keeps no interval on an open connection (no 100 ms wake-ups while idle)', () => {
      const { queue } = connection(10_000);
      queue.scheduleRequestTimeoutCheck();
      expect(queue.requestTimeoutIntervalId).toBeUndefined();
    });

    it("still fails a request that outlives its timeout, with kafkajs' own error, and leaves an answered one alone", async () => {
      const { queue, outcomes, send } = connection(30);
      queue.scheduleRequestTimeoutCheck();
      send(1);
      send(2);
      queue.fulfillRequest({ correlationId: 2, payload: null, size: 0 });
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(outcomes).toEqual(['2 answered', '1 KafkaJSRequestTimeoutError']);
      expect(queue.inflight.size).toBe(0);
      queue.destroy();
    });
  });
});
