/**
 * EditCoalescer.flushAll: "every owed event is written" once it resolves,
 * including a write a quiet-period timer already started. The writer is the
 * coalescer's own seam (app.ts hands it drafting/paragraphEdits.ts); here it
 * records what it is asked and finishes when the test says, so the moment a
 * write is in flight is a fact of the test, not a race.
 */
import { describe, expect, it } from 'vitest';
import { EditCoalescer, type EditCoalescerDeps } from './editCoalescer.js';

/** A writer whose writes finish only when `finish()` is called. */
function heldWriter() {
  const calls: { declarationId: string; paragraphs: string[] }[] = [];
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const writeEdits: EditCoalescerDeps['writeEdits'] = async (declarationId, paragraphs) => {
    calls.push({ declarationId, paragraphs: [...paragraphs.keys()] });
    await held;
  };
  return { calls, writeEdits, finish: () => release() };
}

/** Lets every pending callback and promise reaction run (no timing involved). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const deps = (writeEdits: EditCoalescerDeps['writeEdits']): EditCoalescerDeps => ({
  fork: () => {
    throw new Error('flushAll does not read the database');
  },
  log: { warn: () => {}, error: () => {} },
  writeEdits,
});

describe('EditCoalescer.flushAll', () => {
  it('waits for a write the quiet-period timer already started', async () => {
    const writer = heldWriter();
    const coalescer = new EditCoalescer(deps(writer.writeEdits), 0, 0);
    coalescer.textCommitted({ declarationId: 'd1', paragraphs: new Map([['p1', 3]]), actorId: 'a1' });
    // The timer fires and its flush starts writing p1 (and takes it out of what is owed).
    while (writer.calls.length === 0) await settle();
    expect(writer.calls).toEqual([{ declarationId: 'd1', paragraphs: ['p1'] }]);

    let flushed = false;
    const flushing = coalescer.flushAll().then(() => (flushed = true));
    await settle();
    await settle();
    expect(flushed, 'flushAll resolved while the event was still being written').toBe(false);
    writer.finish();
    await flushing;
    expect(writer.calls, 'the event is written once').toHaveLength(1);
    coalescer.stop();
  });

  it('writes what is owed at once, without waiting for the quiet period', async () => {
    const calls: string[][] = [];
    const coalescer = new EditCoalescer(deps(async (_d, paragraphs) => void calls.push([...paragraphs.keys()])), 3_600_000, 3_600_000);
    coalescer.textCommitted({ declarationId: 'd1', paragraphs: new Map([['p1', 3], ['p2', 3]]), actorId: 'a1' });
    await coalescer.flushAll();
    expect(calls).toEqual([['p1', 'p2']]);
    coalescer.stop();
  });
});
