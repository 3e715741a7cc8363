import { generateKeyPairSync } from 'node:crypto';
import { signDeviceRequest } from '@pushmfa/device-auth';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { callJson, type JsonAnswer, type TestNamespace } from '@pushmfa/testing';
import { loadRegistryConfig, type RegistryConfig } from './config';
import { startDeviceRegistry } from './main';

/**
 * A device registry for one test file, in this process, on the file's namespace of the real broker, database and
 * Redis: production mode, port 0, the given operator token; `env` overrides any setting.
 */
export async function startRegistryForTest(
  ns: TestNamespace,
  operatorToken: string,
  env: Record<string, string> = {},
): Promise<{ app: NestFastifyApplication; base: string; config: RegistryConfig }> {
  const config = loadRegistryConfig({
    ...ns.serviceEnv('device-registry'),
    PORT: '0',
    PUSHMFA_MODE: 'production',
    PUSHMFA_OPERATOR_TOKEN: operatorToken,
    PUBLIC_BASE_URL: 'https://registry.example.test',
    ...env,
  });
  const app = await startDeviceRegistry(config, { handleSignals: false });
  return { app, base: await app.getUrl(), config };
}

/** A workspace with one platform and one admin key, made through the operator API as an operator would. */
export async function createWorkspaceWithKeys(baseUrl: string, operatorToken: string, name: string) {
  const created = (answer: JsonAnswer, what: string) => {
    if (answer.status !== 201) throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const ws = created(await callJson(baseUrl, 'POST', '/v1/workspaces', operatorToken, { name }), 'creating the workspace');
  const keyOf = async (role: string) =>
    created(await callJson(baseUrl, 'POST', `/v1/workspaces/${ws.id}/api-keys`, operatorToken, { role }), `issuing its ${role} key`);
  const platform = await keyOf('platform');
  const admin = await keyOf('admin');
  return { id: ws.id as string, platform: platform.key as string, admin: admin.key as string };
}

/** The app's side of pairing: a new P-256 key registered with the QR code's secret, signed with that key. */
export async function registerWithNewKey(
  baseUrl: string,
  pairing: { pairingId?: unknown; qrUri?: unknown },
): Promise<{ answer: JsonAnswer; privateJwk: Record<string, unknown> }> {
  const qr = new URL(String(pairing.qrUri).replace('pushmfa://', 'https://'));
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateJwk = keys.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const path = `/v1/pairings/${String(pairing.pairingId)}/register`;
  const body = JSON.stringify({
    secret: qr.searchParams.get('s'),
    publicKey: keys.publicKey.export({ format: 'jwk' }),
    platform: 'ios',
    pushProvider: 'apns',
    pushToken: 'apns-token-1',
  });
  const headers = signDeviceRequest(privateJwk, { method: 'POST', pathWithQuery: path, body }) as unknown as Record<string, string>;
  return { answer: await callJson(baseUrl, 'POST', path, undefined, body, headers), privateJwk };
}
