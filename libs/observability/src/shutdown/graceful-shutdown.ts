import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { ReadinessRegistry } from '../health/readiness.registry';
import { shutdownTracing } from '../tracing/tracing';

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 15_000;
const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

export interface GracefulShutdownOptions {
  /** Hard deadline; past it the process exits 1. Defaults to SHUTDOWN_TIMEOUT_MS or 15 s. */
  readonly timeoutMs?: number;
  /** Injected in tests; defaults to process.exit. */
  readonly exit?: (code: number) => void;
}

export function resolveShutdownTimeoutMs(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`SHUTDOWN_TIMEOUT_MS must be a positive integer; got "${raw}"`);
  return value;
}

/**
 * Shuts the app down: not-ready first, then Nest's close() (onModuleDestroy, beforeApplicationShutdown — stop
 * consumers here —, HTTP server close which waits for in-flight requests, onApplicationShutdown — close pools
 * here), then flushes traces. Resolves with the exit code.
 */
export async function shutDownGracefully(app: INestApplication, signal?: string): Promise<number> {
  const logger = new Logger('Shutdown');
  logger.log(`shutting down${signal ? ` on ${signal}` : ''}`);
  app.get(ReadinessRegistry, { strict: false }).markShuttingDown();
  await app.close();
  await shutdownTracing();
  logger.log('shutdown complete');
  return 0;
}

/**
 * Handles SIGTERM/SIGINT with shutDownGracefully and exits 0, or exits 1 past the deadline.
 * Used instead of Nest's enableShutdownHooks(), which re-raises the signal and so never exits 0.
 * Returns a function removing the handlers.
 */
export function installGracefulShutdown(app: INestApplication, options: GracefulShutdownOptions = {}): () => void {
  const timeoutMs = options.timeoutMs ?? resolveShutdownTimeoutMs(process.env.SHUTDOWN_TIMEOUT_MS);
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const logger = new Logger('Shutdown');
  let started = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (started) {
      logger.warn(`${signal} received again; still shutting down`);
      return;
    }
    started = true;
    const deadline = setTimeout(() => {
      logger.error(`shutdown did not finish within ${timeoutMs} ms; exiting 1`);
      exit(1);
    }, timeoutMs);
    shutDownGracefully(app, signal).then(
      (code) => {
        clearTimeout(deadline);
        exit(code);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        logger.error({ err: error }, 'shutdown failed; exiting 1');
        exit(1);
      },
    );
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
}
