/**
 * A subscriber whose connection goes away while the server is writing to
 * it is a closed connection, not a server error: the server logs it at
 * debug level, neither as an "internal error" nor as the database being
 * unavailable, and counts it in draftroom_operations_rejected_total under
 * neither INTERNAL_SERVER_ERROR (the operator's bug alarm) nor UNAVAILABLE.
 *
 * Reproduced with real sockets. The subscriber opens several `documentUpdates`
 * subscriptions on one connection, on a declaration whose document is ~8 MB:
 * their sync messages (~10 MB each) are a burst far larger than the
 * loopback's buffers. A relay between it and the server stops reading the
 * server's answer at its first bytes, so the server's writes wait. The
 * test goes on only once every sync message waits in the server's socket:
 * the write in flight when a socket is destroyed reports success (Node
 * calls its callback without an error), only the writes queued behind it
 * fail. Resetting at the relay's first bytes raced with the server: under
 * load the reset could come while the first sync message was the only one
 * written, and nothing failed. Then
 *  - the relay resets the connection (a laptop closed mid-burst, a proxy
 *    giving up): the writes fail with ECONNRESET / EPIPE (Node 24: the writes
 *    queued behind the one in flight fail with ECANCELED);
 *  - or the server itself cuts the connection (the graceful shutdown's
 *    bound for the closing handshake; the keepalive does the same to a
 *    silent socket): the writes fail with ERR_STREAM_DESTROYED (Node 24:
 *    ECANCELED).
 */
import diagnostics from 'node:diagnostics_channel';
import net from 'node:net';
import { Writable } from 'node:stream';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/logger.js';
import { DOCUMENT_UPDATES } from '../collab/collabSupport.js';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { applyUpdate, serverDoc } from '../support/yjsClient.js';

/** The log of the app, kept as parsed lines. */
class CapturedLog extends Writable {
  private readonly chunks: string[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void) {
    this.chunks.push(chunk.toString());
    callback();
  }
  get lines(): Record<string, any>[] {
    return this.chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  }
}

const REJECTED = 'draftroom_operations_rejected_total';
const CLOSED_DURING_WRITE = 'websocket connection closed during a write';
/** Text per update, and updates: a document of ~8 MB, a sync message of ~10 MB. */
const CHUNK_CHARS = 2_000_000;
const CHUNKS = 4;
/** Subscriptions on the one connection: their sync messages are written at once, a burst of ~60 MB. */
const SUBSCRIPTIONS = 6;
/** A sync message is at least the document's text in base64 (its JSON adds a few hundred bytes). */
const SYNC_MESSAGE_BYTES = Math.ceil((CHUNK_CHARS * CHUNKS) / 3) * 4;

/**
 * The server's side of every TCP connection it accepts, by the peer's port
 * (Node's public diagnostics channel: nothing of the server is replaced):
 * what the server has not yet handed to the kernel is its `writableLength`.
 */
const acceptedByPeerPort = new Map<number, net.Socket>();
const onAccepted = (message: unknown) => {
  const { socket } = message as { socket: net.Socket };
  if (socket.remotePort !== undefined) acceptedByPeerPort.set(socket.remotePort, socket);
};

/** One sample of the server's metrics, by name and exact labels (0 when absent). */
async function metric(server: TestServer, name: string, labels = ''): Promise<number> {
  const text = await server.app.services.metrics.render();
  const line = text.split('\n').find((l) => l.startsWith(labels ? `${name}{${labels}} ` : `${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

async function rejections(server: TestServer) {
  return {
    internal: await metric(server, REJECTED, 'code="INTERNAL_SERVER_ERROR"'),
    unavailable: await metric(server, REJECTED, 'code="UNAVAILABLE"'),
  };
}

/**
 * A relay between one subscriber and the server. Once `armed` (the
 * subscribe messages are sent), the first bytes of the server's answer make
 * it stop reading from the server (`stalled` resolves): the server's writes
 * of the rest wait in full buffers. `reset()` then resets both sides.
 */
class StallingRelay {
  armed = false;
  readonly stalled: Promise<void>;
  private stall!: () => void;
  private upstream: net.Socket | null = null;
  private client: net.Socket | null = null;

  private constructor(private readonly server: net.Server) {
    this.stalled = new Promise((resolve) => (this.stall = resolve));
  }

  static async start(serverPort: number): Promise<StallingRelay> {
    const relay = new StallingRelay(net.createServer((client) => relay.accept(client, serverPort)));
    await new Promise<void>((resolve) => relay.server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** The server's socket of the relayed connection. */
  get serverSide(): net.Socket | undefined {
    const localPort = this.upstream?.localPort;
    return localPort === undefined ? undefined : acceptedByPeerPort.get(localPort);
  }

  reset(): void {
    this.upstream?.resetAndDestroy();
    this.client?.destroy();
  }

  close(): Promise<void> {
    this.reset();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, serverPort: number): void {
    const upstream = net.connect(serverPort, '127.0.0.1');
    this.client = client;
    this.upstream = upstream;
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.pipe(upstream);
    upstream.on('data', (data) => {
      if (!this.armed) return void client.write(data);
      upstream.pause();
      this.stall();
    });
  }
}

/** Opens `SUBSCRIPTIONS` whole-document subscriptions over one raw graphql-ws connection through `relay`, then arms it. */
function subscribeThrough(relay: StallingRelay, token: string, declarationId: string): void {
  const ws = new WebSocket(`ws://127.0.0.1:${relay.port}/graphql`, 'graphql-transport-ws');
  ws.on('error', () => undefined); // the connection is broken on purpose
  ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
  ws.on('message', (data) => {
    if (JSON.parse(data.toString()).type !== 'connection_ack') return;
    for (let id = 1; id <= SUBSCRIPTIONS; id++) {
      ws.send(JSON.stringify({ id: String(id), type: 'subscribe', payload: { query: DOCUMENT_UPDATES, variables: { d: declarationId, sv: null } } }));
    }
    relay.armed = true;
  });
}

/**
 * Once `relay` has stalled, waits until every sync message waits in the
 * server's socket: the first one in flight, stuck in full buffers, and the
 * others queued behind it, whose writes must fail when the connection goes.
 * (Five messages and their JSON are less than 5.5 times the bound, six more.)
 * The caller breaks the connection right after, in the same turn of the
 * event loop, so the server cannot write anything in between.
 */
async function stallMidBurst(relay: StallingRelay): Promise<void> {
  await relay.stalled;
  await waitFor(
    'every sync message to wait in the socket of the server',
    () => (relay.serverSide?.writableLength ?? 0) > (SUBSCRIPTIONS - 0.5) * SYNC_MESSAGE_BYTES,
    { timeoutMs: 60_000 },
  );
}

/** What the test asserts after a connection broke mid-write: a debug line, no alarm, no count. */
async function expectClosedConnection(server: TestServer, log: CapturedLog, before: { internal: number; unavailable: number }, code: RegExp) {
  const alarming = log.lines.filter((l) => l.level >= 40);
  expect(alarming.map((l) => `${l.msg} ${l.err?.code ?? ''}`)).toEqual([]);
  expect(await rejections(server)).toEqual(before);
  // The write really failed under the server (else this test would prove nothing).
  const closed = log.lines.filter((l) => l.msg === CLOSED_DURING_WRITE);
  expect(closed).toHaveLength(1);
  expect(closed[0]).toMatchObject({ level: 20, code: expect.stringMatching(code) });
}

describe('a subscriber whose connection breaks while the server writes a burst to it', () => {
  let server: TestServer;
  let log: CapturedLog;
  let cast: Cast;

  beforeAll(async () => {
    diagnostics.subscribe('net.server.socket', onAccepted);
    log = new CapturedLog();
    server = await startServer({
      limits: { paragraphChars: CHUNK_CHARS * CHUNKS, updateBytes: CHUNK_CHARS + 1024, bodyBytes: 2 * CHUNK_CHARS },
      app: { log: createLogger('debug', log) },
    });
    cast = await createCast(server, 'Closed subscriber');
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    const paragraph = await addParagraph(cast.coFacilitator, section.id);
    const { doc } = await serverDoc(cast.coFacilitator, cast.declarationId);
    for (let i = 0; i < CHUNKS; i++) {
      const before = Y.encodeStateVector(doc);
      doc.getText(paragraph.id).insert(0, String.fromCharCode(97 + i).repeat(CHUNK_CHARS));
      const result = await applyUpdate(cast.coFacilitator, cast.declarationId, Y.encodeStateAsUpdate(doc, before));
      expect(result.errors).toBeUndefined();
    }
  }, 120_000);
  afterAll(async () => {
    diagnostics.unsubscribe('net.server.socket', onAccepted);
    await server?.stop({ dropDatabase: true });
  });

  it('reset by the network: a closed connection, neither an internal error nor an unavailable database', async () => {
    const before = await rejections(server);
    const relay = await StallingRelay.start(server.app.port);
    subscribeThrough(relay, cast.observer.token!, cast.declarationId);
    await stallMidBurst(relay);
    await relay.close();
    await waitFor('the server to see the connection close and end its subscriptions', async () => {
      const open = await metric(server, 'draftroom_websocket_connections');
      const subscriptions = await metric(server, 'draftroom_subscriptions', 'field="documentUpdates"');
      return open === 0 && subscriptions === 0;
    });
    await expectClosedConnection(server, log, before, /^(ECONNRESET|EPIPE|ERR_STREAM_DESTROYED|ECANCELED)$/);
  }, 60_000);

  it('cut by the server (the shutdown gives up on its closing handshake): ERR_STREAM_DESTROYED is a closed connection too', async () => {
    const before = await rejections(server);
    const linesBefore = log.lines.length;
    const relay = await StallingRelay.start(server.app.port);
    subscribeThrough(relay, cast.observer.token!, cast.declarationId);
    await stallMidBurst(relay);
    // The 1012 close frame queues behind the stalled writes; after its wait the shutdown terminates the socket.
    await server.app.stop();
    await relay.close();
    const later = new CapturedLog();
    later.write(log.lines.slice(linesBefore).map((l) => JSON.stringify(l)).join('\n') + '\n');
    expect(server.app.shutdown?.forced).toBe(false);
    await expectClosedConnection(server, later, before, /^(ERR_STREAM_DESTROYED|ECANCELED)$/);
  }, 60_000);
});
