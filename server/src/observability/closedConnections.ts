/**
 * A connection that goes away while the server writes to it (a laptop
 * closed in the middle of a burst of events, a proxy resetting the
 * connection, the keepalive terminating a silent socket with writes still
 * queued) is a closed connection, not a server error.
 *
 * graphql-ws already drops messages for a socket that is no longer open,
 * but a write that was started while it was open fails under it instead
 * (ECONNRESET, EPIPE, ERR_STREAM_DESTROYED; ECANCELED on Node 24): graphql-ws then reports that
 * failure as the operation's error, which errorMapping.ts counted as
 * INTERNAL_SERVER_ERROR (or, for ECONNRESET, as the database being
 * unavailable) and logged at error level. The WebSocket class below gives
 * such a write the same fate as a write after the close: dropped, logged at
 * debug level once per connection, and the connection ended, so graphql-ws
 * sees its close and ends its subscriptions as for any other disconnect.
 */
import WebSocket from 'ws';
import type { Logger } from '../logger.js';

type SendOptions = Parameters<WebSocket['send']>[1] & object;
type SendCallback = (error?: Error) => void;

/** The WebSocket class the server's `WebSocketServer` makes its sockets of. */
export function toleratingClosedWrites(log: Logger): typeof WebSocket {
  return class ServerWebSocket extends WebSocket {
    private writeFailed = false;

    override send(data: Parameters<WebSocket['send']>[0], optionsOrCallback?: SendOptions | SendCallback, callback?: SendCallback): void {
      const options = typeof optionsOrCallback === 'object' ? optionsOrCallback : {};
      const done = typeof optionsOrCallback === 'function' ? optionsOrCallback : callback;
      super.send(data, options, (error?: Error) => {
        if (error) this.closedDuringWrite(error);
        done?.();
      });
    }

    private closedDuringWrite(error: Error & { code?: string }): void {
      if (this.writeFailed) return;
      this.writeFailed = true;
      log.debug({ code: error.code ?? error.message }, 'websocket connection closed during a write');
      // A failed write leaves nothing to write to: make sure the close follows.
      this.terminate();
    }
  };
}
