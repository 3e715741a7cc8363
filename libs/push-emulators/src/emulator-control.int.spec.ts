import { randomBytes, sign } from 'node:crypto';
import http2 from 'node:http2';
import { startApnsEmulator, type ApnsEmulator } from './apns-emulator';
import { EmulatorControlClient } from './emulator-control.client';
import { startEmulatorControlServer, type EmulatorControlServer } from './emulator-control.server';
import { createTestApnsKey } from './test-credentials';

const key = createTestApnsKey();
let apns: ApnsEmulator;
let control: EmulatorControlServer;
let client: EmulatorControlClient;

function providerToken(): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'ES256', kid: key.keyId })}.${encode({ iss: key.teamId, iat: Math.floor(Date.now() / 1000) })}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: key.privateKeyPem, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

/** A bare HTTP/2 push, as another process would send it, trusting only the test CA. */
function push(deviceToken: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(apns.url, { ca: apns.caPem });
    session.on('error', reject);
    const stream = session.request({
      ':method': 'POST',
      ':path': `/3/device/${deviceToken}`,
      authorization: `bearer ${providerToken()}`,
      'apns-topic': 'dev.pushmfa.test',
      'apns-push-type': 'alert',
    });
    let status = 0;
    let body = '';
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
    stream.on('end', () => {
      session.close();
      resolve({ status, body });
    });
    stream.end(JSON.stringify({ aps: { alert: 'hello' } }));
  });
}

beforeAll(async () => {
  apns = await startApnsEmulator({ signingKeys: [key], requireKnownKey: true });
  control = await startEmulatorControlServer({ apns });
  client = new EmulatorControlClient(control.url);
});

afterAll(async () => {
  await control?.close();
  await apns?.close();
});

describe('emulator control API', () => {
  it('scripts a failure from another process for the next request only, then shows what was received', async () => {
    const deviceToken = randomBytes(32).toString('hex');
    await client.scriptApns(deviceToken, { fail: 'Unregistered', times: 1 });

    const first = await push(deviceToken);
    const second = await push(deviceToken);

    expect(first.status).toBe(410);
    expect(JSON.parse(first.body)).toMatchObject({ reason: 'Unregistered', timestamp: expect.any(Number) });
    expect(second.status).toBe(200);
    const received = (await client.apnsReceived()).filter((entry) => entry.deviceToken === deviceToken);
    expect(received.map((entry) => entry.answer)).toEqual([410, 200]);
  });

  it('refuses a behaviour naming an unknown failure', async () => {
    await expect(client.scriptApns('abc', { fail: 'NoSuchReason' as never })).rejects.toThrow(/400/);
  });

  it('forgets everything on reset', async () => {
    await client.reset();
    expect(await client.apnsReceived()).toEqual([]);
  });
});
