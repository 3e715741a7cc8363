export { ObservabilityModule } from './observability.module';
export type { ObservabilityOptions } from './observability.module';
export { maskPushToken, redactSecrets, sanitizeHeaders, isSecretKey, REDACTED } from './logging/redaction';
export {
  CORRELATION_ID_HEADER,
  currentCorrelationId,
  runWithCorrelationId,
  resolveCorrelationId,
  isSaneCorrelationId,
} from './logging/correlation-id';
export { buildPinoHttpOptions, resolveLogLevel } from './logging/logger-options';
export { startTracing, shutdownTracing } from './tracing/tracing';
export {
  injectTraceparent,
  withExtractedContext,
  startConsumerSpan,
  startSpan,
  runInSpan,
  safeAttributes,
} from './tracing/trace-propagation';
export { MetricsService } from './metrics/metrics.service';
export { ReadinessRegistry } from './health/readiness.registry';
export type { ReadinessCheck, ReadinessReport } from './health/readiness.registry';
export { installGracefulShutdown, shutDownGracefully, resolveShutdownTimeoutMs } from './shutdown/graceful-shutdown';
export type { GracefulShutdownOptions } from './shutdown/graceful-shutdown';
export { installProcessErrorGuard, UNHANDLED_ERRORS_METRIC } from './process/process-error-guard';
export type { ProcessErrorGuardOptions, UnhandledErrorKind } from './process/process-error-guard';
export { Logger, PinoLogger, InjectPinoLogger } from 'nestjs-pino';
