import type { IncomingMessage } from 'node:http';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { installGracefulShutdown, installProcessErrorGuard, Logger, resolveCorrelationId } from '@pushmfa/observability';
import type { FastifyInstance } from 'fastify';
import { ProblemExceptionFilter } from '../problem/problem-exception.filter';
import { registerJsonBodyParser } from './json-body-parser';
import { serveOpenApiDocument } from './openapi-route';
import type { OpenApiOptions } from './openapi-route';

/** API.md: request bodies are JSON of at most 64 KiB. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface ServiceAppOptions {
  readonly serviceName: string;
  /** Defaults to PORT, then `defaultPort`, then 0 (any free port). */
  readonly port?: number;
  readonly defaultPort?: number;
  /** Defaults to HOST, then 0.0.0.0. */
  readonly host?: string;
  /**
   * fastify trustProxy: true, or the proxies' addresses/CIDRs. Defaults to false. No hop count: fastify 5.12 refuses
   * to trust one (it cannot tell a proxy from a client that sends enough X-Forwarded-For entries).
   */
  readonly trustProxy?: boolean | string | string[];
  readonly openApi?: OpenApiOptions;
  /** Routes (by path) allowed a larger body than BODY_LIMIT_BYTES, e.g. `{ '/v1/device/diagnostics': 256 * 1024 }`. */
  readonly routeBodyLimits?: Readonly<Record<string, number>>;
  /**
   * Install SIGTERM/SIGINT handling (graceful shutdown, exit 0) and the process error guard (an unhandled error is
   * logged and counted, not fatal). Tests pass false. Defaults to true.
   */
  readonly handleSignals?: boolean;
  /** Skip listen(), e.g. to add things before the port opens; the caller then calls app.listen. */
  readonly listen?: boolean;
}

function resolvePort(options: ServiceAppOptions): number {
  if (options.port !== undefined) return options.port;
  const raw = process.env.PORT;
  if (raw === undefined || raw === '') return options.defaultPort ?? 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be an integer 0-65535; got "${raw}"`);
  return port;
}

/**
 * The one way services start HTTP: fastify with a 64 KiB body limit, raw JSON bytes kept on `request.rawBody`,
 * problem+json errors, pino logs, OpenAPI at /openapi.json and graceful shutdown. The root module must import
 * `ObservabilityModule.forService(...)`. Returns the listening app.
 */
export async function createServiceApp(rootModule: Type<unknown>, options: ServiceAppOptions): Promise<NestFastifyApplication> {
  const port = resolvePort(options);
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: options.trustProxy ?? false,
    // fastify's request id is the correlation id, so its own log lines and ours agree.
    genReqId: (raw: IncomingMessage) => resolveCorrelationId(raw),
  });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new ProblemExceptionFilter());
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  registerJsonBodyParser(fastify, BODY_LIMIT_BYTES);
  const routeBodyLimits = options.routeBodyLimits ?? {};
  // Routes are registered when the app starts, after this hook: a listed path gets its own limit (route over parser).
  fastify.addHook('onRoute', (route) => {
    const limit = Object.hasOwn(routeBodyLimits, route.url) ? routeBodyLimits[route.url] : undefined;
    if (limit !== undefined) route.bodyLimit = limit;
  });
  serveOpenApiDocument(app, options.serviceName, options.openApi);
  if (options.handleSignals ?? true) {
    installGracefulShutdown(app);
    installProcessErrorGuard(app);
  }
  if (options.listen ?? true) await app.listen(port, options.host ?? process.env.HOST ?? '0.0.0.0');
  return app;
}
