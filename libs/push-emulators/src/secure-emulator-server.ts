import http2 from 'node:http2';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface SecureEmulatorServer {
  server: http2.Http2SecureServer;
  port: number;
  /** Stops listening and destroys every open connection, so a test's jest process can exit. */
  close(): Promise<void>;
}

/**
 * An HTTP/2 TLS server on 127.0.0.1 that remembers its connections: `server.close()` alone would wait for the
 * SDKs' keep-alive sockets and HTTP/2 sessions, which never end on their own.
 */
export async function listenSecureEmulator(
  options: http2.SecureServerOptions,
  port: number,
  attach: (server: http2.Http2SecureServer) => void,
): Promise<SecureEmulatorServer> {
  const server = http2.createSecureServer(options);
  const sockets = new Set<TLSSocket | Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('secureConnection', (socket: TLSSocket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  // A client that resets mid-handshake must not crash the emulator.
  server.on('tlsClientError', () => undefined);
  attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('emulator has no TCP address');
  return {
    server,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a request body, refusing anything larger than any real provider would accept. */
export async function readBody(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Scripted slowness that close() can cancel: a pending 30 s delay must not keep a test process alive. */
export class EmulatorDelays {
  private readonly timers = new Set<NodeJS.Timeout>();

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  /** The delayed requests are abandoned; their connections are destroyed by close(). */
  cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
