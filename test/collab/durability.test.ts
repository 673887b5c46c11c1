/**
 * An acknowledged update is never lost: the server runs as a child process
 * (`node --import tsx server/src/main.ts`, as in production), ten
 * co-editing clients fire a burst of applyUpdate mutations at it, and the
 * process is killed with SIGKILL the instant the 300th acknowledgement
 * arrives, while the other clients' updates are still in flight. A new
 * process on the same database must hold every acknowledged update, and
 * serve paragraph texts equal to its Yjs document.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addParagraph, addSection, changeLog, createDeclaration } from '../support/factories.js';
import { killServerProcesses, startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { createTestDatabase, dropTestDatabase } from '../support/testServer.js';
import { PARAGRAPH_TEXTS, Replica, sendUpdate, serverDocument } from './collabSupport.js';

const CLIENTS = 10;
const PARAGRAPHS = 5;
/** SIGKILL when this many acknowledgements have arrived. */
const ACKS_BEFORE_KILL = 300;
/** Each client could send this many; the kill comes long before. */
const MAX_PER_CLIENT = 100;

/** The server as deployed (its own process), on the test's database. */
function startInstance(databaseUrl: string, bootstrapToken: string): Promise<ServerProcess> {
  return startServerProcess({ env: { DATABASE_URL: databaseUrl, DRAFTROOM_BOOTSTRAP_TOKEN: bootstrapToken, LOG_LEVEL: 'warn' } });
}

interface Sent {
  client: number;
  update: Uint8Array;
  /** acked: the server answered with a seq; unknown: in flight when the process died. */
  outcome: { acked: number } | 'unknown' | { refused: string };
}

describe('acknowledged updates survive a SIGKILL of the server', () => {
  let databaseUrl: string;
  const bootstrapToken = `durability-${randomBytes(16).toString('hex')}`;
  let declarationId: string;
  let paragraphIds: string[];
  let coFacilitatorToken: string;
  const sent: Sent[] = [];
  let killedWithSignal: string | null = null;
  let restarted: ServerProcess;
  let server: { doc: Y.Doc; seq: number };
  /** The document's seq before the burst. */
  let baseSeq = 0;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    const first = await startInstance(databaseUrl, bootstrapToken);
    const secretariat = first.client(bootstrapToken);
    declarationId = await createDeclaration(secretariat, 'Progress Declaration (durability)');
    const invitation = await secretariat.ok(
      'mutation($d: ID!, $i: InviteParticipantInput!) { inviteParticipant(declarationId: $d, input: $i) { token } }',
      { d: declarationId, i: { name: 'Ambassador Diallo', role: 'CO_FACILITATOR' } },
    );
    coFacilitatorToken = invitation.inviteParticipant.token;
    const coFacilitator = first.client(coFacilitatorToken);
    const section = await addSection(coFacilitator, declarationId, 'Introduction');
    paragraphIds = [];
    for (let i = 0; i < PARAGRAPHS; i++) {
      const paragraph = await addParagraph(coFacilitator, section.id, { text: `Paragraph ${i + 1}.`, afterParagraphId: paragraphIds.at(-1) });
      paragraphIds.push(paragraph.id);
    }

    // Ten editors, two per paragraph, each with its own Y.Doc synced once and
    // then typing blind (one update in flight per editor, so each update is
    // causally ready: it builds on the synced state and the editor's own acked updates).
    const replicas = await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const replica = new Replica(declarationId);
        baseSeq = await replica.sync(coFacilitator);
        return replica;
      }),
    );
    let acked = 0;
    let killed = false;
    const kill = () => {
      if (killed) return;
      killed = true;
      first.process.kill('SIGKILL');
    };
    const died = first.exited().then(() => {
      killedWithSignal = first.process.signalCode;
    });

    await Promise.all(
      replicas.map(async (replica, client) => {
        const http = first.client(coFacilitatorToken);
        const paragraphId = paragraphIds[client % PARAGRAPHS]!;
        for (let k = 0; k < MAX_PER_CLIENT && !killed; k++) {
          const update = replica.edit((doc) => {
            const text = doc.getText(paragraphId);
            // Mostly typing at the end; every fourth update also takes back its last character.
            if (k % 4 === 3) text.delete(text.length - 1, 1);
            text.insert(text.length, ` c${client}w${k}`);
          });
          const record: Sent = { client, update, outcome: 'unknown' };
          sent.push(record);
          try {
            const result = await sendUpdate(http, declarationId, update, `client-${client}`);
            if (result.ok) {
              record.outcome = { acked: result.seq };
              acked += 1;
              if (acked >= ACKS_BEFORE_KILL) kill();
            } else {
              record.outcome = { refused: `${result.code}: ${result.message}` };
              return;
            }
          } catch {
            // The connection died with the process: the outcome is unknown.
            return;
          }
        }
      }),
    );
    kill();
    await died;

    restarted = await startInstance(databaseUrl, bootstrapToken);
    server = await serverDocument(restarted.client(coFacilitatorToken), declarationId);
  }, 180_000);

  afterAll(async () => {
    await killServerProcesses();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  const ackedUpdates = () => sent.flatMap((s) => (typeof s.outcome === 'object' && 'acked' in s.outcome ? [{ ...s, seq: s.outcome.acked }] : []));

  it('killed the first process with SIGKILL after the burst was acknowledged, nothing refused', () => {
    expect(killedWithSignal).toBe('SIGKILL');
    expect(sent.filter((s) => typeof s.outcome === 'object' && 'refused' in s.outcome).map((s) => s.outcome)).toEqual([]);
    expect(ackedUpdates().length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
  });

  it('gave every acknowledged update its own seq', () => {
    const seqs = ackedUpdates().map((a) => a.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(server.seq).toBeGreaterThanOrEqual(Math.max(...seqs));
  });

  it('still holds every acknowledged update after the restart', () => {
    const acked = ackedUpdates();
    // Applying an update the document already holds changes nothing, and Yjs then emits no 'update' event.
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(server.doc));
    let changed = false;
    copy.on('update', () => (changed = true));
    const lost: { client: number; seq: number }[] = [];
    for (const a of acked) {
      changed = false;
      Y.applyUpdate(copy, a.update);
      if (changed) lost.push({ client: a.client, seq: a.seq });
    }
    const unknown = sent.filter((s) => s.outcome === 'unknown');
    let unknownCommitted = 0;
    for (const u of unknown) {
      changed = false;
      Y.applyUpdate(copy, u.update);
      if (!changed) unknownCommitted += 1;
    }
    console.log(
      `durability: updates sent ${sent.length}, acknowledged ${acked.length}, present after restart ${acked.length - lost.length}, ` +
        `lost ${lost.length}; in flight at SIGKILL ${unknown.length} (of which committed anyway ${unknownCommitted}); server seq ${server.seq}`,
    );
    expect(lost).toEqual([]);
    // Nothing else was committed: the log holds the acknowledged updates and those of the in-flight ones that made it.
    expect(server.seq).toBe(baseSeq + acked.length + unknownCommitted);
  });

  it('serves each paragraph text equal to the text of its Yjs document', async () => {
    const data = await restarted.client(coFacilitatorToken).ok(PARAGRAPH_TEXTS, { d: declarationId });
    const texts = Object.fromEntries(data.declaration.paragraphs.map((p: { id: string; text: string }) => [p.id, p.text]));
    expect(Object.keys(texts).sort()).toEqual([...paragraphIds].sort());
    for (const id of paragraphIds) expect(texts[id], `paragraph ${id}`).toBe(server.doc.getText(id).toString());
    // And every editor's words that were acknowledged are in its paragraph's text.
    const acked = ackedUpdates();
    for (let client = 0; client < CLIENTS; client++) {
      const last = acked.filter((a) => a.client === client).length - 1;
      expect(last, `client ${client} had an update acknowledged`).toBeGreaterThanOrEqual(0);
      expect(texts[paragraphIds[client % PARAGRAPHS]!]).toContain(` c${client}w${last}`);
    }
  });

  it('owes no PARAGRAPH_EDITED event after the restart: the last one of each paragraph carries its text', async () => {
    const client = restarted.client(coFacilitatorToken);
    const data = await client.ok(PARAGRAPH_TEXTS, { d: declarationId });
    const events = await changeLog(client, declarationId);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    for (const p of data.declaration.paragraphs as { id: string; text: string }[]) {
      const edits = events.filter((e) => e.kind === 'PARAGRAPH_EDITED' && e.paragraphId === p.id);
      expect(edits.at(-1)?.text, `paragraph ${p.id}`).toBe(p.text);
    }
  });
});
