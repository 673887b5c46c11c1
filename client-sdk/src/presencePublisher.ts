/**
 * Where this session's cursor is, told to the server (`updatePresence` over
 * the WebSocket). A binding moves the cursor at every keystroke; sending
 * each move would spend the token's request budget on positions already
 * stale, so one announcement is in flight at a time and the latest one
 * waiting replaces the others. The last one is remembered and sent again
 * after every reconnect (the server forgot the old connection's).
 */
import { DraftroomError } from './errors.js';
import { UpdatePresenceDocument } from './generated/graphql.js';
import type { Announcement } from './presence.js';
import type { Transport } from './transport.js';

export class PresencePublisher {
  private latest: Announcement | null = null;
  private waiting = false;
  private sending: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly transport: Transport,
    private readonly declarationId: string,
  ) {}

  /**
   * Announces `announcement` (or a later one, if another comes meanwhile).
   * Resolves once sent, or at once while offline (it goes out on
   * reconnect); rejects when the server refuses it (BAD_USER_INPUT...).
   */
  announce(announcement: Announcement): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.latest = announcement;
    this.waiting = true;
    this.sending ??= this.sendWaiting();
    return this.sending;
  }

  /** After a reconnect: the last announcement again, if any (best effort). */
  async reannounce(): Promise<void> {
    if (this.latest) await this.announce(this.latest).catch(() => {});
  }

  stop(): void {
    this.stopped = true;
  }

  private async sendWaiting(): Promise<void> {
    await null; // `sending` is set before the `finally` below can clear it
    try {
      while (this.waiting && !this.stopped && this.latest) {
        this.waiting = false;
        try {
          await this.transport.execute(UpdatePresenceDocument, { declarationId: this.declarationId, ...this.latest });
        } catch (error) {
          if (!(error instanceof DraftroomError) || !error.retryable) throw error;
          return; // offline: reannounce() sends it when the session is back
        }
      }
    } finally {
      // In the same turn as the loop's last check: an announcement made
      // after it starts a new loop rather than joining this finished one.
      this.sending = null;
    }
  }
}
