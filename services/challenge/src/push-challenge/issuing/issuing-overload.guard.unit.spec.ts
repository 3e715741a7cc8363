import { describe, expect, it, jest } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants';
import { DomainError } from '@pushmfa/event-store';
import { ApiKeyDirectory, ApiKeyGuard, hashApiKey } from '@pushmfa/workspace-access';
import type { Pool } from 'pg';
import type { IssueChallengeHandler } from './issue-challenge.handler';
import { IssueChallengeHttpController } from './issue-challenge.http.controller';
import { IssuingOverloadGuard } from './issuing-overload.guard';

const KEY = 'pmk_plt_a-key-this-process-has-looked-up';

function contextWith(authorization?: string): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => ({ headers: authorization ? { authorization } : {} }) }) } as unknown as ExecutionContext;
}

/** A directory of the real kind whose table knows KEY for workspace ws-a (no broker: the view is always current). */
function directoryKnowingKey(): { directory: ApiKeyDirectory; reads: () => number } {
  let reads = 0;
  const pool = {
    query: async () => {
      reads++;
      return { rows: [{ key_hash: hashApiKey(KEY), key_id: 'k1', workspace_id: 'ws-a', role: 'platform' }] };
    },
  } as unknown as Pool;
  return { directory: new ApiKeyDirectory(pool, 'challenge', { awaitCurrent: async () => 'token' }), reads: () => reads };
}

describe('IssuingOverloadGuard', () => {
  it('runs before the API key guard on the issuing route', () => {
    expect(Reflect.getMetadata(GUARDS_METADATA, IssueChallengeHttpController)).toEqual([IssuingOverloadGuard, ApiKeyGuard]);
  });

  it('refuses an overloaded workspace from the keys already looked up, without authenticating, and writes nothing', async () => {
    const { directory, reads } = directoryKnowingKey();
    const refuse = jest.fn((workspaceId: string) => {
      throw new DomainError('unavailable', `too many challenges right now for ${workspaceId}`, { retryAfterMs: 400 });
    });
    const guard = new IssuingOverloadGuard({ refuseEarlyWhenOverloaded: refuse } as unknown as IssueChallengeHandler, directory);

    // A key this process has not looked up yet names no workspace: on to authentication.
    expect(guard.canActivate(contextWith(`Bearer ${KEY}`))).toBe(true);
    expect(refuse).not.toHaveBeenCalled();

    await directory.findByKey(KEY);
    const readsAfterLookup = reads();
    expect(() => guard.canActivate(contextWith(`Bearer ${KEY}`))).toThrow(DomainError);
    expect(refuse).toHaveBeenCalledWith('ws-a');
    // The refusal read nothing: no directory lookup, no currency wait.
    expect(reads()).toBe(readsAfterLookup);

    // No key, or one never seen: nothing to decide here.
    refuse.mockClear();
    expect(guard.canActivate(contextWith())).toBe(true);
    expect(guard.canActivate(contextWith('Bearer pmk_plt_unknown'))).toBe(true);
    expect(refuse).not.toHaveBeenCalled();
  });
});
