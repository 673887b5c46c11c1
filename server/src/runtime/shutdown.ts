/**
 * Graceful shutdown, bounded (SIGTERM, SIGINT, or `app.stop()`):
 *
 *   1. drain: stop accepting (listener closed; new requests, upgrades and
 *      WebSocket operations refused with UNAVAILABLE / HTTP 503);
 *   2. let what is running finish: HTTP requests and WebSocket operations in
 *      flight, and the group commit, which commits every queued update and
 *      answers it (an acknowledgement is sent only after its commit);
 *   3. write the PARAGRAPH_EDITED events still owed (what cannot be written
 *      now stays owed in the database and is swept at the next start);
 *   4. close every WebSocket with 1012 "server restarting" (closeCodes.ts),
 *      and give idle keep-alive HTTP connections a moment (at most
 *      HTTP_LINGER_MS) to send one more request, answered 503, before they
 *      are closed: closing them at once would drop a request sent at that
 *      instant without any answer;
 *   5. release the rest: HTTP server, background work, LISTEN, the pool.
 * All of it within `timeoutMs` (DRAFTROOM_SHUTDOWN_TIMEOUT_MS). When time
 * runs out, updates still waiting for a batch are refused with UNAVAILABLE
 * and every connection is cut: their clients never saw an acknowledgement,
 * so they resend; nothing acknowledged is lost, because nothing is
 * acknowledged before its commit.
 */
import type { EditCoalescer } from '../collab/editCoalescer.js';
import type { UpdateCommitter } from '../collab/updateCommitter.js';
import type { Logger } from '../logger.js';
import type { Serving } from './serving.js';

export interface ShutdownParts {
  serving: Serving;
  committer: UpdateCommitter;
  coalescer: EditCoalescer;
  log: Logger;
  /** Step 5, in order: HTTP server, background work, listener, ORM. */
  release(): Promise<void>;
}

export interface ShutdownReport {
  durationMs: number;
  /** The bound was reached and connections were cut. */
  forced: boolean;
  /** Requests and operations running when the drain began. */
  inFlightAtStart: number;
  /** WebSockets closed with 1012. */
  socketsClosed: number;
  /** Queued updates refused because time ran out. */
  abortedUpdates: number;
}

/** Longest wait for the closing handshakes of the WebSockets before they are cut. */
const SOCKET_CLOSE_WAIT_MS = 2_000;
/**
 * Longest wait for idle keep-alive HTTP connections to be closed by their
 * clients: a few round trips, so that a client sending request after request
 * gets its 503 (and closes); one that sends nothing meanwhile is unlikely to
 * send at the very instant its connection is closed.
 */
const HTTP_LINGER_MS = 250;

/** Whether `task` settled within `ms`. */
async function within(ms: number, task: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const done = task.then(
    () => true,
    () => true,
  );
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = await Promise.race([done, timeout]);
  clearTimeout(timer);
  return settled;
}

export async function shutDownGracefully(parts: ShutdownParts, timeoutMs: number): Promise<ShutdownReport> {
  const { serving, committer, coalescer, log } = parts;
  const started = Date.now();
  const left = () => Math.max(0, started + timeoutMs - Date.now());
  const inFlightAtStart = serving.inFlight;
  serving.drain();
  log.info({ inFlight: inFlightAtStart, sockets: serving.sockets, timeoutMs }, 'draining');

  let forced = !(await within(left(), Promise.all([serving.quiet(), committer.drained()])));
  committer.close();
  if (!forced) forced = !(await within(left(), coalescer.flushAll()));
  coalescer.stop();

  let socketsClosed = 0;
  let abortedUpdates = 0;
  if (!forced) {
    socketsClosed = serving.sockets;
    await Promise.all([serving.closeSockets(Math.min(left(), SOCKET_CLOSE_WAIT_MS)), serving.lingerHttp(Math.min(left(), HTTP_LINGER_MS))]);
  } else {
    abortedUpdates = committer.abortQueued();
    log.warn({ timeoutMs, abortedUpdates, inFlight: serving.inFlight }, 'shutdown timed out: cutting every connection');
    serving.forceClose();
  }

  // Releasing can hang on a database that does not answer: bounded too, with a little grace for the pool.
  if (!(await within(left() + 1_000, parts.release()))) {
    forced = true;
    log.warn('resources still held when the shutdown bound was reached');
  }
  const report: ShutdownReport = { durationMs: Date.now() - started, forced, inFlightAtStart, socketsClosed, abortedUpdates };
  log.info(report, 'stopped');
  return report;
}
