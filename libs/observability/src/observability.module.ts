import { Global, Module, RequestMethod } from '@nestjs/common';
import type { DynamicModule, MiddlewareConsumer, NestModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import pino, { type DestinationStream } from 'pino';
import { HealthHttpController } from './health/health.http.controller';
import { ReadinessRegistry } from './health/readiness.registry';
import { ReadinessMetrics } from './health/readiness-metrics';
import { RequestContextMiddleware } from './http-context/request-context.middleware';
import { buildPinoHttpOptions, type LoggerEnvironment } from './logging/logger-options';
import { HttpMetricsHook } from './metrics/http-metrics.hook';
import { MetricsHttpController } from './metrics/metrics.http.controller';
import { MetricsService } from './metrics/metrics.service';
import { ConnectionDrainHook } from './shutdown/connection-drain.hook';

export interface ObservabilityOptions {
  readonly serviceName: string;
  /** Where log lines go; stdout unless a test captures them. */
  readonly logDestination?: DestinationStream;
  /** Logger settings (LOG_LEVEL, LOG_REQUEST_SAMPLE_RATIO, …); process.env unless a test gives its own. */
  readonly env?: LoggerEnvironment;
}

/**
 * Logger (nestjs-pino), metrics (`GET /metrics`), health (`GET /health/live`, `GET /health/ready`) and the
 * per-request correlation id and server span. Global: MetricsService and ReadinessRegistry inject anywhere.
 */
@Global()
@Module({})
export class ObservabilityModule implements NestModule {
  static forService(options: ObservabilityOptions): DynamicModule {
    const pinoOptions = buildPinoHttpOptions(options.serviceName, options.env ?? process.env);
    if (options.logDestination) delete pinoOptions.transport;
    // Lines go to stdout asynchronously: lines written in one tick leave in one write instead of a write each, and
    // pino flushes what is left when the process exits.
    const destination = options.logDestination ?? (pinoOptions.transport ? undefined : pino.destination({ dest: 1, sync: false }));
    return {
      module: ObservabilityModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: destination ? [pinoOptions, destination] : pinoOptions,
          // Every request, named as RequestContextMiddleware's routes are: nestjs-pino 5's default route
          // ('{/*splat}') matches no request under @nestjs/platform-fastify 12, which left requests unlogged.
          forRoutes: [{ path: '*', method: RequestMethod.ALL }],
        }),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthHttpController, MetricsHttpController],
      providers: [
        { provide: MetricsService, useValue: new MetricsService(options.serviceName) },
        ReadinessRegistry,
        ReadinessMetrics,
        HttpMetricsHook,
        ConnectionDrainHook,
      ],
      exports: [MetricsService, ReadinessRegistry, LoggerModule],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('*');
  }
}
