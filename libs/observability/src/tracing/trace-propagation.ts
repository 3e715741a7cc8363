import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import { isPushTokenKey, isSecretKey, maskPushToken } from '../logging/redaction';

const TRACER_NAME = 'pushmfa';
const TRACEPARENT = 'traceparent';

export function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/** Span attributes never hold a secret; a push token shows only its tail. */
export function safeAttributes(attributes: Attributes = {}): Attributes {
  const safe: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    const leaf = key.split('.').pop() ?? key;
    if (isPushTokenKey(leaf)) safe[key] = maskPushToken(value);
    else if (!isSecretKey(leaf)) safe[key] = value;
  }
  return safe;
}

/** The W3C traceparent of the current context, to put on an outgoing Kafka record; undefined outside a trace. */
export function injectTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier[TRACEPARENT];
}

/** Runs `fn` inside the context a producer's traceparent describes (or the current one when absent). */
export function withExtractedContext<T>(traceparent: string | undefined, fn: () => T): T {
  if (!traceparent) return fn();
  const extracted = propagation.extract(ROOT_CONTEXT, { [TRACEPARENT]: traceparent });
  return context.with(extracted, fn);
}

/** Starts a CONSUMER span that continues the producer's trace; the caller ends it. */
export function startConsumerSpan(name: string, traceparent: string | undefined, attributes?: Attributes): Span {
  const parent = traceparent ? propagation.extract(ROOT_CONTEXT, { [TRACEPARENT]: traceparent }) : context.active();
  return tracer().startSpan(name, { kind: SpanKind.CONSUMER, attributes: safeAttributes(attributes) }, parent);
}

/**
 * Runs `fn` as the active span `span`, recording a thrown error and ending the span either way.
 * Typical consumer use: `runInSpan(startConsumerSpan('challenge.v1 ChallengeIssued', header), () => handle(msg))`.
 */
export async function runInSpan<T>(span: Span, fn: (span: Span) => Promise<T> | T): Promise<T> {
  try {
    return await context.with(trace.setSpan(context.active(), span), () => fn(span));
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
    throw error;
  } finally {
    span.end();
  }
}

/** Starts an INTERNAL (or given kind) child span of the current context, e.g. around a producer send. */
export function startSpan(name: string, attributes?: Attributes, kind: SpanKind = SpanKind.INTERNAL): Span {
  return tracer().startSpan(name, { kind, attributes: safeAttributes(attributes) });
}
