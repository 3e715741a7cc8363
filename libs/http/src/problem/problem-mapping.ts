import { HttpException } from '@nestjs/common';
import { isDatabaseUnavailable } from '@pushmfa/postgres';
import { DEFAULT_RETRY_AFTER_SECONDS, isProblemCode, PROBLEM_CODES, PROBLEM_TYPE_BASE } from './problem-codes';
import type { ProblemCode } from './problem-codes';
import { ProblemException } from './problem.exception';
import type { FieldError, ProblemExtras } from './problem.exception';

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ProblemCode;
  readonly [member: string]: unknown;
}

export interface ProblemResponse {
  readonly status: number;
  readonly body: ProblemBody;
  readonly headers: Record<string, string>;
  /** True when the cause is a server fault the operator must see in the logs (with its stack). */
  readonly isServerFault: boolean;
}

interface ZodLikeIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

const STATUS_CODES: Record<number, ProblemCode> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'not_found',
  413: 'payload_too_large',
  415: 'validation_failed',
  429: 'rate_limited',
  503: 'unavailable',
};

export function problemBody(code: ProblemCode, detail: string | undefined, extras: ProblemExtras = {}): ProblemBody {
  const { status, title } = PROBLEM_CODES[code];
  const { retryAfterSeconds: _retryAfter, retryAfterMs, ...members } = extras;
  return {
    ...members,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs: Math.max(0, Math.ceil(retryAfterMs)) }),
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title,
    status,
    detail: detail ?? title,
    code,
  };
}

export function fieldErrorsFromZodIssues(issues: readonly ZodLikeIssue[]): FieldError[] {
  return issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : 'body',
    message: issue.message,
  }));
}

function respond(code: ProblemCode, detail: string | undefined, extras: ProblemExtras = {}, isServerFault = false): ProblemResponse {
  const body = problemBody(code, detail, extras);
  const headers: Record<string, string> = {};
  const retryAfterMs = extras.retryAfterMs === undefined ? undefined : Math.max(0, Math.ceil(extras.retryAfterMs));
  const retryAfterSeconds = extras.retryAfterSeconds ?? (retryAfterMs === undefined ? DEFAULT_RETRY_AFTER_SECONDS[code] : retryAfterMs / 1000);
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(0, Math.ceil(retryAfterSeconds)));
  if (retryAfterMs !== undefined) headers['retry-after-ms'] = String(retryAfterMs);
  return { status: body.status, body, headers, isServerFault };
}

function isZodError(error: unknown): error is Error & { issues: ZodLikeIssue[] } {
  return error instanceof Error && error.name === 'ZodError' && Array.isArray((error as { issues?: unknown }).issues);
}

// The database's unavailability is classified once, in @pushmfa/postgres; these are the cache's and the broker's clients.
const CONNECTION_FAILURE_NAMES = new Set([
  'EventStoreUnavailableError',
  'MaxRetriesPerRequestError',
  'KafkaJSConnectionError',
  'KafkaJSNumberOfRetriesExceeded',
]);
const CONNECTION_FAILURE_MESSAGES = /^Connection is closed/;

/** A store or the broker is down: tagged `code: 'unavailable'`, the database unavailable, a connection failure of ioredis or kafkajs. */
function isUnavailable(error: unknown): boolean {
  // Not `instanceof Error`: a socket error raised by Node itself may come from another realm (a test's VM context).
  if (typeof error !== 'object' || error === null) return false;
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (code === 'unavailable' || isDatabaseUnavailable(error)) return true;
  return (typeof name === 'string' && CONNECTION_FAILURE_NAMES.has(name)) || (typeof message === 'string' && CONNECTION_FAILURE_MESSAGES.test(message));
}

function fromHttpException(exception: HttpException): ProblemResponse {
  const status = exception.getStatus();
  const code = STATUS_CODES[status] ?? (status >= 500 ? 'internal' : 'validation_failed');
  switch (code) {
    case 'validation_failed': {
      const field = status === 415 ? 'content-type' : 'body';
      const message = status === 415 ? 'the body must be application/json' : exception.message;
      return respond(code, message, { errors: [{ field, message }] });
    }
    case 'payload_too_large':
      return respond(code, 'request bodies are at most 64 KiB');
    case 'not_found':
      return respond(code, 'no such resource');
    case 'internal':
      return respond(code, 'an unexpected error occurred', {}, true);
    default:
      return respond(code, undefined);
  }
}

/** A domain rule or an authentication check that names its contract code (DomainError, DeviceAuthError). */
function contractCodeOf(error: unknown): ProblemCode | undefined {
  const code = (error as { code?: unknown })?.code;
  return error instanceof Error && typeof code === 'string' && code !== 'internal' && isProblemCode(code) ? code : undefined;
}

/**
 * What a domain error adds to its problem (DomainError's `extras`): `retryAfterSeconds` becomes Retry-After, `errors`
 * the field errors; other members go into the body as they are.
 */
function domainExtrasOf(error: unknown): ProblemExtras {
  const extras = (error as { extras?: unknown }).extras;
  return typeof extras === 'object' && extras !== null && !Array.isArray(extras) ? (extras as ProblemExtras) : {};
}

/**
 * A use case that refuses with `unavailable` itself (load shedding, a count it cannot make, a broker that did not
 * acknowledge) says why and when to come back: its own detail and retry hints, and no server-fault log. Any other
 * `unavailable` is a store or the broker failing underneath, answered with the fixed detail below.
 */
function isDomainRefusal(error: unknown): boolean {
  return error instanceof Error && error.name === 'DomainError';
}

/** Turns anything thrown while handling a request into the problem document the caller sees. */
export function toProblem(exception: unknown): ProblemResponse {
  if (exception instanceof ProblemException) return respond(exception.code, exception.detail, exception.extras);
  if (isZodError(exception)) {
    return respond('validation_failed', 'the request is not valid', { errors: fieldErrorsFromZodIssues(exception.issues) });
  }
  const contractCode = contractCodeOf(exception);
  // An authentication failure never says which check failed.
  if (contractCode === 'unauthorized') return respond('unauthorized', 'the request could not be authenticated');
  if (contractCode && (contractCode !== 'unavailable' || isDomainRefusal(exception))) {
    return respond(contractCode, (exception as Error).message, domainExtrasOf(exception));
  }
  if (isUnavailable(exception)) return respond('unavailable', 'a store or the broker is unavailable; nothing was written', {}, true);
  if (exception instanceof HttpException) return fromHttpException(exception);
  return respond('internal', 'an unexpected error occurred', {}, true);
}
