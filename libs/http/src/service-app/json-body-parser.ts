import type { FastifyBodyParser, FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemException } from '../problem/problem.exception';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body bytes as received (device signatures hash them); undefined when the request had no body. */
    rawBody?: Buffer;
  }
}

const JSON_CONTENT_TYPE = 'application/json';

/**
 * Replaces fastify's JSON parser with one that keeps the raw bytes on `request.rawBody`, accepts an empty
 * body (parsed as undefined), and answers invalid JSON with validation_failed.
 */
export function registerJsonBodyParser(fastify: FastifyInstance, bodyLimitBytes: number): void {
  // Refuses `__proto__` and `constructor.prototype` keys, like fastify's own parser.
  // fastify's default JSON parser is the callback form of a body parser: it answers through `done` and returns nothing.
  const parseJson = fastify.getDefaultJsonParser('error', 'error') as Exclude<FastifyBodyParser<string>, (...args: never[]) => Promise<unknown>>;
  if (fastify.hasContentTypeParser(JSON_CONTENT_TYPE)) fastify.removeContentTypeParser(JSON_CONTENT_TYPE);
  fastify.addContentTypeParser(
    JSON_CONTENT_TYPE,
    { parseAs: 'buffer', bodyLimit: bodyLimitBytes },
    (request: FastifyRequest, body: Buffer | string, done: (error: Error | null, parsed?: unknown) => void) => {
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
      request.rawBody = bytes;
      if (bytes.length === 0) {
        done(null, undefined);
        return;
      }
      parseJson(request, bytes.toString('utf8'), (error: Error | null, parsed?: unknown) => {
        if (!error) {
          done(null, parsed);
          return;
        }
        done(
          new ProblemException('validation_failed', 'the body is not valid JSON', {
            errors: [{ field: 'body', message: 'not valid JSON' }],
          }),
        );
      });
    },
  );
}
