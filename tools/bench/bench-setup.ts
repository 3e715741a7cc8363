import { generateKeyPairSync } from 'node:crypto';
import { signDeviceRequest } from '@pushmfa/device-auth';
import type { KeepAliveHttpClient } from './keep-alive-http.client';
import type { StackUrls } from './local-stack';

/** One user and the simulated phone paired for them. */
export interface BenchUser {
  userId: string;
  deviceId: string;
  pushToken: string;
  privateJwk: Record<string, unknown>;
}

export interface BenchWorkspace {
  workspaceId: string;
  platformKey: string;
  adminKey: string;
  users: BenchUser[];
}

const PAIRING_CONCURRENCY = 8;
const LEARN_TIMEOUT_MS = 60_000;

/**
 * A workspace with push enabled and a rate limit high enough for the run, and `userCount` users each with one
 * phone paired through the public pairing flow. Returns once the challenge service accepts a challenge for every
 * user (it learns keys, settings and devices from Kafka).
 */
export async function setUpWorkspace(
  http: KeepAliveHttpClient,
  urls: StackUrls,
  operatorToken: string,
  userCount: number,
  runLabel: string,
): Promise<BenchWorkspace> {
  const workspace = await expectStatus(
    http.call(urls.registry, 'POST', '/v1/workspaces', { bearer: operatorToken, body: { name: `bench ${runLabel}` } }),
    201,
    'create the workspace',
  );
  const workspaceId = workspace.body.id as string;
  const keyOf = async (role: string) =>
    (
      await expectStatus(
        http.call(urls.registry, 'POST', `/v1/workspaces/${workspaceId}/api-keys`, { bearer: operatorToken, body: { role, label: 'bench' } }),
        201,
        `issue the ${role} key`,
      )
    ).body.key as string;
  const platformKey = await keyOf('platform');
  const adminKey = await keyOf('admin');
  await expectStatus(
    http.call(urls.registry, 'PATCH', '/v1/workspace/settings', {
      bearer: adminKey,
      // Each bench user signs in many times a second, each request answered on its own: none supersedes another.
      body: { pushEnabled: true, maxChallengesPerUserPer10Min: 1000, challengeTtlSeconds: 600, maxPendingPerUser: 20 },
    }),
    200,
    'enable push',
  );
  const users: BenchUser[] = [];
  const ids = Array.from({ length: userCount }, (_, i) => `bench-user-${String(i).padStart(5, '0')}`);
  for (let i = 0; i < ids.length; i += PAIRING_CONCURRENCY) {
    users.push(...(await Promise.all(ids.slice(i, i + PAIRING_CONCURRENCY).map((userId) => pairPhone(http, urls, platformKey, userId, runLabel)))));
  }
  await waitUntilChallengesAccepted(http, urls, platformKey, users);
  return { workspaceId, platformKey, adminKey, users };
}

async function pairPhone(http: KeepAliveHttpClient, urls: StackUrls, platformKey: string, userId: string, runLabel: string): Promise<BenchUser> {
  const pairing = await expectStatus(
    http.call(urls.registry, 'POST', `/v1/users/${userId}/pairings`, { bearer: platformKey, body: { deviceName: 'bench phone' } }),
    201,
    'start a pairing',
  );
  const qr = new URL(String(pairing.body.qrUri).replace('pushmfa://', 'https://'));
  const keys = generateKeyPairSync('ed25519');
  const privateJwk = keys.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const pushToken = `bench-${runLabel}-${userId}`;
  const path = `/v1/pairings/${pairing.body.pairingId}/register`;
  const body = JSON.stringify({
    secret: qr.searchParams.get('s'),
    publicKey: keys.publicKey.export({ format: 'jwk' }),
    platform: 'android',
    pushProvider: 'fcm',
    pushToken,
  });
  const headers = { ...signDeviceRequest(privateJwk, { method: 'POST', pathWithQuery: path, body }) } as Record<string, string>;
  const registered = await expectStatus(http.call(urls.registry, 'POST', path, { body, headers }), 201, 'register the phone');
  await expectStatus(
    http.call(urls.registry, 'POST', `/v1/pairings/${pairing.body.pairingId}/confirm`, {
      bearer: platformKey,
      body: { code: registered.body.confirmationCode },
    }),
    200,
    'confirm the pairing',
  );
  return { userId, deviceId: registered.body.deviceId as string, pushToken, privateJwk };
}

/** One warm-up challenge per user, retried until the challenge service knows the key, the settings and the phone. */
async function waitUntilChallengesAccepted(http: KeepAliveHttpClient, urls: StackUrls, platformKey: string, users: BenchUser[]): Promise<void> {
  const deadline = Date.now() + LEARN_TIMEOUT_MS;
  for (const user of users) {
    for (;;) {
      const answer = await http.call(urls.challenge, 'POST', '/v1/challenges', {
        bearer: platformKey,
        body: { userId: user.userId, context: { application: 'bench warm-up' } },
      });
      if (answer.status === 201) break;
      if (Date.now() > deadline) throw new Error(`the challenge service still refuses ${user.userId}: ${answer.status} ${JSON.stringify(answer.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function expectStatus<T extends { status: number; body: Record<string, any> }>(answer: Promise<T>, status: number, what: string): Promise<T> {
  const result = await answer;
  if (result.status !== status) throw new Error(`could not ${what}: ${result.status} ${JSON.stringify(result.body)}`);
  return result;
}
