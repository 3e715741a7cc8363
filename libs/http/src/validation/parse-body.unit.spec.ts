import { z } from 'zod';
import { ProblemException } from '../problem/problem.exception';
import { parseBody, ZodValidationPipe } from './parse-body';

const schema = z.object({ decision: z.enum(['approve', 'deny']), numberMatch: z.string().optional() });

describe('parseBody', () => {
  it('returns the parsed value when it is valid', () => {
    expect(parseBody(schema, { decision: 'approve' })).toEqual({ decision: 'approve' });
  });

  it('throws validation_failed naming each bad field', () => {
    let thrown: unknown;
    try {
      parseBody(schema, { decision: 'maybe', numberMatch: 7 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProblemException);
    const problem = thrown as ProblemException;
    expect(problem.code).toBe('validation_failed');
    expect(problem.extras.errors?.map((error) => error.field).sort()).toEqual(['decision', 'numberMatch']);
  });

  it('names the body itself when the whole body is wrong', () => {
    expect(() => new ZodValidationPipe(schema).transform(undefined)).toThrow(
      expect.objectContaining({ extras: { errors: [expect.objectContaining({ field: 'body' })] } }),
    );
  });
});
