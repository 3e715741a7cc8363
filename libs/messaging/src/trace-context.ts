import { context, propagation, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

// The global propagator is only set once the tracing SDK starts; fall back to W3C so headers always flow.
const w3c = new W3CTraceContextPropagator();

function propagator() {
  const fields = propagation.fields();
  return fields.includes('traceparent') ? propagation : w3c;
}

/** The current trace context as a `traceparent` value, if there is an active span. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagator().inject(context.active(), carrier, { set: (c, k, v) => (c[k] = v) });
  return carrier.traceparent;
}

/** The context a consumer continues from a record's `traceparent` header. */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagator().extract(ROOT_CONTEXT, { traceparent }, { get: (c, k) => c[k], keys: (c) => Object.keys(c) });
}
