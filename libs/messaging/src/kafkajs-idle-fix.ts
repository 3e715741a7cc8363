/**
 * kafkajs 2.2.4 (its last release) keeps a 1 ms timer running on every broker connection for as long as the
 * connection is open: `RequestQueue.scheduleCheckPendingRequests` schedules the next check after every check, and
 * with no throttling in force its delay `throttledUntil - Date.now()` is negative, which Node runs as 1 ms (and on
 * Node 24 reports as TimeoutNegativeWarning). An idle service with a few connections wakes thousands of times a
 * second for nothing. Upstream: tulios/kafkajs issues #1556, #1704 and #1751, pull requests #1667 and #1768 (open,
 * unmerged). This applies the fix proposed there: a check is scheduled only while requests are pending or the broker
 * throttles the connection; a request that cannot go at once is pending and schedules its own check, as before.
 *
 *
 * The same class also runs, on every connection for as long as it is open, a 100 ms interval that looks for requests
 * past their timeout (`scheduleRequestTimeoutCheck`): ten wake-ups a second per connection, 6 to 11 connections per
 * service, whether anything is in flight or not. In its place each request sent gets one timer of its own, armed for
 * its timeout and cleared when it completes or fails: a request that outlives its timeout fails with kafkajs' own
 * `KafkaJSRequestTimeoutError` through its own `timeoutRequest`, as before (at its deadline rather than up to 100 ms
 * after it), and an idle connection wakes nobody.
 *
 * Loaded for its effect by every module of this library that creates kafkajs clients; patches the class once.
 */
import { createRequire } from 'node:module';

interface RequestQueuePrototype {
  scheduleCheckPendingRequests(this: RequestQueueState): void;
  scheduleRequestTimeoutCheck(this: RequestQueueState): void;
  createSocketRequest(this: RequestQueueState, pushed: unknown): SocketRequestLike;
  destroy(this: RequestQueueState): void;
  __pushmfaIdleFix?: true;
}

interface RequestQueueState {
  pending: unknown[];
  inflight: Map<number, SocketRequestLike>;
  throttledUntil: number;
  throttleCheckTimeoutId: unknown;
  enforceRequestTimeout: boolean;
}

/** The part of kafkajs' SocketRequest (network/requestQueue/socketRequest.js, 2.2.4) the timeout timer uses. */
interface SocketRequestLike {
  correlationId: number;
  requestTimeout: number;
  send(): void;
  completed(response: unknown): void;
  rejected(error: unknown): void;
  timeoutRequest(): void;
}

const requireFromHere = createRequire(__filename);

/** Applies the fix to kafkajs' RequestQueue (once); returns the patched prototype for tests. */
export function applyKafkajsIdleFix(): RequestQueuePrototype {
  const RequestQueue = requireFromHere('kafkajs/src/network/requestQueue') as { prototype: RequestQueuePrototype };
  const prototype = RequestQueue.prototype;
  if (prototype.__pushmfaIdleFix) return prototype;
  const original = prototype.scheduleCheckPendingRequests;
  const createSocketRequest = prototype.createSocketRequest;
  for (const [name, method] of Object.entries({ scheduleCheckPendingRequests: original, createSocketRequest, destroy: prototype.destroy }))
    if (typeof method !== 'function') throw new Error(`kafkajs RequestQueue has no ${name}: review kafkajs-idle-fix.ts for this kafkajs version`);
  prototype.scheduleCheckPendingRequests = function (this: RequestQueueState) {
    if (this.throttleCheckTimeoutId === null && this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    original.call(this);
  };
  // No interval per connection: clear one a connection may have (destroy), start none.
  prototype.scheduleRequestTimeoutCheck = function (this: RequestQueueState) {
    prototype.destroy.call(this);
  };
  prototype.createSocketRequest = function (this: RequestQueueState, pushed: unknown) {
    const request = createSocketRequest.call(this, pushed);
    if (this.enforceRequestTimeout) armTimeoutOnSend(this, request);
    return request;
  };
  prototype.__pushmfaIdleFix = true;
  return prototype;
}

/** One timer per request sent: fires `timeoutRequest` once its timeout has passed while it is still in flight. */
function armTimeoutOnSend(queue: RequestQueueState, request: SocketRequestLike): void {
  const { send, completed, rejected } = request;
  let timer: NodeJS.Timeout | undefined;
  const disarm = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  request.send = function (this: SocketRequestLike) {
    send.call(this);
    timer = setTimeout(() => {
      timer = undefined;
      if (queue.inflight.get(request.correlationId) === request) request.timeoutRequest();
    }, request.requestTimeout + 1);
  };
  request.completed = function (this: SocketRequestLike, response: unknown) {
    disarm();
    completed.call(this, response);
  };
  request.rejected = function (this: SocketRequestLike, error: unknown) {
    disarm();
    rejected.call(this, error);
  };
}

applyKafkajsIdleFix();
