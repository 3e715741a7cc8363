import http from 'node:http';
import type { ApnsBehaviour, ApnsEmulator } from './apns-emulator';
import { APNS_FAILURE_STATUS } from './apns-responses';
import type { FcmBehaviour, FcmEmulator } from './fcm-emulator';
import { FCM_ERROR_CODES } from './fcm-errors';
import { readBody } from './secure-emulator-server';

export interface EmulatorControlServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Plain-HTTP JSON API on 127.0.0.1 so another process (e2e tests, the benchmark) can script the emulators and
 * read what they received:
 *   GET  /health                          → { fcm?: url, apns?: url }
 *   POST /{fcm|apns}/scripts              { token, behaviour } → 204
 *   DELETE /{fcm|apns}/scripts            → 204
 *   GET  /{fcm|apns}/received             → { items }
 *   GET  /fcm/token-requests              → { items }
 *   PUT  /{fcm|apns}/latency              { latencyMs } → 204
 *   POST /{fcm|apns}/clear, POST /reset   → 204 (forget received messages and scripts)
 */
export async function startEmulatorControlServer(options: { port?: number; fcm?: FcmEmulator; apns?: ApnsEmulator }): Promise<EmulatorControlServer> {
  const { fcm, apns } = options;
  const server = http.createServer((request, response) => {
    route(request, { fcm, apns })
      .then(({ status, body }) => reply(response, status, body))
      .catch((error: unknown) => reply(response, 400, { error: error instanceof Error ? error.message : 'bad request' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('control server has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface Reply {
  status: number;
  body?: unknown;
}

async function route(request: http.IncomingMessage, emulators: { fcm?: FcmEmulator; apns?: ApnsEmulator }): Promise<Reply> {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const method = request.method ?? 'GET';
  if (method === 'GET' && path === '/health') return { status: 200, body: { fcm: emulators.fcm?.url, apns: emulators.apns?.url } };
  if (method === 'POST' && path === '/reset') {
    emulators.fcm?.clear();
    emulators.apns?.clear();
    return { status: 204 };
  }
  const match = /^\/(fcm|apns)\/([a-z-]+)$/.exec(path);
  const emulator = match?.[1] === 'fcm' ? emulators.fcm : match?.[1] === 'apns' ? emulators.apns : undefined;
  if (match === null || emulator === undefined) return { status: 404, body: { error: `no route for ${method} ${path}` } };
  const action = `${method} ${match[2]}`;
  switch (action) {
    case 'POST scripts': {
      const { token, behaviour } = (await readJson(request)) as { token?: unknown; behaviour?: unknown };
      if (typeof token !== 'string' || token === '') throw new Error('token must be a non-empty string');
      if (match[1] === 'fcm') emulators.fcm?.script(token, checkBehaviour(behaviour, FCM_ERROR_CODES) as FcmBehaviour);
      else emulators.apns?.script(token, checkBehaviour(behaviour, Object.keys(APNS_FAILURE_STATUS)) as ApnsBehaviour);
      return { status: 204 };
    }
    case 'DELETE scripts':
      emulator.clearScripts();
      return { status: 204 };
    case 'GET received':
      return { status: 200, body: { items: emulator.received() } };
    case 'GET token-requests':
      return emulators.fcm !== undefined && match[1] === 'fcm' ? { status: 200, body: { items: emulators.fcm.tokenRequests() } } : { status: 404 };
    case 'PUT latency': {
      const { latencyMs } = (await readJson(request)) as { latencyMs?: unknown };
      if (typeof latencyMs !== 'number' || latencyMs < 0) throw new Error('latencyMs must be a non-negative number');
      emulator.setLatencyMs(latencyMs);
      return { status: 204 };
    }
    case 'POST clear':
      emulator.clear();
      return { status: 204 };
    default:
      return { status: 404, body: { error: `no route for ${method} ${path}` } };
  }
}

function checkBehaviour(value: unknown, failures: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new Error('behaviour must be an object');
  const behaviour = value as Record<string, unknown>;
  if (behaviour.fail !== undefined && behaviour.fail !== 'DROP_CONNECTION' && !failures.includes(String(behaviour.fail))) {
    throw new Error(`behaviour.fail must be DROP_CONNECTION or one of ${failures.join(', ')}`);
  }
  for (const field of ['delayMs', 'times', 'retryAfterSeconds']) {
    if (behaviour[field] !== undefined && (typeof behaviour[field] !== 'number' || (behaviour[field] as number) < 0)) {
      throw new Error(`behaviour.${field} must be a non-negative number`);
    }
  }
  return behaviour;
}

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  const raw = (await readBody(request)).toString('utf8');
  return raw === '' ? {} : JSON.parse(raw);
}

function reply(response: http.ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
