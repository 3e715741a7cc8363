import type { ServerResponse } from 'node:http';
import { Catch, Logger } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { currentCorrelationId, resolveCorrelationId } from '@pushmfa/observability';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toProblem } from './problem-mapping';

const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

function isFastifyReply(response: unknown): response is FastifyReply {
  return typeof (response as { header?: unknown }).header === 'function' && 'raw' in (response as object);
}

/** The one problem+json filter: every error a caller sees is a stable code, never a stack or SQL. */
@Catch()
export class ProblemExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest | FastifyRequest['raw']>();
    const response = http.getResponse<FastifyReply | ServerResponse>();
    const raw = 'raw' in request ? request.raw : request;
    const correlationId = currentCorrelationId() ?? resolveCorrelationId(raw);
    const problem = toProblem(exception);
    if (problem.isServerFault) {
      this.logger.error({ err: exception, correlationId, method: raw.method, url: raw.url }, `request failed: ${problem.body.code}`);
    }
    const body = JSON.stringify({ ...problem.body, correlationId });
    if (isFastifyReply(response)) {
      if (response.sent) return;
      void response
        .code(problem.status)
        .headers({ ...problem.headers, 'content-type': PROBLEM_CONTENT_TYPE })
        .send(body);
      return;
    }
    // A Nest middleware failed: it only has the raw Node response.
    if (response.headersSent) return;
    response.writeHead(problem.status, { ...problem.headers, 'content-type': PROBLEM_CONTENT_TYPE });
    response.end(body);
  }
}
