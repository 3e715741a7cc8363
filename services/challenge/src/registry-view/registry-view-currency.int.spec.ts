import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_SETTINGS } from '@pushmfa/contracts';
import { type ChallengeInstance, ChallengeTestWorld, type TestDevice, type TestWorkspace } from '../challenge.test-app';
import { RegistryViewConsumer } from './registry-view.consumer';

/**
 * The registry view is trusted only once it is current: every request that depends on a key, a device or a setting
 * first waits until the view has applied the registry topic up to the end it has at that moment. Each registry event
 * here is published the way the registry's relay publishes it, and the very next request, without waiting for the
 * view, must already see it; a view that cannot catch up refuses (503), never approves.
 */
describe('registry view: current before trusted', () => {
  let world: ChallengeTestWorld;
  let service: ChallengeInstance;
  let ws: TestWorkspace;

  beforeAll(async () => {
    world = await ChallengeTestWorld.create('viewcurrency');
    service = await world.start();
    ws = await world.workspace(service, { numberMatching: 'off' });
  });

  afterAll(async () => {
    await world?.dispose();
  });

  const issue = (workspace: TestWorkspace, userId: string) => service.call('POST', '/v1/challenges', { key: workspace.platformKey, body: { userId } });
  const approve = (instance: ChallengeInstance, device: TestDevice, challengeId: string) =>
    instance.device(device, 'POST', `/v1/device/challenges/${challengeId}/response`, { decision: 'approve' });
  const revoked = (device: TestDevice) => ({ deviceId: device.deviceId, userId: device.userId, reason: 'revoked', revokedBy: { kind: 'admin' } });

  it('refuses a device on the request right after its DeviceRevoked was published, also to requests racing it', async () => {
    const device = await world.pairDevice(ws, `ana-${randomUUID()}`);
    const { body: challenge } = await issue(ws, device.userId);
    // The key is known and cached from this request.
    expect((await service.device(device, 'GET', '/v1/device/challenges?status=pending')).status).toBe(200);

    await world.publish(`${ws.workspaceId}/${device.userId}`, 'DeviceRevoked', revoked(device), ws.workspaceId);
    const answers = await Promise.all([
      approve(service, device, challenge.challengeId),
      ...Array.from({ length: 4 }, () => service.device(device, 'GET', '/v1/device/challenges?status=pending')),
    ]);
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    expect((await world.storedEvents(challenge.challengeId)).map((e) => e.type)).not.toContain('ChallengeApproved');
  });

  it('accepts a platform key, push enabled and a paired device on the request right after their events were published', async () => {
    const workspaceId = `ws-${randomUUID()}`;
    const platformKey = `pmk_plt_${randomBytes(24).toString('base64url')}`;
    const userId = `bea-${randomUUID()}`;
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const device: TestDevice = { deviceId: randomUUID(), userId, privateJwk: keys.privateKey.export({ format: 'jwk' }) as Record<string, unknown> };

    await world.publish(workspaceId, 'WorkspaceCreated', { workspaceId, name: 'New', settings: DEFAULT_SETTINGS });
    await world.publish(workspaceId, 'ApiKeyIssued', {
      workspaceId,
      keyId: randomUUID(),
      role: 'platform',
      keyHash: createHash('sha256').update(platformKey).digest('hex'),
    });
    // Push is still off: the key is in force at once, and so is the setting.
    expect((await issue({ workspaceId, platformKey }, userId)).body.code).toBe('push_disabled');

    await world.publish(workspaceId, 'WorkspaceSettingsChanged', {
      workspaceId,
      settings: { ...DEFAULT_SETTINGS, pushEnabled: true, numberMatching: 'off' },
      changed: ['pushEnabled', 'numberMatching'],
      changedBy: { kind: 'admin', keyId: randomUUID() },
    });
    expect((await issue({ workspaceId, platformKey }, userId)).body.code).toBe('no_active_device');

    await world.publish(
      `${workspaceId}/${userId}`,
      'DevicePaired',
      {
        pairingId: randomUUID(),
        deviceId: device.deviceId,
        userId,
        name: 'New phone',
        platform: 'android',
        pushProvider: 'fcm',
        pushToken: `fcm-token-${device.deviceId}`,
        publicJwk: keys.publicKey.export({ format: 'jwk' }),
        pairedAt: new Date().toISOString(),
      },
      workspaceId,
    );
    const issued = await issue({ workspaceId, platformKey }, userId);
    expect(issued.status).toBe(201);
    expect((await approve(service, device, issued.body.challengeId)).status).toBe(200);
  });

  it('refuses a revoked platform key on the request right after its ApiKeyRevoked was published', async () => {
    const workspace = await world.workspace(service);
    const keyId = randomUUID();
    const platformKey = `pmk_plt_${randomBytes(24).toString('base64url')}`;
    await world.publish(workspace.workspaceId, 'ApiKeyIssued', {
      workspaceId: workspace.workspaceId,
      keyId,
      role: 'platform',
      keyHash: createHash('sha256').update(platformKey).digest('hex'),
    });
    expect((await service.call('GET', `/v1/challenges/${randomUUID()}`, { key: platformKey })).status).toBe(404);

    await world.publish(workspace.workspaceId, 'ApiKeyRevoked', { workspaceId: workspace.workspaceId, keyId });
    expect((await service.call('GET', `/v1/challenges/${randomUUID()}`, { key: platformKey })).body.code).toBe('unauthorized');
  });

  it('answers 503 and never approves while the view cannot catch up with the registry topic', async () => {
    const lagging = await world.start({ env: { REGISTRY_VIEW_MAX_WAIT_MS: '500' } });
    const device = await world.pairDevice(ws, `cy-${randomUUID()}`);
    const { body: challenge } = await issue(ws, device.userId);
    expect(challenge.challengeId).toEqual(expect.any(String));

    // This instance's view stops consuming; the other instance is stopped too, so nothing applies what comes next.
    await world.stop(service);
    await lagging.app.get(RegistryViewConsumer).stop();
    await world.publish(`${ws.workspaceId}/${device.userId}`, 'DeviceRevoked', revoked(device), ws.workspaceId);

    const answer = await approve(lagging, device, challenge.challengeId);
    expect(answer).toMatchObject({ status: 503, body: { code: 'unavailable' } });
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await lagging.call('GET', `/v1/challenges/${challenge.challengeId}`, { key: ws.platformKey })).status).toBe(503);
    expect((await world.storedEvents(challenge.challengeId)).map((e) => e.type)).toEqual(['ChallengeIssued']);
  });
});
