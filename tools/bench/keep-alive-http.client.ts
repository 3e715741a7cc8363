import { Agent, request } from 'node:http';

export interface HttpAnswer {
  status: number;
  // The bench reads answers loosely; the services' own tests check their shape.
  body: Record<string, any>;
}

/**
 * What went wrong with a call, by kind: the connection reset by the server (ECONNRESET, EPIPE, "socket hang up"),
 * the client's own time-out, a refused connection, or the error's message.
 */
export function errorKind(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === 'ECONNRESET' || code === 'EPIPE' || message === 'socket hang up') return 'connection reset';
  if (code === 'BENCH_TIMEOUT') return 'client timeout';
  if (code === 'ECONNREFUSED') return 'connection refused';
  return `bench: ${typeof message === 'string' ? message : String(error)}`;
}

/**
 * JSON over node:http with kept-alive sockets. Lighter on the CPU than fetch, which matters on a small machine
 * where the load generator shares the cores with the services it measures.
 */
export class KeepAliveHttpClient {
  /**
   * No cap on sockets per service: every request goes on the wire when it is made, as it would from the many
   * platforms and phones the bench stands for. Each waiting long-poll holds a socket, so under overload a cap (it was
   * 2048) queued creates and approvals inside the bench, seconds that the results then counted as the service's answer
   * time, and as resets and time-outs.
   */
  private readonly agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 512 });

  call(
    baseUrl: string,
    method: string,
    path: string,
    options: { bearer?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<HttpAnswer> {
    const url = new URL(baseUrl + path);
    const raw = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    const headers: Record<string, string> = { ...options.headers };
    if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
    if (raw !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(raw));
    }
    return new Promise((resolve, reject) => {
      const outgoing = request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, agent: this.agent, timeout: options.timeoutMs ?? 40_000 },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: Record<string, any> = {};
            try {
              body = text ? (JSON.parse(text) as Record<string, any>) : {};
            } catch {
              body = { text };
            }
            resolve({ status: response.statusCode ?? 0, body });
          });
          response.on('error', reject);
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(Object.assign(new Error('timeout'), { code: 'BENCH_TIMEOUT' })));
      outgoing.on('error', reject);
      outgoing.end(raw);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
