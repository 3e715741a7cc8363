import { BadRequestException, HttpException, NotFoundException, PayloadTooLargeException, UnauthorizedException } from '@nestjs/common';
import { z } from 'zod';
import { PROBLEM_CODES } from './problem-codes';
import type { ProblemCode } from './problem-codes';
import { toProblem } from './problem-mapping';
import { ProblemException } from './problem.exception';

class EventStoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventStoreUnavailableError';
  }
}

describe('toProblem', () => {
  it.each(Object.entries(PROBLEM_CODES) as [ProblemCode, { status: number; title: string }][])(
    'renders %s with its contract status and type',
    (code, { status, title }) => {
      const problem = toProblem(new ProblemException(code, 'why it failed'));
      expect(problem.status).toBe(status);
      expect(problem.body).toEqual({ type: `https://pushmfa.dev/problems/${code}`, title, status, detail: 'why it failed', code });
    },
  );

  it('adds extras to the body but sends retryAfterSeconds as the Retry-After header only', () => {
    const problem = toProblem(new ProblemException('rate_limited', 'slow down', { retryAfterSeconds: 42.2, limit: 5 }));
    expect(problem.headers).toEqual({ 'retry-after': '43' });
    expect(problem.body).toMatchObject({ code: 'rate_limited', limit: 5 });
    expect(problem.body).not.toHaveProperty('retryAfterSeconds');
  });

  it('sends a millisecond retry hint as Retry-After-Ms and retryAfterMs, with Retry-After in whole seconds rounded up', () => {
    const problem = toProblem(new ProblemException('unavailable', 'shed', { retryAfterMs: 250.4 }));
    expect(problem.headers).toEqual({ 'retry-after': '1', 'retry-after-ms': '251' });
    expect(problem.body).toMatchObject({ code: 'unavailable', retryAfterMs: 251 });
  });

  it('defaults Retry-After for rate_limited and unavailable only', () => {
    expect(toProblem(new ProblemException('rate_limited')).headers['retry-after']).toBe('60');
    expect(toProblem(new ProblemException('unavailable')).headers['retry-after']).toBe('5');
    expect(toProblem(new ProblemException('push_locked')).headers).toEqual({});
  });

  it('never lets extras overwrite the contract members', () => {
    const problem = toProblem(new ProblemException('forbidden', 'no', { code: 'internal', status: 200 }));
    expect(problem.body).toMatchObject({ code: 'forbidden', status: 403 });
  });

  it('maps Nest HTTP exceptions to stable codes', () => {
    expect(toProblem(new NotFoundException('Cannot GET /x')).body).toMatchObject({ code: 'not_found', status: 404 });
    expect(toProblem(new UnauthorizedException()).body.code).toBe('unauthorized');
    expect(toProblem(new PayloadTooLargeException()).body.code).toBe('payload_too_large');
    expect(toProblem(new BadRequestException('Body is not valid')).body).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'body', message: 'Body is not valid' }],
    });
    expect(toProblem(new HttpException('Unsupported Media Type', 415)).body).toMatchObject({
      code: 'validation_failed',
      status: 400,
      errors: [{ field: 'content-type' }],
    });
  });

  it('maps a zod error to validation_failed naming each field by its path', () => {
    const result = z.object({ userId: z.string(), context: z.object({ ipAddress: z.string() }) }).safeParse({ context: { ipAddress: 1 } });
    if (result.success) throw new Error('expected a failure');
    const problem = toProblem(result.error);
    expect(problem.status).toBe(400);
    expect((problem.body.errors as { field: string }[]).map((error) => error.field).sort()).toEqual(['context.ipAddress', 'userId']);
  });

  it('maps an unavailable store or broker to 503 with Retry-After and hides the cause', () => {
    const fromStore = toProblem(new EventStoreUnavailableError('connect ECONNREFUSED 10.0.0.5:5432'));
    expect(fromStore.status).toBe(503);
    expect(fromStore.headers['retry-after']).toBe('5');
    expect(JSON.stringify(fromStore.body)).not.toContain('ECONNREFUSED');
    const tagged = Object.assign(new Error('kafka down'), { code: 'unavailable' });
    expect(toProblem(tagged).body.code).toBe('unavailable');
  });

  it('turns anything else into a 500 internal problem with no message, stack or SQL, flagged for the log', () => {
    const problem = toProblem(new Error('duplicate key value violates unique constraint "api_keys_pkey" INSERT INTO api_keys'));
    expect(problem.status).toBe(500);
    expect(problem.isServerFault).toBe(true);
    const text = JSON.stringify(problem.body);
    expect(text).not.toMatch(/api_keys|INSERT|stack|at /);
    expect(toProblem('a string').body.code).toBe('internal');
    expect(toProblem(new HttpException('teapot exploded', 502)).body).toMatchObject({ code: 'internal', status: 500 });
  });
  it('answers a domain rule with its own contract code, and an authentication failure without saying which check failed', () => {
    const domain = Object.assign(new Error('the challenge is approved'), { name: 'DomainError', code: 'challenge_not_pending' });
    expect(toProblem(domain)).toMatchObject({ status: 409, body: { code: 'challenge_not_pending', detail: 'the challenge is approved' } });
    const auth = Object.assign(new Error('device request refused: replayed_nonce'), { code: 'unauthorized' });
    const problem = toProblem(auth);
    expect(problem.status).toBe(401);
    expect(JSON.stringify(problem.body)).not.toContain('replayed_nonce');
    const sql = Object.assign(new Error('duplicate key'), { code: '23505' });
    expect(toProblem(sql).body.code).toBe('internal');
  });
  it("carries a domain error's extras: its Retry-After and its field errors, from the one mapping", () => {
    const locked = Object.assign(new Error('push is locked for this user'), { name: 'DomainError', code: 'push_locked', extras: { retryAfterSeconds: 899.2 } });
    expect(toProblem(locked)).toMatchObject({ status: 423, headers: { 'retry-after': '900' }, body: { code: 'push_locked' } });
    expect(toProblem(locked).body).not.toHaveProperty('retryAfterSeconds');
    const field = { field: 'publicKey', message: 'already in use by an active device' };
    const keyInUse = Object.assign(new Error('this public key already belongs to an active device'), {
      name: 'DomainError',
      code: 'validation_failed',
      extras: { errors: [field] },
    });
    expect(toProblem(keyInUse)).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [field] } });
  });
  it('answers a use case refusing with unavailable itself with its own detail and retry hints, not as a store failure', () => {
    const shed = Object.assign(new Error('too many challenges are waiting; try again shortly'), {
      name: 'DomainError',
      code: 'unavailable',
      extras: { retryAfterMs: 250 },
    });
    expect(toProblem(shed)).toMatchObject({
      status: 503,
      isServerFault: false,
      headers: { 'retry-after': '1', 'retry-after-ms': '250' },
      body: { code: 'unavailable', detail: 'too many challenges are waiting; try again shortly', retryAfterMs: 250 },
    });
    const storeDown = Object.assign(new Error('relation x: connection refused'), { name: 'ViewNotCurrentError', code: 'unavailable' });
    expect(toProblem(storeDown)).toMatchObject({
      status: 503,
      isServerFault: true,
      body: { detail: 'a store or the broker is unavailable; nothing was written' },
    });
  });
  it('answers 503 when the database, the cache or the broker cannot be reached, whatever client said so', () => {
    const failures = [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('sorry, too many clients already'), { code: '53300' }),
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated unexpectedly'),
      Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }),
      Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' }),
    ];
    for (const failure of failures) {
      const problem = toProblem(failure);
      expect(problem.status).toBe(503);
      expect(problem.headers['retry-after']).toBeDefined();
      expect(JSON.stringify(problem.body)).not.toMatch(/5432|ECONNREFUSED|administrator|clients/);
    }
  });
});
