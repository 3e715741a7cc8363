/**
 * kafkajs 2.2.4 (its last release) keeps a 1 ms timer running on every broker connection for as long as the
 * connection is open: `RequestQueue.scheduleCheckPendingRequests` schedules the next check after every check, and
 * with no throttling in force its delay `throttledUntil - Date.now()` is negative, which Node runs as 1 ms (and on
 * Node 24 reports as TimeoutNegativeWarning). An idle service with a few connections wakes thousands of times a
 * second for nothing. Upstream: tulios/kafkajs issues #1556, #1704 and #1751, pull requests #1667 and #1768 (open,
 * unmerged). This applies the fix proposed there: a check is scheduled only while requests are pending or the broker
 * throttles the connection; a request that cannot go at once is pending and schedules its own check, as before.
 *
 * Loaded for its effect by every module of this library that creates kafkajs clients; patches the class once.
 */
import { createRequire } from 'node:module';

interface RequestQueuePrototype {
  scheduleCheckPendingRequests(this: RequestQueueState): void;
  __pushmfaIdleFix?: true;
}

interface RequestQueueState {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: unknown;
}

const requireFromHere = createRequire(__filename);

/** Applies the fix to kafkajs' RequestQueue (once); returns the patched prototype for tests. */
export function applyKafkajsIdleFix(): RequestQueuePrototype {
  const RequestQueue = requireFromHere('kafkajs/src/network/requestQueue') as { prototype: RequestQueuePrototype };
  const prototype = RequestQueue.prototype;
  if (prototype.__pushmfaIdleFix) return prototype;
  const original = prototype.scheduleCheckPendingRequests;
  if (typeof original !== 'function')
    throw new Error('kafkajs RequestQueue has no scheduleCheckPendingRequests: review kafkajs-idle-fix.ts for this kafkajs version');
  prototype.scheduleCheckPendingRequests = function (this: RequestQueueState) {
    if (this.throttleCheckTimeoutId === null && this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    original.call(this);
  };
  prototype.__pushmfaIdleFix = true;
  return prototype;
}

applyKafkajsIdleFix();
