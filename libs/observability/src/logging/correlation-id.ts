import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const CORRELATION_ID_HEADER = 'x-correlation-id';

// A caller-supplied id is echoed into logs and headers, so only short, boring values are trusted.
const SANE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const RESOLVED = Symbol('pushmfa.correlationId');

interface CorrelationScope {
  readonly correlationId: string;
}

const correlationStorage = new AsyncLocalStorage<CorrelationScope>();

export function isSaneCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && SANE_CORRELATION_ID.test(value);
}

/** The request's correlation id: the caller's if sane, else a new one; the same answer every time for one request. */
export function resolveCorrelationId(req: IncomingMessage): string {
  const holder = req as IncomingMessage & { [RESOLVED]?: string };
  const known = holder[RESOLVED];
  if (known) return known;
  const supplied = req.headers[CORRELATION_ID_HEADER];
  const correlationId = isSaneCorrelationId(supplied) ? supplied : randomUUID();
  holder[RESOLVED] = correlationId;
  return correlationId;
}

/** The correlation id of the HTTP request or consumed message being handled, if any. */
export function currentCorrelationId(): string | undefined {
  return correlationStorage.getStore()?.correlationId;
}

/** Runs `fn` with `correlationId` as the current one (Kafka consumers call this per message). */
export function runWithCorrelationId<T>(correlationId: string, fn: () => T): T {
  return correlationStorage.run({ correlationId }, fn);
}

/** The path as the client sent it: Nest's fastify middleware layer rewrites `req.url` but keeps `originalUrl`. */
export function originalUrlOf(req: IncomingMessage): string {
  return (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
}
