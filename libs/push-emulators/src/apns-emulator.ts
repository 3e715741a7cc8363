import { randomUUID } from 'node:crypto';
import http2, { type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { ApnsProviderTokens, type ApnsSigningKey } from './apns-provider-tokens';
import { findApnsRequestProblem } from './apns-request-validation';
import { APNS_FAILURE_STATUS, apnsErrorBody, type ApnsFailureReason } from './apns-responses';
import { ReceivedLog } from './received-log';
import { EmulatorDelays, listenSecureEmulator, readBody } from './secure-emulator-server';
import { loadOrCreateTestCa, type TestCa } from './test-ca';
import { TokenScripts, type ScriptedBehaviourBase } from './token-scripts';

export type ApnsBehaviour = ScriptedBehaviourBase & {
  /** An APNs reason to answer (its status follows Apple's table), or DROP_CONNECTION to destroy the session. */
  fail?: ApnsFailureReason | 'DROP_CONNECTION';
  retryAfterSeconds?: number;
};

export interface ApnsReceivedNotification {
  receivedAt: string;
  receivedAtMs: number;
  deviceToken: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  answer: number | 'dropped' | 'pending';
  reason?: ApnsFailureReason;
  apnsId?: string;
}

export interface ApnsEmulatorOptions {
  port?: number;
  latencyMs?: number;
  /** Keys whose provider tokens are signature-checked; tokens naming another kid are only parsed unless required. */
  signingKeys?: ReadonlyArray<ApnsSigningKey>;
  requireKnownKey?: boolean;
  testCa?: TestCa;
}

export interface ApnsEmulator {
  /** e.g. https://127.0.0.1:9444 — what APNS_EMULATOR_URL is set to. */
  url: string;
  port: number;
  caPem: string;
  caPemPath: string;
  script(deviceToken: string, behaviour: ApnsBehaviour): void;
  clearScripts(): void;
  received(): ApnsReceivedNotification[];
  clear(): void;
  setLatencyMs(latencyMs: number): void;
  addSigningKey(key: ApnsSigningKey): void;
  close(): Promise<void>;
}

const DEVICE_PATH = /^\/3\/device\/([^/?]+)$/;

/** Speaks the APNs provider API (HTTP/2 over TLS, token authentication) on 127.0.0.1. */
export async function startApnsEmulator(options: ApnsEmulatorOptions = {}): Promise<ApnsEmulator> {
  const testCa = options.testCa ?? (await loadOrCreateTestCa());
  const keysById = new Map((options.signingKeys ?? []).map((key) => [key.keyId, key]));
  const providerTokens = new ApnsProviderTokens(keysById, options.requireKnownKey ?? false);
  const scripts = new TokenScripts<ApnsBehaviour>();
  const notifications = new ReceivedLog<ApnsReceivedNotification>();
  const delays = new EmulatorDelays();
  let latencyMs = options.latencyMs ?? 0;

  async function handleStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): Promise<void> {
    const match = DEVICE_PATH.exec(headers[':path'] ?? '');
    if (match === null) return respond(stream, 404, { reason: 'BadPath' });
    if (headers[':method'] !== 'POST') return respond(stream, 405, { reason: 'MethodNotAllowed' });
    const receivedAtMs = Date.now();
    const raw = await readBody(stream);
    const record: ApnsReceivedNotification = {
      receivedAt: new Date(receivedAtMs).toISOString(),
      receivedAtMs,
      deviceToken: decodeURIComponent(match[1] ?? ''),
      headers: { ...headers },
      body: parseJsonOrText(raw),
      answer: 'pending',
    };
    notifications.add(record);
    const behaviour = scripts.take(record.deviceToken);
    await delays.sleep(latencyMs + (behaviour?.delayMs ?? 0));
    const fail = (reason: ApnsFailureReason, extraHeaders: Record<string, string> = {}) => {
      record.answer = APNS_FAILURE_STATUS[reason];
      record.reason = reason;
      respond(stream, APNS_FAILURE_STATUS[reason], apnsErrorBody(reason, Date.now()), extraHeaders);
    };
    const authorization = headers.authorization;
    const tokenProblem = providerTokens.findProblem(Array.isArray(authorization) ? authorization[0] : authorization, Date.now());
    if (tokenProblem !== undefined) return fail(tokenProblem);
    const requestProblem = findApnsRequestProblem(headers, raw);
    if (requestProblem !== undefined) return fail(requestProblem);
    if (behaviour?.fail === 'DROP_CONNECTION') {
      record.answer = 'dropped';
      stream.session?.destroy();
      return;
    }
    if (behaviour?.fail !== undefined) {
      const retryAfter = behaviour.retryAfterSeconds;
      return fail(behaviour.fail, retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) });
    }
    const requestedId = headers['apns-id'];
    record.apnsId = typeof requestedId === 'string' ? requestedId : randomUUID().toUpperCase();
    record.answer = 200;
    respond(stream, 200, undefined, { 'apns-id': record.apnsId, 'apns-unique-id': randomUUID() });
  }

  const secure = await listenSecureEmulator({ key: testCa.serverKeyPem, cert: testCa.serverCertPem }, options.port ?? 0, (server) =>
    server.on('stream', (stream, headers) => {
      stream.on('error', () => undefined);
      handleStream(stream, headers).catch(() => respond(stream, 500, { reason: 'InternalServerError' }));
    }),
  );

  return {
    url: `https://127.0.0.1:${secure.port}`,
    port: secure.port,
    caPem: testCa.caPem,
    caPemPath: testCa.caPemPath,
    script: (deviceToken, behaviour) => scripts.set(deviceToken, behaviour),
    clearScripts: () => scripts.clear(),
    received: () => notifications.list(),
    clear: () => {
      notifications.clear();
      scripts.clear();
    },
    setLatencyMs: (value) => {
      latencyMs = value;
    },
    addSigningKey: (key) => {
      keysById.set(key.keyId, key);
    },
    close: () => {
      delays.cancelAll();
      return secure.close();
    },
  };
}

function respond(stream: ServerHttp2Stream, status: number, body: object | undefined, headers: Record<string, string> = {}): void {
  if (stream.destroyed || stream.headersSent) return;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  stream.respond({ [http2.constants.HTTP2_HEADER_STATUS]: status, ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
  stream.end(payload);
}

function parseJsonOrText(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return raw.toString('utf8');
  }
}
