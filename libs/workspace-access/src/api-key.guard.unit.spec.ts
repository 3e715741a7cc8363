import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProblemException } from '@pushmfa/http';
import type { ApiKeyDirectory } from './api-key-directory';
import { ApiKeyGuard, RequireRole } from './api-key.guard';
import { hashApiKey } from './api-key-hash';

const KEY = 'pmk_adm_a-key-the-directory-knows';

class Controller {
  @RequireRole('admin')
  declared(): void {}

  undeclared(): void {}
}

/** A directory that knows one admin key; the guard's decision is what is under test. */
const directory = {
  findByKey: async (key: string) => (hashApiKey(key) === hashApiKey(KEY) ? { workspaceId: 'ws', keyId: 'k', role: 'admin' as const } : null),
} as unknown as ApiKeyDirectory;

function contextFor(handler: keyof Controller, request: { headers: Record<string, string> }): ExecutionContext {
  return {
    getHandler: () => Controller.prototype[handler],
    getClass: () => Controller,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

async function refusal(work: Promise<unknown>): Promise<ProblemException> {
  try {
    await work;
  } catch (error) {
    if (error instanceof ProblemException) return error;
    throw error;
  }
  throw new Error('the guard let the request through');
}

describe('ApiKeyGuard', () => {
  const guard = new ApiKeyGuard(new Reflector(), directory);

  it('admits a known key of a declared role', async () => {
    const request = { headers: { authorization: `Bearer ${KEY}` } };
    await expect(guard.canActivate(contextFor('declared', request))).resolves.toBe(true);
  });

  it('refuses a handler that declares no role, even for a valid key, naming the handler', async () => {
    const problem = await refusal(guard.canActivate(contextFor('undeclared', { headers: { authorization: `Bearer ${KEY}` } })));
    expect(problem.code).toBe('forbidden');
    expect(problem.message).toContain('Controller.undeclared');
  });

  it('refuses a handler that declares no role to a caller without a key', async () => {
    expect((await refusal(guard.canActivate(contextFor('undeclared', { headers: {} })))).code).toBe('forbidden');
  });
});
