import { HttpException } from '@nestjs/common';
import { PROBLEM_CODES } from './problem-codes';
import type { ProblemCode } from './problem-codes';

export interface FieldError {
  /** Dotted path of the bad field, e.g. `context.ipAddress`; `body` for the body as a whole. */
  readonly field: string;
  readonly message: string;
}

export interface ProblemExtras {
  /** validation_failed: one entry per bad field. */
  readonly errors?: readonly FieldError[];
  /** Sent as the Retry-After header (not in the body); rate_limited and unavailable default it. */
  readonly retryAfterSeconds?: number;
  /**
   * A retry hint finer than Retry-After's whole seconds (load shedding answers within a second): sent as the
   * `Retry-After-Ms` header and the `retryAfterMs` body member, with Retry-After rounded up to whole seconds.
   */
  readonly retryAfterMs?: number;
  /** Any other member is added to the problem body as is: never put a secret here. */
  readonly [member: string]: unknown;
}

/** Throw this anywhere in a request to answer `application/problem+json` with a stable code. */
export class ProblemException extends HttpException {
  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
    readonly extras: ProblemExtras = {},
  ) {
    super(detail ?? PROBLEM_CODES[code].title, PROBLEM_CODES[code].status);
    this.name = 'ProblemException';
  }
}
