import { generateKeyPairSync } from 'node:crypto';
import { signDeviceRequest } from '@pushmfa/device-auth';
import { call, type FaultAnswer, sleep } from './fault-http';
import type { StackUrls } from './fault-stack';

/** A user and the phone paired for them (its private key stays here, as in the app). */
export interface FaultUser {
  userId: string;
  deviceId: string;
  pushToken: string;
  privateJwk: Record<string, unknown>;
}

export interface FaultWorkspace {
  workspaceId: string;
  platformKey: string;
  adminKey: string;
  users: FaultUser[];
}

async function expect(answer: Promise<FaultAnswer>, status: number, what: string): Promise<FaultAnswer> {
  const result = await answer;
  if (result.status !== status) throw new Error(`could not ${what}: ${result.status} ${JSON.stringify(result.body)}`);
  return result;
}

/**
 * A workspace with push on, number matching on, a long challenge lifetime, a rate limit the run stays under, room for
 * each user's concurrent requests (maxPendingPerUser 20: the load keeps several pending per user, none superseded), and
 * `userCount` users each with one phone paired through the public flow. Resolves once the challenge service has
 * learned them all (it hears of keys, settings and devices over Kafka); returns the warm-up challenges it issued.
 */
export async function setUpFaultWorkspace(
  urls: StackUrls,
  operatorToken: string,
  userCount: number,
  label: string,
): Promise<{ workspace: FaultWorkspace; warmUps: Array<{ challengeId: string; numberMatch?: string; userId: string }> }> {
  const created = await expect(
    call(urls.registry, 'POST', '/v1/workspaces', { bearer: operatorToken, body: { name: `faults ${label}` } }),
    201,
    'create the workspace',
  );
  const workspaceId = created.body.id as string;
  const keyOf = async (role: string) =>
    (
      await expect(
        call(urls.registry, 'POST', `/v1/workspaces/${workspaceId}/api-keys`, { bearer: operatorToken, body: { role, label: 'faults' } }),
        201,
        `issue the ${role} key`,
      )
    ).body.key as string;
  const platformKey = await keyOf('platform');
  const adminKey = await keyOf('admin');
  await expect(
    call(urls.registry, 'PATCH', '/v1/workspace/settings', {
      bearer: adminKey,
      body: { pushEnabled: true, maxChallengesPerUserPer10Min: 1000, challengeTtlSeconds: 600, maxPendingPerUser: 20 },
    }),
    200,
    'enable push',
  );
  const users: FaultUser[] = [];
  for (let i = 0; i < userCount; i++) users.push(await pairPhone(urls, platformKey, `fault-user-${String(i).padStart(3, '0')}`, label));
  const warmUps: Array<{ challengeId: string; numberMatch?: string; userId: string }> = [];
  const deadline = Date.now() + 60_000;
  for (const user of users) {
    for (;;) {
      const answer = await call(urls.challenge, 'POST', '/v1/challenges', {
        bearer: platformKey,
        body: { userId: user.userId, context: { application: 'fault warm-up' } },
      });
      if (answer.status === 201) {
        warmUps.push({ challengeId: answer.body.challengeId, numberMatch: answer.body.numberMatch, userId: user.userId });
        break;
      }
      if (Date.now() > deadline) throw new Error(`the challenge service still refuses ${user.userId}: ${answer.status} ${JSON.stringify(answer.body)}`);
      await sleep(200);
    }
  }
  return { workspace: { workspaceId, platformKey, adminKey, users }, warmUps };
}

async function pairPhone(urls: StackUrls, platformKey: string, userId: string, label: string): Promise<FaultUser> {
  const pairing = await expect(
    call(urls.registry, 'POST', `/v1/users/${userId}/pairings`, { bearer: platformKey, body: { deviceName: 'fault phone' } }),
    201,
    'start a pairing',
  );
  const qr = new URL(String(pairing.body.qrUri).replace('pushmfa://', 'https://'));
  const keys = generateKeyPairSync('ed25519');
  const privateJwk = keys.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const pushToken = `fault-${label}-${userId}`;
  const path = `/v1/pairings/${pairing.body.pairingId}/register`;
  const body = JSON.stringify({
    secret: qr.searchParams.get('s'),
    publicKey: keys.publicKey.export({ format: 'jwk' }),
    platform: 'android',
    pushProvider: 'fcm',
    pushToken,
  });
  const headers = { ...signDeviceRequest(privateJwk, { method: 'POST', pathWithQuery: path, body }) } as Record<string, string>;
  const registered = await expect(call(urls.registry, 'POST', path, { body, headers }), 201, 'register the phone');
  await expect(
    call(urls.registry, 'POST', `/v1/pairings/${pairing.body.pairingId}/confirm`, { bearer: platformKey, body: { code: registered.body.confirmationCode } }),
    200,
    'confirm the pairing',
  );
  return { userId, deviceId: registered.body.deviceId as string, pushToken, privateJwk };
}

/** A signed request from the user's phone. */
export function callAsPhone(urls: StackUrls, user: FaultUser, method: 'GET' | 'POST', pathWithQuery: string, body?: unknown): Promise<FaultAnswer> {
  const raw = body === undefined ? undefined : JSON.stringify(body);
  const headers = { ...signDeviceRequest(user.privateJwk, { method, pathWithQuery, body: raw, deviceId: user.deviceId }) } as Record<string, string>;
  return call(urls.challenge, method, pathWithQuery, { body: raw, headers });
}
