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
    genReqId: (req: IncomingMessage) => resolveCorrelationId(req),
    quietReqLogger: true,
    autoLogging: { ignore: (req: IncomingMessage) => UNLOGGED_PATHS.test(originalUrlOf(req)) },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) => {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return 'info';
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
