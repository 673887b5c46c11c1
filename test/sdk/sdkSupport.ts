/**
 * Helpers for the SDK's tests: `@draftroom/client` used as an application
 * uses it (Node 20 passes `ws`'s WebSocket), the server's view of a paragraph
 * read back through the SDK's own typed operations, a typist that types one
 * keystroke per Yjs transaction, a WebSocket that records the graphql-ws
 * frames it carries (to see what the SDK sent and what it was told), and a
 * `Relay` for network failures TcpProxy does not make (silence, a new
 * upstream).
 */
import { DocumentStateDocument, DraftroomClient, fromBase64, ParagraphDocument, type DraftroomClientOptions } from '@draftroom/client';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import * as Y from 'yjs';

/** A client of `url` for `token`; quick reconnects unless the test says otherwise. */
export function sdkClient(url: string, token: string, options: Partial<DraftroomClientOptions> = {}): DraftroomClient {
  return new DraftroomClient({ url, token, webSocketImpl: WebSocket, reconnect: { minDelayMs: 50, maxDelayMs: 500 }, ...options });
}

/** The server's text of a paragraph, twice: from its Y.Doc (`documentState`) and as `Paragraph.text`. */
export async function serverText(client: DraftroomClient, declarationId: string, paragraphId: string) {
  const { documentState } = await client.request(DocumentStateDocument, { declarationId });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, fromBase64(documentState.update));
  const { paragraph } = await client.request(ParagraphDocument, { id: paragraphId });
  const fromDoc = doc.getText(paragraphId).toString();
  doc.destroy();
  return { doc: fromDoc, paragraph: paragraph?.text ?? null, seq: documentState.seq };
}

/** A pause that lets the event loop run (remote updates arrive between keystrokes). */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Types `count` keystrokes into `text`, each its own transaction, as an
 * editor binding does: mostly insertions of one character of `alphabet` at a
 * random position, sometimes the deletion of one character this typist typed
 * (never someone else's, so no character is deleted twice and the final
 * length is known). Returns what was inserted and deleted.
 */
export async function typeRandomly(
  text: Y.Text,
  options: { alphabet: string; count: number; random: () => number; deleteRatio?: number; maxPauseMs?: number },
): Promise<{ inserted: number; deleted: number }> {
  const { alphabet, count, random, deleteRatio = 0.2, maxPauseMs = 2 } = options;
  let inserted = 0;
  let deleted = 0;
  for (let i = 0; i < count; i++) {
    const current = text.toString();
    const own = [...current].flatMap((ch, index) => (alphabet.includes(ch) ? [index] : []));
    if (own.length > 0 && random() < deleteRatio) {
      text.delete(own[Math.floor(random() * own.length)]!, 1);
      deleted += 1;
    } else {
      text.insert(Math.floor(random() * (current.length + 1)), alphabet[Math.floor(random() * alphabet.length)]!);
      inserted += 1;
    }
    await pause(Math.floor(random() * (maxPauseMs + 1)));
  }
  return { inserted, deleted };
}

/** How many characters of `text` belong to `alphabet`. */
export const countOf = (text: string, alphabet: string) => [...text].filter((ch) => alphabet.includes(ch)).length;

/** One graphql-ws frame a RecordingWebSocket carried. */
export interface Frame {
  direction: 'sent' | 'received';
  message: { type: string; id?: string; payload?: any };
}

/**
 * A `ws` WebSocket class that records every graphql-ws frame in `frames`
 * and counts connection attempts in `attempts` (with `log`: when each
 * socket opened and closed) (pass it as `webSocketImpl`). What the SDK sent and was answered can then
 * be asserted without any hook into it.
 */
export function recordingWebSocket(frames: Frame[], attempts: { count: number; log?: string[] } = { count: 0 }) {
  const started = performance.now();
  const note = (what: string) => attempts.log?.push(`${(performance.now() - started).toFixed(0)} ms ${what}`);
  return class RecordingWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols);
      const n = ++attempts.count;
      note(`socket ${n} opening`);
      this.addEventListener('open', () => note(`socket ${n} open`));
      this.addEventListener('close', (event) => note(`socket ${n} closed ${event.code}`));
      this.addEventListener('message', (event) => frames.push({ direction: 'received', message: JSON.parse(String(event.data)) }));
    }

    override send(data: any, ...rest: any[]): void {
      frames.push({ direction: 'sent', message: JSON.parse(String(data)) });
      (super.send as (...a: any[]) => void)(data, ...rest);
    }
  };
}

/**
 * A TCP relay on 127.0.0.1 for what TcpProxy does not do: `blackHole()`
 * silences the open connections (kept open, nothing relayed either way, as
 * a NAT that forgot them); while `swallowNew` is set, new connections are
 * accepted and silenced the same way (a handshake that is never answered);
 * `retarget(port)` sends new connections to another upstream (a server
 * restarted on another port behind the same address).
 */
export class Relay {
  /** Accept new connections but relay nothing on them (they stay silent for good). */
  swallowNew = false;
  /** Connections swallowed so far. */
  swallowed = 0;
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private readonly silenced: { client: net.Socket; upstream: net.Socket }[] = [];
  private constructor(
    private readonly server: net.Server,
    private upstreamPort: number,
  ) {}

  /** New connections go to `port` from now on (open ones stay where they are). */
  retarget(port: number): void {
    this.upstreamPort = port;
  }

  static async start(upstreamPort: number): Promise<Relay> {
    const server = net.createServer();
    const relay = new Relay(server, upstreamPort);
    server.on('connection', (client) => {
      if (relay.swallowNew) {
        relay.swallowed += 1;
        client.on('error', () => {});
        client.pause();
        relay.silenced.push({ client, upstream: client });
        return;
      }
      const upstream = net.connect(relay.upstreamPort, '127.0.0.1');
      const pair = { client, upstream };
      relay.pairs.add(pair);
      const end = () => {
        relay.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** Every open connection stops carrying bytes, both ways; it stays open. Returns how many were silenced. */
  blackHole(): number {
    const silenced = this.pairs.size;
    for (const { client, upstream } of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
      this.silenced.push({ client, upstream });
    }
    this.pairs.clear();
    return silenced;
  }

  async close(): Promise<void> {
    for (const { client, upstream } of [...this.pairs, ...this.silenced]) {
      client.destroy();
      upstream.destroy();
    }
    this.server.close();
  }
}
