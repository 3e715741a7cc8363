import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { API_KEY_DIRECTORY, type ApiKeyDirectory, bearerToken } from '@pushmfa/workspace-access';
import { IssueChallengeHandler } from './issue-challenge.handler';

/**
 * Runs before ApiKeyGuard on the issuing route. While the service is overloaded, a workspace that already has an
 * issue in flight gets `unavailable` at once (IssuingCapacity's overload rule): answering it after authentication
 * would first wait for the key directory to show it is current, a broker round trip that is slowest exactly then,
 * and a refusal is worth something only when it is fast. The workspace comes from the directory's cache of keys
 * already looked up (`workspaceHint`), never trusted for more: a key this process does not know, or a request that
 * would not be refused, goes on to ApiKeyGuard and to admission as before, and a refusal concerns that request alone
 * (only the key's holder can name its workspace) and writes nothing.
 */
@Injectable()
export class IssuingOverloadGuard implements CanActivate {
  constructor(
    private readonly issuer: IssueChallengeHandler,
    @Inject(API_KEY_DIRECTORY) private readonly directory: ApiKeyDirectory,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const key = bearerToken(context.switchToHttp().getRequest<{ headers: { authorization?: string } }>().headers.authorization);
    const workspaceId = key ? this.directory.workspaceHint(key) : undefined;
    if (workspaceId !== undefined) this.issuer.refuseEarlyWhenOverloaded(workspaceId);
    return true;
  }
}
