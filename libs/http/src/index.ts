/**
 * A service's main.ts:
 *   startTracing('challenge');
 *   await createServiceApp(ChallengeModule, { serviceName: 'challenge', defaultPort: 3001 });
 * where ChallengeModule imports ObservabilityModule.forService({ serviceName: 'challenge' }).
 */
export { createServiceApp, BODY_LIMIT_BYTES } from './service-app/create-service-app';
export type { ServiceAppOptions } from './service-app/create-service-app';
export type { OpenApiOptions } from './service-app/openapi-route';
export { PROBLEM_CODES, PROBLEM_TYPE_BASE, isProblemCode } from './problem/problem-codes';
export type { ProblemCode } from './problem/problem-codes';
export { ProblemException } from './problem/problem.exception';
export type { FieldError, ProblemExtras } from './problem/problem.exception';
export { toProblem, problemBody, fieldErrorsFromZodIssues } from './problem/problem-mapping';
export type { ProblemBody, ProblemResponse } from './problem/problem-mapping';
export { ProblemExceptionFilter } from './problem/problem-exception.filter';
export { parseBody, ZodValidationPipe } from './validation/parse-body';
