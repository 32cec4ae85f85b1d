/**
 * An HTTP proxy on 127.0.0.1 that records every request it receives (plain, CONNECT, upgrade) and
 * refuses it with 403. Headless Chromium is pointed at it (`--proxy-server`), so a page that
 * reaches for the network is counted, and fails, instead of leaving the machine.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export interface RefusingProxy {
  /** The loopback TCP port it listens on. */
  port: number;
  /** Requests for anywhere but the proxy itself: "GET http://host/path", "CONNECT host:443". Live array. */
  networkRequests: string[];
  /** Requests Chromium sent to the proxy's own address (its redirected start-up checks). Live array. */
  browserRequests: string[];
  close(): Promise<void>;
}

/** Starts the proxy on an ephemeral loopback port. */
export async function startRefusingProxy(): Promise<RefusingProxy> {
  const networkRequests: string[] = [];
  const browserRequests: string[] = [];
  let port = 0;
  const record = (req: IncomingMessage) => {
    const target = req.url ?? '';
    const own = target.startsWith('/') || target.startsWith(`http://127.0.0.1:${port}/`) || target === `127.0.0.1:${port}`;
    (own ? browserRequests : networkRequests).push(`${req.method ?? '?'} ${target}`);
  };
  const server = createServer((req, res) => {
    record(req);
    req.resume();
    res.writeHead(403, { 'content-type': 'text/plain', connection: 'close' });
    res.end('refused: paretonas renders offline\n');
  });
  const refuseSocket = (req: IncomingMessage, socket: Duplex) => {
    record(req);
    socket.on('error', () => {});
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  };
  server.on('connect', refuseSocket);
  server.on('upgrade', refuseSocket);
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    networkRequests,
    browserRequests,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
