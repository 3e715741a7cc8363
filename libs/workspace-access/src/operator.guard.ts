import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ProblemException } from '@pushmfa/http';
import { bearerToken } from './api-key-hash';

export const OPERATOR_TOKEN = Symbol('OPERATOR_TOKEN');

/** Admits the deployment's operator (`PUSHMFA_OPERATOR_TOKEN`), compared in constant time. */
@Injectable()
export class OperatorGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(OPERATOR_TOKEN) operatorToken: string) {
    this.expected = createHash('sha256').update(operatorToken).digest();
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new ProblemException('unauthorized', 'send the operator token as "Authorization: Bearer <token>"');
    const given = createHash('sha256').update(token).digest();
    if (!timingSafeEqual(given, this.expected)) throw new ProblemException('unauthorized', 'the operator token is wrong');
    return true;
  }
}
