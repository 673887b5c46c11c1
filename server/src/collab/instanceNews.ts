/**
 * News between server instances over PostgreSQL LISTEN/NOTIFY.
 *
 * The rows carry the data; a notification only says "declaration D's log
 * (doc) or feed (feed) now reaches seq N", and is sent inside the writing
 * transaction, so PostgreSQL delivers it exactly when the rows become
 * visible, and never for a transaction that rolled back. Payloads:
 *
 *     doc <declarationId> <seq>
 *     feed <declarationId> <seq>
 *     presence <json>
 *     revoked <participantId>      (close that participant's sockets)
 *
 * A listener that loses its connection reconnects with backoff and then
 * calls `onReconnect`, which re-reads everything it may have missed: a lost
 * notification costs latency, never data.
 */
import pg from 'pg';
import { CONNECT_TIMEOUT_MS } from '../db/connectTimeout.js';
import type { Logger } from '../logger.js';

export const NOTIFY_CHANNEL = 'draftroom';

export const docNews = (declarationId: string, seq: number) => `doc ${declarationId} ${seq}`;
export const feedNews = (declarationId: string, seq: number) => `feed ${declarationId} ${seq}`;
export const presenceNews = (json: string) => `presence ${json}`;
export const revokedNews = (participantId: string) => `revoked ${participantId}`;

export type News =
  | { kind: 'doc'; declarationId: string; seq: number }
  | { kind: 'feed'; declarationId: string; seq: number }
  | { kind: 'presence'; json: string }
  | { kind: 'revoked'; participantId: string };

/** Parses a payload; null for anything else (ignored). */
export function parseNews(payload: string): News | null {
  const space = payload.indexOf(' ');
  const kind = payload.slice(0, space);
  if (kind === 'presence') return { kind, json: payload.slice(space + 1) };
  if (kind === 'revoked') return { kind, participantId: payload.slice(space + 1) };
  const [, declarationId, seq] = payload.split(' ');
  if ((kind === 'doc' || kind === 'feed') && declarationId && Number.isInteger(Number(seq))) {
    return { kind, declarationId, seq: Number(seq) };
  }
  return null;
}

export interface NewsHandlers {
  onNews(news: News): void;
  /** After a reconnection: re-read whatever may have been missed. */
  onReconnect(): void;
}

export class NewsListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  private connectedOnce = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly handlers: NewsHandlers,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  get connected(): boolean {
    return this.client !== null;
  }

  private async connect(attempt = 0): Promise<void> {
    if (this.stopped) return;
    // Bounded connect: a connection attempt that hangs would stop the retries for good.
    const client = new pg.Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    client.on('notification', (message) => {
      const news = message.payload ? parseNews(message.payload) : null;
      if (news) this.handlers.onNews(news);
    });
    try {
      await client.connect();
      await client.query(`listen ${NOTIFY_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      if (!this.connectedOnce && attempt === 0) throw error;
      this.schedule(attempt + 1);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.connectedOnce) {
      this.log.info('notification listener reconnected');
      this.handlers.onReconnect();
    }
    this.connectedOnce = true;
  }

  private lost(client: pg.Client, error: Error | null): void {
    if (this.client !== client) return;
    this.client = null;
    if (this.stopped) return;
    this.log.warn({ err: error ?? undefined }, 'notification listener lost its connection');
    client.end().catch(() => undefined);
    this.schedule(0);
  }

  private schedule(attempt: number): void {
    if (this.stopped) return;
    const delay = Math.min(5_000, 100 * 2 ** Math.min(attempt, 6));
    this.retry = setTimeout(() => void this.connect(attempt), delay);
  }
}
