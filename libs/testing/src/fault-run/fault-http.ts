/** One answer as a client sees it; `status` 0 when the request never got an answer (refused, reset, timed out). */
export interface FaultAnswer {
  status: number;
  body: Record<string, any>;
  retryAfter: string | null;
}

const REQUEST_TIMEOUT_MS = 35_000;

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { bearer?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<FaultAnswer> {
  try {
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let body: Record<string, any> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, any>) : {};
    } catch {
      body = { text: text.slice(0, 200) };
    }
    return { status: response.status, body, retryAfter: response.headers.get('retry-after') };
  } catch {
    return { status: 0, body: {}, retryAfter: null };
  }
}

/**
 * What the quality bar allows while a store, the broker or a process is away: no answer at all (the process is
 * down), or 503 `unavailable` with a Retry-After. Anything else is a wrong answer.
 */
export function isAllowedOutageAnswer(answer: FaultAnswer): boolean {
  return answer.status === 0 || (answer.status === 503 && answer.body.code === 'unavailable' && answer.retryAfter !== null);
}

export function describeAnswer(answer: FaultAnswer): string {
  if (answer.status === 0) return 'no answer';
  return `${answer.status} ${answer.body.code ?? answer.body.status ?? ''}${answer.status === 503 && answer.retryAfter === null ? ' without Retry-After' : ''}`.trim();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
