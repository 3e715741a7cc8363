import { randomBytes } from 'node:crypto';
import { callJson } from '@pushmfa/testing';
import { type ProductionStack, startProductionStack } from './support/production-stack';
import { ANDROID } from './support/test-phone';
import { TestWorkspace } from './support/test-workspace';

const fcmToken = () => `fcm-${randomBytes(12).toString('hex')}`;

/**
 * What the registry has answered is in force at the challenge and reporting services on the very next request, in
 * both directions: a key, a setting or a device it confirmed is accepted, and a device or key it revoked is refused.
 * No request here waits or retries after the registry's answer.
 */
describe('registry changes are in force everywhere once the registry answered', () => {
  let stack: ProductionStack;

  beforeAll(async () => {
    stack = await startProductionStack({ label: 'in-force', operatorToken: 'e2e-operator-token-in-force-0123456789' });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  }, 60_000);

  const operator = (method: string, path: string, body?: unknown) => callJson(stack.registry.baseUrl, method, path, stack.operatorToken, body);

  it('a key just issued is accepted at challenge and reporting, and settings just saved are in force at challenge', async () => {
    const workspace = await operator('POST', '/v1/workspaces', { name: 'fresh' });
    const platform = await operator('POST', `/v1/workspaces/${workspace.body.id}/api-keys`, { role: 'platform' });
    expect(platform.status).toBe(201);
    // Known at once: push is simply still off.
    const before = await callJson(stack.challenge.baseUrl, 'POST', '/v1/challenges', platform.body.key, { userId: 'dora' });
    expect(before).toMatchObject({ status: 403, body: { code: 'push_disabled' } });

    const admin = await operator('POST', `/v1/workspaces/${workspace.body.id}/api-keys`, { role: 'admin' });
    expect((await callJson(stack.reporting.baseUrl, 'GET', '/v1/reports/mfa?userId=dora', admin.body.key)).status).toBe(200);

    const saved = await callJson(stack.registry.baseUrl, 'PATCH', '/v1/workspace/settings', admin.body.key, { pushEnabled: true });
    expect(saved.status).toBe(200);
    const after = await callJson(stack.challenge.baseUrl, 'POST', '/v1/challenges', platform.body.key, { userId: 'dora' });
    expect(after).toMatchObject({ status: 409, body: { code: 'no_active_device' } });
  });

  it('a phone just paired gets a challenge at once; revoked, it cannot approve on the very next request', async () => {
    const acme = await TestWorkspace.withPush(stack);
    const phone = await acme.pairPhone('emil', ANDROID, fcmToken());
    const issued = await acme.issueChallenge('emil');
    expect(issued.status).toBe(201);

    const revoked = await callJson(stack.registry.baseUrl, 'DELETE', `/v1/users/emil/devices/${phone.deviceId}`, acme.adminKey);
    expect(revoked.status).toBe(204);
    const approval = await phone.approve(issued.body.challengeId, issued.body.numberMatch);
    expect(approval.status).toBe(401);
    expect((await acme.challengeStatus(issued.body.challengeId)).body.status).not.toBe('approved');
  });

  it('a push lock just lifted by the help desk: the very next challenge is pushed again', async () => {
    const acme = await TestWorkspace.withPush(stack);
    const phone = await acme.pairPhone('finn', ANDROID, fcmToken());
    const issued = await acme.issueChallenge('finn');
    expect(issued.status).toBe(201);
    expect((await phone.deny(issued.body.challengeId, { fraud: true })).status).toBe(200);
    expect(await acme.issueChallenge('finn')).toMatchObject({ status: 423, body: { code: 'push_locked' } });

    // The registry knows the lock from the challenge topic: its answer waits until it has read the topic that far.
    expect((await acme.unlockPush('finn')).status).toBe(204);
    expect((await acme.issueChallenge('finn')).status).toBe(201);
  });

  it('an admin key just revoked cannot read the report on the very next request', async () => {
    const workspace = await operator('POST', '/v1/workspaces', { name: 'revoking' });
    const admin = await operator('POST', `/v1/workspaces/${workspace.body.id}/api-keys`, { role: 'admin' });
    expect((await callJson(stack.reporting.baseUrl, 'GET', '/v1/reports/mfa', admin.body.key)).status).toBe(200);

    expect((await operator('DELETE', `/v1/workspaces/${workspace.body.id}/api-keys/${admin.body.id}`)).status).toBe(204);
    expect(await callJson(stack.reporting.baseUrl, 'GET', '/v1/reports/mfa', admin.body.key)).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
  });
});
