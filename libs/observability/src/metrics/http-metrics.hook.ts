import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { serverSpanOf } from '../http-context/request-context.middleware';
import { MetricsService } from './metrics.service';

// Unmatched URLs share one label so a scanner cannot blow up the series count.
const UNMATCHED_ROUTE = 'unmatched';

/** Records every response in the duration histogram, labelled by route template, via a fastify hook. */
@Injectable()
export class HttpMetricsHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as { getInstance?: () => unknown } | undefined;
    const fastify = adapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify || typeof fastify.addHook !== 'function') return; // an application context without HTTP
    fastify.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
      const method = request.method;
      this.metrics.httpRequestDuration.observe({ method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
      const span = serverSpanOf(request.raw);
      if (span) {
        span.updateName(`${method} ${route}`);
        span.setAttribute('http.route', route);
      }
    });
  }
}
