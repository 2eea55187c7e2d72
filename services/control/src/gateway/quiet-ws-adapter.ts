import { Logger } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { WebSocket, WebSocketServer } from 'ws';

/** At most one log line per this interval for client-caused socket errors. */
const CLIENT_ERROR_LOG_INTERVAL_MS = 60_000;

/**
 * Nest's WebSocket adapter, except for what a client can cause: Nest logs every socket error
 * with its stack (14 lines for each oversized frame), so any signed-in client could flood the
 * log of an SD card. Here a client's error (oversized frame, bad framing) is one line, at most
 * once a minute, with the count since the last line; the socket is closed by `ws` as before.
 */
export class QuietWsAdapter extends WsAdapter {
  private readonly quietLogger = new Logger('WebSocket');
  private suppressed = 0;
  private lastLogMs = -Infinity;

  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('connection', (socket: WebSocket) =>
      socket.on('error', (error: Error) => this.clientError(error)),
    );
    // Errors of the server itself (e.g. the port) are ours: logged in full, as Nest does.
    server.on('error', (error: Error) => this.quietLogger.error(error));
    return server;
  }

  private clientError(error: Error & { code?: string }): void {
    const now = Date.now();
    if (now - this.lastLogMs < CLIENT_ERROR_LOG_INTERVAL_MS) {
      this.suppressed += 1;
      return;
    }
    const more = this.suppressed > 0 ? ` (${this.suppressed} more since the last report)` : '';
    this.quietLogger.warn(
      `client connection closed: ${error.message}${error.code ? ` [${error.code}]` : ''}${more}`,
    );
    this.lastLogMs = now;
    this.suppressed = 0;
  }
}
