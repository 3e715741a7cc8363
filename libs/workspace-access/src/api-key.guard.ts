import { type CanActivate, createParamDecorator, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProblemException } from '@pushmfa/http';
import type { ApiKeyRole } from './api-key-hash';
import { bearerToken } from './api-key-hash';
import { API_KEY_DIRECTORY, type ApiKeyCaller, type ApiKeyDirectory } from './api-key-directory';

const ROLES = 'pushmfa:roles';

/** Roles allowed to call a handler (or every handler of a controller). */
export const RequireRole = (...roles: ApiKeyRole[]) => SetMetadata(ROLES, roles);

interface RequestWithCaller {
  headers: Record<string, string | string[] | undefined>;
  caller?: ApiKeyCaller;
}

/** The workspace API key that authenticated the request. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): ApiKeyCaller => {
  const caller = ctx.switchToHttp().getRequest<RequestWithCaller>().caller;
  if (!caller) throw new ProblemException('unauthorized', 'an API key is required');
  return caller;
});

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEY_DIRECTORY) private readonly directory: ApiKeyDirectory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const roles = this.reflector.getAllAndOverride<ApiKeyRole[] | undefined>(ROLES, [context.getHandler(), context.getClass()]);
    // Fail closed: a handler behind this guard that forgot to say who may call it is refused, not opened to everyone.
    if (!roles || roles.length === 0) {
      throw new ProblemException('forbidden', `${context.getClass().name}.${context.getHandler().name} declares no role (RequireRole): refused`);
    }
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    const key = bearerToken(request.headers.authorization);
    if (!key) throw new ProblemException('unauthorized', 'send a workspace API key as "Authorization: Bearer <key>"');
    const caller = await this.directory.findByKey(key);
    if (!caller) throw new ProblemException('unauthorized', 'the API key is unknown or revoked');
    if (!roles.includes(caller.role)) throw new ProblemException('forbidden', `this call needs a key of role ${roles.join(' or ')}`);
    request.caller = caller;
    return true;
  }
}
