import { signDeviceRequest } from '@pushmfa/device-auth';

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown> | undefined;
}

/** A non-2xx answer: the problem's stable code and detail (API.md, Errors). */
export class ServerRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'ServerRefusal';
  }
}

/** The server could not be reached at all. */
export class ServerUnreachable extends Error {
  constructor(url: string, cause: unknown) {
    // fetch wraps the socket error ("connect ECONNREFUSED ...") in a bare "fetch failed".
    const reason = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
    super(`could not reach ${url}: ${reason}`);
    this.name = 'ServerUnreachable';
  }
}

export interface DeviceRequest {
  method: 'GET' | 'POST' | 'PUT';
  baseUrl: string;
  /** Path and query, appended to the base URL (which may carry a path prefix). */
  path: string;
  body?: unknown;
  /** Left out only for pairing registration, where the signature is the proof of possession. */
  deviceId: string | undefined;
}

const REQUEST_TIMEOUT_MS = 15_000;

/** Every request the app makes, signed with its private key as API.md "Device signatures" says. */
export class SignedDeviceClient {
  constructor(private readonly privateJwk: Record<string, unknown>) {}

  async send(request: DeviceRequest): Promise<ApiAnswer> {
    const url = new URL(request.baseUrl.replace(/\/+$/, '') + request.path);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    // The server verifies the path exactly as it arrives, so sign what fetch will send.
    const signature = signDeviceRequest(this.privateJwk, {
      method: request.method,
      pathWithQuery: url.pathname + url.search,
      body,
      deviceId: request.deviceId,
    });
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers: { ...signature, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) } as Record<string, string>,
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ServerUnreachable(url.origin, error);
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (response.ok) return { status: response.status, body: parsed };
    throw new ServerRefusal(
      response.status,
      typeof parsed?.code === 'string' ? parsed.code : `http_${response.status}`,
      typeof parsed?.detail === 'string' ? parsed.detail : text.slice(0, 300),
    );
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
