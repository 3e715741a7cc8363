import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KeepAliveHttpClient } from './keep-alive-http.client';

describe('KeepAliveHttpClient', () => {
  // More requests at once than any socket pool cap the bench ever had (2048): under overload every waiting long-poll
  // holds a socket, and a request queued in the client would be timed as the service's answer.
  const AT_ONCE = 2100;

  it('puts every request on the wire at once, however many are open', async () => {
    const open: ServerResponse[] = [];
    let mostOpen = 0;
    let gaveUp = false;
    const answerAll = (status: number) => {
      for (const response of open.splice(0)) response.writeHead(status).end('{}');
    };
    const server = createServer((_request: IncomingMessage, response: ServerResponse) => {
      if (gaveUp) return void response.writeHead(503).end('{}');
      open.push(response);
      mostOpen = Math.max(mostOpen, open.length);
      // The server answers once it holds every request; if some never arrive, it gives up after 5 s.
      if (open.length === AT_ONCE) answerAll(200);
    });
    server.maxConnections = AT_ONCE + 10;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const giveUp = setTimeout(() => {
      gaveUp = true;
      answerAll(503);
    }, 5000);
    const client = new KeepAliveHttpClient();
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const answers = await Promise.all(Array.from({ length: AT_ONCE }, () => client.call(url, 'GET', '/wait')));
      expect(mostOpen).toBe(AT_ONCE);
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
    } finally {
      clearTimeout(giveUp);
      client.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);
});
