import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';

export type UnhandledErrorKind = 'uncaught_exception' | 'unhandled_rejection';

export interface ProcessErrorGuardOptions {
  /** Counts each unhandled error by kind; `pushmfa_unhandled_errors_total` on the app's registry by default. */
  readonly count?: (kind: UnhandledErrorKind) => void;
  readonly log?: (kind: UnhandledErrorKind, error: unknown) => void;
}

export const UNHANDLED_ERRORS_METRIC = 'pushmfa_unhandled_errors_total';

/**
 * The net under every connection's own error handling: an `'error'` event nobody listens for, or a rejected
 * promise nobody awaits, is logged at error level and counted in `pushmfa_unhandled_errors_total{kind}` instead of
 * ending the process. Each one is a bug to fix where it happened (the counter should stay at 0 and is worth an
 * alert); the process stays up so a database or broker outage does not turn into a fleet of dead services.
 * Returns a function removing the handlers.
 */
export function installProcessErrorGuard(app: INestApplication, options: ProcessErrorGuardOptions = {}): () => void {
  const logger = new Logger('ProcessErrorGuard');
  let count = options.count;
  if (!count) {
    const metrics = app.get(MetricsService, { strict: false });
    const counter = metrics.counter({
      name: UNHANDLED_ERRORS_METRIC,
      help: 'Errors no code handled (an unhandled error event or promise rejection): each one is a bug; the process kept running',
      labelNames: ['kind'],
    });
    for (const kind of ['uncaught_exception', 'unhandled_rejection'] as const) counter.inc({ kind }, 0);
    count = (kind) => counter.inc({ kind });
  }
  const log =
    options.log ??
    ((kind: UnhandledErrorKind, error: unknown) =>
      logger.error(
        { err: error, kind },
        `unhandled ${kind === 'uncaught_exception' ? 'error' : 'promise rejection'} (a bug; the process keeps running): ${describe(error)}`,
      ));
  const onException = (error: unknown): void => {
    count('uncaught_exception');
    log('uncaught_exception', error);
  };
  const onRejection = (reason: unknown): void => {
    count('unhandled_rejection');
    log('unhandled_rejection', reason);
  };
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
