import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { NestMiddleware } from '@nestjs/common';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { CORRELATION_ID_HEADER, originalUrlOf, resolveCorrelationId, runWithCorrelationId } from '../logging/correlation-id';
import { tracer } from '../tracing/trace-propagation';

const SERVER_SPAN = Symbol('pushmfa.serverSpan');
const UNTRACED_PATHS = /^\/(health\/|metrics(\?|$))/;

type TracedRequest = IncomingMessage & { [SERVER_SPAN]?: Span };

/** The server span of a request, so the fastify response hook can name it after the route template. */
export function serverSpanOf(req: IncomingMessage): Span | undefined {
  return (req as TracedRequest)[SERVER_SPAN];
}

/**
 * Gives each request its correlation id (echoed in `X-Correlation-Id`) and a SERVER span continuing the
 * caller's traceparent, both active for the whole handler so domain events can carry them.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware<IncomingMessage, ServerResponse> {
  use(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void {
    const correlationId = resolveCorrelationId(req);
    res.setHeader(CORRELATION_ID_HEADER, correlationId);
    const url = originalUrlOf(req);
    const path = url.split('?')[0] ?? '/';
    if (UNTRACED_PATHS.test(url)) {
      runWithCorrelationId(correlationId, () => next());
      return;
    }
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer().startSpan(
      `${req.method ?? 'HTTP'} request`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? '', 'url.path': path, 'pushmfa.correlation_id': correlationId } },
      parent,
    );
    (req as TracedRequest)[SERVER_SPAN] = span;
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), () => runWithCorrelationId(correlationId, () => next()));
  }
}
