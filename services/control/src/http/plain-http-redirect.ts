import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Server, Socket } from 'node:net';

/** The first byte of every TLS connection: a handshake record. */
const TLS_HANDSHAKE = 0x16;
/** A connection that says nothing for this long is closed (it holds a socket for nothing). */
const FIRST_BYTE_TIMEOUT_MS = 10_000;
/** What a Host header may hold: a name or an address, and a port (never a path or a space). */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * HTTP and HTTPS on the one port of the HTTPS server: a connection that starts with a TLS
 * handshake goes to HTTPS as before; anything else is plain HTTP and gets a permanent
 * redirect to the same address over HTTPS. So `http://pi:8181/` in a bookmark or typed by hand
 * still reaches the page, and nothing but the redirect is ever served in the clear.
 *
 * The HTTPS server's own connection listeners are taken off and called for TLS connections
 * only; the sniffing reads one byte and puts it back (`unshift`), which both servers accept.
 */
export function redirectPlainHttp(server: Server): void {
  const tlsListeners = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  const redirector = createServer(redirectToHttps);
  server.on('connection', (socket: Socket) => {
    // Until a server owns the socket, a reset must not become an uncaught 'error'.
    const dropOnError = () => socket.destroy();
    socket.on('error', dropOnError);
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
    const firstByte = () => {
      const head = socket.read(1) as Buffer | null;
      if (head === null) {
        socket.once('readable', firstByte); // nothing yet (or the end: 'close' follows)
        return;
      }
      socket.setTimeout(0);
      socket.removeListener('error', dropOnError);
      socket.unshift(head);
      if (head[0] === TLS_HANDSHAKE) {
        for (const listener of tlsListeners) listener.call(server, socket);
      } else {
        redirector.emit('connection', socket);
      }
    };
    socket.once('readable', firstByte);
  });
}

function redirectToHttps(req: IncomingMessage, res: ServerResponse): void {
  const host = req.headers.host ?? '';
  if (!HOST.test(host)) {
    res.writeHead(400, { 'content-type': 'text/plain', connection: 'close' });
    res.end('This service answers over HTTPS only.\n');
    return;
  }
  // Origin-form paths only; an absolute URL (proxy form) is sent to the page.
  const path = req.url?.startsWith('/') ? req.url : '/';
  const location = `https://${host}${path}`;
  // 308: the browser repeats the same request (method and body) over HTTPS.
  res.writeHead(308, { location, 'content-type': 'text/plain', connection: 'close' });
  res.end(`Moved to ${location}\n`);
}
