/**
 * The outbox's rules, with a scripted server in place of the network (the
 * same rules against the real server are in test/sdk/).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DraftroomError } from '../src/errors.js';
import { Outbox, type OutboxIo } from '../src/outbox.js';

/** A scripted `applyUpdate`: each call takes the next answer (a seq or an error). */
function scripted(answers: (number | DraftroomError)[], extra: Partial<OutboxIo> = {}) {
  const sent: Uint8Array[] = [];
  const io: OutboxIo = {
    apply: async (update) => {
      sent.push(update);
      await new Promise((r) => setTimeout(r, 1));
      const answer = answers.shift();
      if (answer === undefined) throw new Error('the script ran out of answers');
      if (answer instanceof DraftroomError) throw answer;
      return answer;
    },
    resync: async () => new Uint8Array([0]),
    missingFrom: () => new Uint8Array([9, 9]),
    onFailed: () => {},
    ...extra,
  };
  return { io, sent };
}

const fast = { minDelayMs: 1, maxDelayMs: 2 };
const network = () => DraftroomError.network('cut');

/** Real Yjs updates: typing `text` into a fresh doc, one update per character. */
function keystrokes(text: string): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (const ch of text) doc.getText('p').insert(doc.getText('p').length, ch);
  return updates;
}

function textOf(updates: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const u of updates) Y.applyUpdate(doc, u);
  return doc.getText('p').toString();
}

describe('the outbox', () => {
  it('keeps one update in flight and merges what piles up meanwhile', async () => {
    const { io, sent } = scripted([1, 2]);
    const outbox = new Outbox(io, fast);
    for (const u of keystrokes('abc')) outbox.push(u);
    expect(await outbox.flushed()).toBe(2);
    expect(sent).toHaveLength(2); // 'a' alone, then 'b' and 'c' merged
    expect(textOf(sent)).toBe('abc');
  });

  it('resends after network failures, with the edits made meanwhile, until acknowledged', async () => {
    const { io, sent } = scripted([network(), network(), 7]);
    const outbox = new Outbox(io, fast);
    const [a, b, c] = keystrokes('abc');
    outbox.push(a!);
    const flushed = outbox.flushed();
    outbox.push(b!);
    outbox.push(c!);
    expect(await flushed).toBe(7);
    expect(outbox.unacknowledged).toBe(0);
    expect(textOf([sent.at(-1)!])).toBe('abc'); // the last attempt carried everything
  });

  it('resolves flushed() for what was queued before the call, while later edits are still going', async () => {
    const { io } = scripted([3, network(), 4]);
    const outbox = new Outbox(io, fast);
    const [a, b] = keystrokes('ab');
    outbox.push(a!);
    const first = outbox.flushed();
    outbox.push(b!); // queued behind the one in flight, then meets a network failure
    expect(await first).toBe(3);
    expect(outbox.unacknowledged).toBe(1);
    expect(await outbox.flushed()).toBe(4);
  });

  it('resyncs on CONFLICT (missing dependencies) and sends what the server lacks', async () => {
    const missing = new DraftroomError('CONFLICT', 'resync', { reason: 'MISSING_DEPENDENCIES' });
    let resyncs = 0;
    const { io, sent } = scripted([missing, 5], { resync: async () => (resyncs++, new Uint8Array([0])) });
    const outbox = new Outbox(io, fast);
    outbox.push(keystrokes('a')[0]!);
    expect(await outbox.flushed()).toBe(5);
    expect(resyncs).toBe(1);
    expect([...sent[1]!]).toEqual([9, 9]);
  });

  it('stops for good on a refusal, and flushed() rejects with it', async () => {
    const forbidden = new DraftroomError('FORBIDDEN', 'observers do not edit');
    const failures: DraftroomError[] = [];
    const { io, sent } = scripted([forbidden], { onFailed: (e) => failures.push(e) });
    const outbox = new Outbox(io, fast);
    outbox.push(keystrokes('a')[0]!);
    await expect(outbox.flushed()).rejects.toBe(forbidden);
    outbox.push(keystrokes('b')[0]!);
    await expect(outbox.flushed()).rejects.toBe(forbidden);
    expect(sent).toHaveLength(1);
    expect(failures).toEqual([forbidden]);
  });

  it('treats a CONFLICT of a frozen text as final, not as a reason to resync', async () => {
    const frozen = new DraftroomError('CONFLICT', 'the declaration is in SILENCE_PROCEDURE: its text is frozen');
    let resyncs = 0;
    const { io } = scripted([frozen], { resync: async () => (resyncs++, new Uint8Array([0])) });
    const outbox = new Outbox(io, fast);
    outbox.push(keystrokes('a')[0]!);
    await expect(outbox.flushed()).rejects.toBe(frozen);
    expect(resyncs).toBe(0);
  });

  it('gives up after repeated CONFLICTs that resyncing does not cure', async () => {
    const missing = () => new DraftroomError('CONFLICT', 'resync', { reason: 'MISSING_DEPENDENCIES' });
    const { io, sent } = scripted([missing(), missing(), missing(), missing(), missing(), missing()]);
    const outbox = new Outbox(io, fast);
    outbox.push(keystrokes('a')[0]!);
    await expect(outbox.flushed()).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(sent).toHaveLength(6);
  });

  it('waits retryAfterMs on a rate limit, then sends again', async () => {
    const limited = new DraftroomError('BAD_USER_INPUT', 'too many updates', { limit: 'updatesPerSecond', retryAfterMs: 5 });
    const { io, sent } = scripted([limited, 8]);
    const outbox = new Outbox(io, fast);
    outbox.push(keystrokes('a')[0]!);
    expect(await outbox.flushed()).toBe(8);
    expect(sent).toHaveLength(2);
  });

  it('never merges more than maxBatchBytes into one update, and keeps the order', async () => {
    const { io, sent } = scripted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const outbox = new Outbox(io, { ...fast, maxBatchBytes: 100 });
    const updates = keystrokes('the quick brown fox');
    for (const u of updates) outbox.push(u);
    await outbox.flushed();
    expect(sent.length).toBeGreaterThan(2);
    for (const update of sent.slice(1)) expect(update.length).toBeLessThanOrEqual(100);
    expect(textOf(sent)).toBe('the quick brown fox');
  });

  it('sends a batch refused as too large again in smaller batches', async () => {
    const tooLarge = new DraftroomError('BAD_USER_INPUT', 'the update is too large', { limit: 'updateBytes', maxBytes: 40 });
    const { io, sent } = scripted([1, tooLarge, 2, 3, 4, 5, 6, 7, 8]);
    const outbox = new Outbox(io, fast);
    const updates = keystrokes('abcd');
    outbox.push(updates[0]!);
    for (const u of updates.slice(1)) outbox.push(u); // merged into the second batch, which is refused
    await outbox.flushed();
    expect(sent.length).toBeGreaterThan(3); // 'a', the refused 'bcd', then 'bcd' in smaller batches
    expect(sent.slice(2).every((u) => u.length < sent[1]!.length)).toBe(true);
    expect(textOf(sent.slice(0, 1).concat(sent.slice(2)))).toBe('abcd');
  });

  it('rejects pending flushed() calls when closed', async () => {
    const { io } = scripted([network(), network(), network()]);
    const outbox = new Outbox(io, { minDelayMs: 1000, maxDelayMs: 1000 });
    outbox.push(keystrokes('a')[0]!);
    const flushed = outbox.flushed();
    outbox.close();
    await expect(flushed).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
  });
});
