/**
 * A real editing session, replayed through the API: the automerge-paper
 * trace (259,778 single-character edits by a real author) typed into one
 * paragraph through applyUpdate, in batches of 300 keystrokes as an editor
 * would flush them, one update in flight at a time. The server must end
 * with exactly the author's final text, keep it across restarts, and, once
 * compacted, store it in space proportional to the document rather than to
 * the keystrokes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addParagraph, addSection, createDeclaration, invite } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { Replica, sendUpdate, serverDocument } from './collabSupport.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TRACE_FILE = path.join(ROOT, 'data/editing-traces/automerge-paper.json.gz');
const PATCHES_PER_UPDATE = 300;
/** The final text is 104,852 characters: above the default limit of 100,000. */
const LIMITS = { paragraphChars: 200_000 };
/**
 * The background compactor stays out of the way (it would fold all but its
 * tail, and hold the compaction lock when the test compacts): the test
 * compacts itself, and knows what was in the log when it did.
 */
const NO_BACKGROUND_COMPACTION = { intervalMs: 24 * 60 * 60 * 1000 };

type Patch = [position: number, deleted: number, inserted: string];
interface Trace {
  endContent: string;
  txns: { patches: Patch[] }[];
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

describe('replaying the automerge-paper editing trace into one paragraph', () => {
  let server: TestServer | null = null;
  let databaseUrl: string;
  let bootstrapToken: string;
  let coFacilitatorToken: string;
  let declarationId: string;
  let paragraphId: string;
  let trace: Trace;
  const replay = { patches: 0, updates: 0, bytesSent: 0, ms: 0, replicaText: '' };

  async function restart(): Promise<TestServer> {
    await server?.stop();
    server = null;
    server = await startServer({ databaseUrl, bootstrapToken, limits: LIMITS, compaction: NO_BACKGROUND_COMPACTION });
    return server;
  }

  /** What the server holds: its document's text, the paragraph's text, and the encoded document. */
  async function served(on: TestServer) {
    const client = on.client(coFacilitatorToken);
    const state = await serverDocument(client, declarationId);
    const { paragraph } = await client.ok('query($p: ID!) { paragraph(id: $p) { text } }', { p: paragraphId });
    return { docText: state.doc.getText(paragraphId).toString(), paragraphText: paragraph.text as string, encoded: state.encoded, seq: state.seq };
  }

  /** Bytes the declaration's document takes in PostgreSQL: snapshot plus update log. */
  async function storedBytes(): Promise<{ snapshot: number; log: number; rows: number }> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const snapshot = await client.query<{ bytes: string }>(
        'select coalesce(sum(octet_length(state)), 0) as bytes from doc_snapshot where declaration_id = $1',
        [declarationId],
      );
      const log = await client.query<{ bytes: string; rows: string }>(
        'select coalesce(sum(octet_length("update")), 0) as bytes, count(*) as rows from doc_update where declaration_id = $1',
        [declarationId],
      );
      return { snapshot: Number(snapshot.rows[0]!.bytes), log: Number(log.rows[0]!.bytes), rows: Number(log.rows[0]!.rows) };
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    trace = JSON.parse(gunzipSync(readFileSync(TRACE_FILE)).toString('utf8')) as Trace;
    server = await startServer({ limits: LIMITS, compaction: NO_BACKGROUND_COMPACTION });
    databaseUrl = server.databaseUrl;
    bootstrapToken = server.bootstrapToken;
    declarationId = await createDeclaration(server.client(), 'Progress Declaration (trace replay)');
    const coFacilitator = await invite(server, declarationId, 'CO_FACILITATOR', 'Ambassador Kleppmann');
    coFacilitatorToken = coFacilitator.token;
    const section = await addSection(coFacilitator.client, declarationId, 'Introduction');
    paragraphId = (await addParagraph(coFacilitator.client, section.id)).id;

    const replica = new Replica(declarationId);
    await replica.sync(coFacilitator.client);
    const patches = trace.txns.flatMap((txn) => txn.patches);
    const started = performance.now();
    for (let i = 0; i < patches.length; i += PATCHES_PER_UPDATE) {
      const batch = patches.slice(i, i + PATCHES_PER_UPDATE);
      const update = replica.edit((doc) => {
        const text = doc.getText(paragraphId);
        for (const [position, deleted, inserted] of batch) {
          if (deleted > 0) text.delete(position, deleted);
          if (inserted) text.insert(position, inserted);
        }
      });
      const result = await sendUpdate(coFacilitator.client, declarationId, update, 'automerge-paper');
      if (!result.ok) throw new Error(`update ${replay.updates} (patches ${i}..) was refused: ${result.code} ${result.message}`);
      replay.updates += 1;
      replay.bytesSent += update.length;
    }
    replay.ms = performance.now() - started;
    replay.patches = patches.length;
    replay.replicaText = replica.text(paragraphId);
  }, 120_000);

  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it('replayed every keystroke of the trace, and the replica reached its final text', () => {
    expect(replay.patches).toBe(259_778);
    expect(replay.replicaText.length).toBe(104_852);
    expect(replay.replicaText).toBe(trace.endContent);
  });

  it("ends with the author's final text in the server's document and in Paragraph.text", async () => {
    const now = await served(server!);
    expect(now.docText).toBe(trace.endContent);
    expect(now.paragraphText).toBe(trace.endContent);
  });

  it('serves the same text after a restart on the same database', async () => {
    const after = await served(await restart());
    expect(after.docText).toBe(trace.endContent);
    expect(after.paragraphText).toBe(trace.endContent);
  });

  it('stores the document in at most twice its encoded size once compacted, and loads it back after a restart', async () => {
    const { encoded, seq } = await served(server!);
    const before = await storedBytes();
    const result = await server!.app.services.compactor.compact(declarationId, 0);
    const after = await storedBytes();
    console.log(
      `trace replay: ${replay.patches} keystrokes in ${replay.updates} updates (${PATCHES_PER_UPDATE} per update), ` +
        `${(replay.ms / 1000).toFixed(1)} s (${Math.round(replay.patches / (replay.ms / 1000))} keystrokes/s, ${(replay.updates / (replay.ms / 1000)).toFixed(0)} updates/s); ` +
        `sent ${kb(replay.bytesSent)}; stored before compaction ${kb(before.snapshot + before.log)} ` +
        `(snapshot ${kb(before.snapshot)} + ${before.rows} log rows ${kb(before.log)}), after ${kb(after.snapshot + after.log)} ` +
        `(snapshot ${kb(after.snapshot)} + ${after.rows} log rows); encoded state ${kb(encoded.length)}; document seq ${seq}`,
    );
    // Nothing had compacted the log before: this compaction folded every replayed update.
    expect(before.rows, 'log rows before compaction').toBeGreaterThanOrEqual(replay.updates);
    expect(result?.snapshotSeq).toBe(seq);
    expect(result?.foldedUpdates).toBe(before.rows);
    expect(after.rows).toBe(0);
    expect(after.snapshot + after.log).toBeLessThanOrEqual(2 * encoded.length);

    const reloaded = await served(await restart());
    expect(reloaded.docText).toBe(trace.endContent);
    expect(reloaded.paragraphText).toBe(trace.endContent);
    expect(reloaded.seq).toBe(seq);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, reloaded.encoded);
    expect(doc.getText(paragraphId).toString()).toBe(trace.endContent);
  });
});
