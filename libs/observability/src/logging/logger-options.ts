import type { IncomingMessage, ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';
import type { DestinationStream, LevelWithSilent } from 'pino';
import type { Options } from 'pino-http';
import { currentCorrelationId, originalUrlOf, resolveCorrelationId } from './correlation-id';
import { redactSecrets, sanitizeHeaders } from './redaction';

const LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
// Probes and scrapes arrive every few seconds; logging them would drown the useful lines.
const UNLOGGED_PATHS = /^\/(health\/|metrics(\?|$))/;

export interface LoggerEnvironment {
  LOG_LEVEL?: string | undefined;
  LOG_PRETTY?: string | undefined;
  PUSHMFA_MODE?: string | undefined;
  /** Share of successful, fast requests that get a log line (0..1); default 0.01 in production, 1 otherwise. */
  LOG_REQUEST_SAMPLE_RATIO?: string | undefined;
  /** A request slower than this (ms) is always logged; default 1000. */
  LOG_SLOW_REQUEST_MS?: string | undefined;
}

const REQUEST_STARTED_AT = Symbol('pushmfa.requestStartedAt');
type TimedRequest = IncomingMessage & { [REQUEST_STARTED_AT]?: number };

function numberSetting(raw: string | undefined, name: string, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > max) throw new Error(`${name} must be a number from 0 to ${max}; got "${raw}"`);
  return value;
}

/**
 * Which requests get a log line: every failure (5xx and thrown errors at error, 4xx at warn), every slow one, and a
 * sample of the rest. A line per successful request is the largest logging cost at load and tells an operator
 * nothing the metrics do not; the sample keeps a few for reading what normal looks like.
 */
export function requestLogPolicy(env: LoggerEnvironment): { sampleRatio: number; slowMs: number } {
  const production = (env.PUSHMFA_MODE ?? 'production') === 'production';
  return {
    sampleRatio: numberSetting(env.LOG_REQUEST_SAMPLE_RATIO, 'LOG_REQUEST_SAMPLE_RATIO', production ? 0.01 : 1, 1),
    slowMs: numberSetting(env.LOG_SLOW_REQUEST_MS, 'LOG_SLOW_REQUEST_MS', 1000, 3_600_000),
  };
}

export function resolveLogLevel(raw: string | undefined): LevelWithSilent {
  const level = (raw ?? 'info').toLowerCase();
  if (!(LEVELS as readonly string[]).includes(level)) {
    throw new Error(`LOG_LEVEL must be one of ${LEVELS.join(', ')}; got "${raw}"`);
  }
  return level as LevelWithSilent;
}

function wantsPrettyLogs(env: LoggerEnvironment): boolean {
  if (env.LOG_PRETTY !== '1' || env.PUSHMFA_MODE === 'production') return false;
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false; // a dev dependency: absent from production images
  }
}

/** Fields merged into every line: the correlation id and the active trace, so logs and traces join up. */
function correlationFields(): Record<string, string> {
  const fields: Record<string, string> = {};
  const correlationId = currentCorrelationId();
  if (correlationId) fields.correlationId = correlationId;
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext && trace.isSpanContextValid(spanContext)) {
    fields.traceId = spanContext.traceId;
    fields.spanId = spanContext.spanId;
  }
  return fields;
}

/** pino-http options for one service: JSON lines naming the service, secrets redacted, bodies never logged. */
export function buildPinoHttpOptions(serviceName: string, env: LoggerEnvironment = process.env): Options {
  const { sampleRatio, slowMs } = requestLogPolicy(env);
  const options: Options = {
    level: resolveLogLevel(env.LOG_LEVEL),
    base: { service: serviceName, pid: process.pid },
    messageKey: 'msg',
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: {
      level: (label) => ({ level: label }),
      log: (fields) => redactSecrets(fields),
    },
    mixin: correlationFields,
    // Defence in depth for anything a serializer below does not reshape.
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-signature"]', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: '[Redacted]',
    },
    genReqId: (req: IncomingMessage) => {
      (req as TimedRequest)[REQUEST_STARTED_AT] = performance.now();
      return resolveCorrelationId(req);
    },
    quietReqLogger: true,
    autoLogging: { ignore: (req: IncomingMessage) => UNLOGGED_PATHS.test(originalUrlOf(req)) },
    customLogLevel: (req: IncomingMessage, res: ServerResponse, err?: Error) => {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      const startedAt = (req as TimedRequest)[REQUEST_STARTED_AT];
      if (startedAt !== undefined && performance.now() - startedAt >= slowMs) return 'info';
      return sampleRatio >= 1 || Math.random() < sampleRatio ? 'info' : 'silent';
    },
    serializers: {
      // Only what an operator needs; never a body.
      req: (req: { id?: unknown; method?: string; url?: string; headers?: Record<string, unknown>; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
        headers: sanitizeHeaders(req.headers),
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode?: number; headers?: Record<string, unknown> }) => ({
        statusCode: res.statusCode,
        headers: sanitizeHeaders(res.headers),
      }),
    },
  };
  if (wantsPrettyLogs(env)) options.transport = { target: 'pino-pretty', options: { singleLine: true } };
  return options;
}

export type PinoHttpParams = Options | [Options, DestinationStream];
