/**
 * Real editing traces (josephg/editing-traces, CC BY 4.0) kept in the
 * repository's `data/editing-traces/` (its README has the licence):
 * `{ endContent, txns: [{ patches: [[pos, del, ins]] }] }`.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import * as Y from 'yjs';

export type Patch = [position: number, deleted: number, inserted: string];

export interface EditingTrace {
  startContent: string;
  endContent: string;
  txns: { patches: Patch[] }[];
}

/** The trace the replay and cold-load scenarios use unless given another (--trace, BENCH_TRACE). */
export function defaultTracePath(repoRoot: string): string {
  return path.join(repoRoot, 'data', 'editing-traces', 'automerge-paper.json.gz');
}

export function loadTrace(file: string): EditingTrace {
  const json = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8')) as Partial<EditingTrace>;
  if (!Array.isArray(json.txns) || typeof json.endContent !== 'string') throw new Error(`${file} is not an editing trace`);
  return { startContent: json.startContent ?? '', endContent: json.endContent, txns: json.txns };
}

export function applyPatches(text: Y.Text, patches: Patch[]): void {
  for (const [position, deleted, inserted] of patches) {
    if (deleted > 0) text.delete(position, deleted);
    if (inserted) text.insert(position, inserted);
  }
}

/** The text after the first `count` transactions, computed on plain strings (the expected result). */
export function textAfter(trace: EditingTrace, count: number): string {
  if (count >= trace.txns.length) return trace.endContent;
  const chars: string[] = [...trace.startContent];
  for (let i = 0; i < count; i++) {
    for (const [position, deleted, inserted] of trace.txns[i]!.patches) chars.splice(position, deleted, ...inserted);
  }
  return chars.join('');
}

/**
 * Applies the first `count` transactions of the trace to a fresh Y.Doc (after
 * `initial`, the server's state, when given), `batch`
 * transactions per Yjs transaction, and returns the encoded update of each
 * Yjs transaction (when `collect`) and the document.
 */
export function replayIntoDoc(
  trace: EditingTrace,
  textName: string,
  options: { count: number; batch: number; collect: boolean; initial?: Uint8Array },
): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  if (options.initial) Y.applyUpdate(doc, options.initial);
  const text = doc.getText(textName);
  const updates: Uint8Array[] = [];
  if (options.collect) doc.on('update', (update: Uint8Array) => updates.push(update));
  if (trace.startContent) text.insert(0, trace.startContent);
  const count = Math.min(options.count, trace.txns.length);
  for (let start = 0; start < count; start += options.batch) {
    const end = Math.min(count, start + options.batch);
    doc.transact(() => {
      for (let i = start; i < end; i++) applyPatches(text, trace.txns[i]!.patches);
    });
  }
  return { doc, updates };
}
