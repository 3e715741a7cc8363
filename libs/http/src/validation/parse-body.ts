import { Injectable } from '@nestjs/common';
import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { fieldErrorsFromZodIssues } from '../problem/problem-mapping';
import { ProblemException } from '../problem/problem.exception';

/** Parses `input` with `schema`, or throws validation_failed naming each bad field. */
export function parseBody<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ProblemException('validation_failed', 'the request is not valid', {
    errors: fieldErrorsFromZodIssues(result.error.issues),
  });
}

/** `@Body(new ZodValidationPipe(schema))`: the same check as parseBody, as a Nest pipe. */
@Injectable()
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    return parseBody(this.schema, value);
  }
}
