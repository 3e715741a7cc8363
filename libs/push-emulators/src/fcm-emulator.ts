import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { FcmAccessTokens } from './fcm-access-tokens';
import { fcmErrorResponse, googleRpcError, type FcmErrorCode } from './fcm-errors';
import { validateSendRequest } from './fcm-message-validation';
import { ReceivedLog } from './received-log';
import { EmulatorDelays, listenSecureEmulator, readBody } from './secure-emulator-server';
import { loadOrCreateTestCa, type TestCa } from './test-ca';
import { TokenScripts, type ScriptedBehaviourBase } from './token-scripts';

export type FcmBehaviour = ScriptedBehaviourBase & {
  /** An FCM error class to answer, or DROP_CONNECTION to destroy the connection without an answer. */
  fail?: FcmErrorCode | 'DROP_CONNECTION';
  /** Sent as Retry-After with UNAVAILABLE and QUOTA_EXCEEDED. */
  retryAfterSeconds?: number;
};

export interface FcmReceivedMessage {
  receivedAt: string;
  receivedAtMs: number;
  projectId: string;
  httpVersion: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The device token the message targets, when it has one. */
  token: string | undefined;
  /** What the emulator answered: an HTTP status, 'dropped', or 'pending' while a delay runs. */
  answer: number | 'dropped' | 'pending';
  messageName?: string;
}

export interface FcmTokenRequest {
  receivedAt: string;
  host: string | undefined;
  clientEmail: string | undefined;
  granted: boolean;
  signatureVerified: boolean;
}

export interface FcmEmulatorOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** Added to every send, for benchmarks. */
  latencyMs?: number;
  /** Service accounts whose JWT assertions are signature-checked; others are only parsed unless required below. */
  serviceAccounts?: ReadonlyArray<{ clientEmail: string; publicKeyPem: string }>;
  requireKnownServiceAccount?: boolean;
  /** Defaults to the cached test CA under .local/push-emulators. */
  testCa?: TestCa;
}

export interface FcmEmulator {
  /** e.g. https://127.0.0.1:9443 — what FCM_EMULATOR_URL is set to. */
  url: string;
  port: number;
  caPem: string;
  caPemPath: string;
  script(token: string, behaviour: FcmBehaviour): void;
  clearScripts(): void;
  received(): FcmReceivedMessage[];
  tokenRequests(): FcmTokenRequest[];
  /** Forgets what was received and every script. */
  clear(): void;
  setLatencyMs(latencyMs: number): void;
  addServiceAccount(clientEmail: string, publicKeyPem: string): void;
  close(): Promise<void>;
}

type AnyRequest = Http2ServerRequest | IncomingMessage;
type AnyResponse = Http2ServerResponse | ServerResponse;

const SEND_PATH = /^\/v1\/projects\/([^/]+)\/messages:send$/;

/** Speaks FCM HTTP v1 `messages:send` and Google's OAuth2 token endpoint over TLS (HTTP/2 and HTTP/1.1). */
export async function startFcmEmulator(options: FcmEmulatorOptions = {}): Promise<FcmEmulator> {
  const testCa = options.testCa ?? (await loadOrCreateTestCa());
  const serviceAccountKeys = new Map((options.serviceAccounts ?? []).map((account) => [account.clientEmail, account.publicKeyPem]));
  const accessTokens = new FcmAccessTokens(testCa.serverKeyPem, serviceAccountKeys, options.requireKnownServiceAccount ?? false);
  const scripts = new TokenScripts<FcmBehaviour>();
  const messages = new ReceivedLog<FcmReceivedMessage>();
  const tokenRequests = new ReceivedLog<FcmTokenRequest>();
  const delays = new EmulatorDelays();
  let latencyMs = options.latencyMs ?? 0;

  async function handleToken(request: AnyRequest, response: AnyResponse): Promise<void> {
    const form = new URLSearchParams((await readBody(request)).toString('utf8'));
    const nowMs = Date.now();
    const check = accessTokens.checkAssertion(form, nowMs);
    tokenRequests.add({
      receivedAt: new Date(nowMs).toISOString(),
      host: hostOf(request.headers),
      clientEmail: check.ok ? check.grant.clientEmail : undefined,
      granted: check.ok,
      signatureVerified: check.ok && check.grant.signatureVerified,
    });
    if (!check.ok) return sendJson(response, 400, { error: check.error, error_description: check.description });
    sendJson(response, 200, accessTokens.issue(check.grant, nowMs));
  }

  async function handleSend(request: AnyRequest, response: AnyResponse, projectId: string): Promise<void> {
    const receivedAtMs = Date.now();
    const raw = await readBody(request);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      body = raw.toString('utf8');
    }
    const token = targetTokenOf(body);
    const record: FcmReceivedMessage = {
      receivedAt: new Date(receivedAtMs).toISOString(),
      receivedAtMs,
      projectId,
      httpVersion: request.httpVersion,
      headers: { ...request.headers },
      body,
      token,
      answer: 'pending',
    };
    messages.add(record);
    const behaviour = token === undefined ? undefined : scripts.take(token);
    await delays.sleep(latencyMs + (behaviour?.delayMs ?? 0));
    const answer = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      record.answer = status;
      sendJson(response, status, payload, headers);
    };
    if (accessTokens.verifyBearer(headerValue(request.headers.authorization), Date.now()) === undefined) {
      const error = googleRpcError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token.');
      return answer(error.httpStatus, error.body);
    }
    const violations = validateSendRequest(body);
    if (violations.length > 0) {
      const error = googleRpcError(400, 'INVALID_ARGUMENT', `Invalid message: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`, [
        { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: violations },
      ]);
      return answer(error.httpStatus, error.body);
    }
    if (behaviour?.fail === 'DROP_CONNECTION') {
      record.answer = 'dropped';
      return dropConnection(request);
    }
    if (behaviour?.fail !== undefined) {
      const error = fcmErrorResponse(behaviour.fail);
      const retryAfter = behaviour.retryAfterSeconds;
      return answer(error.httpStatus, error.body, retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) });
    }
    record.messageName = `projects/${projectId}/messages/0:${receivedAtMs}%${randomBytes(8).toString('hex')}`;
    answer(200, { name: record.messageName });
  }

  const secure = await listenSecureEmulator({ key: testCa.serverKeyPem, cert: testCa.serverCertPem, allowHTTP1: true }, options.port ?? 0, (server) =>
    server.on('request', (request: AnyRequest, response: AnyResponse) => {
      const path = (request.url ?? '').split('?')[0] ?? '';
      const sendMatch = SEND_PATH.exec(path);
      let handled: Promise<void>;
      if (request.method === 'POST' && path === '/token') handled = handleToken(request, response);
      else if (request.method === 'POST' && sendMatch !== null) handled = handleSend(request, response, decodeURIComponent(sendMatch[1] ?? ''));
      else handled = Promise.resolve(sendJson(response, 404, googleRpcError(404, 'NOT_FOUND', `No route for ${request.method} ${path}`).body));
      handled.catch(() => {
        if (!response.headersSent) sendJson(response, 500, googleRpcError(500, 'INTERNAL', 'emulator failure').body);
      });
    }),
  );

  return {
    url: `https://127.0.0.1:${secure.port}`,
    port: secure.port,
    caPem: testCa.caPem,
    caPemPath: testCa.caPemPath,
    script: (token, behaviour) => scripts.set(token, behaviour),
    clearScripts: () => scripts.clear(),
    received: () => messages.list(),
    tokenRequests: () => tokenRequests.list(),
    clear: () => {
      messages.clear();
      tokenRequests.clear();
      scripts.clear();
    },
    setLatencyMs: (value) => {
      latencyMs = value;
    },
    addServiceAccount: (clientEmail, publicKeyPem) => {
      serviceAccountKeys.set(clientEmail, publicKeyPem);
    },
    close: () => {
      delays.cancelAll();
      return secure.close();
    },
  };
}

function targetTokenOf(body: unknown): string | undefined {
  const message = (body as { message?: { token?: unknown } } | null)?.message;
  return typeof message?.token === 'string' ? message.token : undefined;
}

function hostOf(headers: IncomingHttpHeaders): string | undefined {
  return headerValue(headers[':authority'] ?? headers.host);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function sendJson(response: AnyResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent || response.destroyed) return;
  const body = JSON.stringify(payload);
  (response as ServerResponse).writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  response.end(body);
}

function dropConnection(request: AnyRequest): void {
  if ('stream' in request) request.stream.session?.destroy();
  else request.socket.destroy();
}
