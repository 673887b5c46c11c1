/**
 * What must hold after every fuzz run, whatever the operations were:
 *
 *   1. the change feed catches up with the text: once the coalesced
 *      PARAGRAPH_EDITED events are written, each paragraph's last event
 *      carrying text carries its current text;
 *   2. the change log is gapless, seq 1..N, and the observer's `changes`
 *      subscription (open since seq 0) delivered exactly it;
 *   3. `Paragraph.text` is the text of `doc.getText(paragraphId)` in
 *      `documentState`, for every paragraph; the document holds nothing but
 *      plain text in roots named by this declaration's paragraphs;
 *   4. the observer's `documentUpdates` replica converged on the server's
 *      document (texts and state vector);
 *   5. the log tallies the operations: one SECTION_ADDED per section added,
 *      one COMMENT_ADDED per comment, ... and nothing for a refusal;
 *   6. the other declaration is as it was (structure, text, amendments);
 *   7. (sampled) a second server started on the same database serves the
 *      same document and the same declaration.
 */
import * as Y from 'yjs';
import type { GraphQLTestClient } from '../support/client.js';
import { changeLog } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { fromBase64, REMOTE, toBase64 } from '../support/yjsClient.js';
import { DOCUMENT_STATE, type Elsewhere, type World } from './world.js';

const TEXT_KINDS = new Set(['PARAGRAPH_ADDED', 'PARAGRAPH_EDITED', 'AMENDMENT_ACCEPTED']);

/** The whole declaration as a client can read it: what a reload must give back identically. */
export const EVERYTHING = `query($d: ID!) { declaration(id: $d) {
  id title forum status silenceDeadline createdAt updatedAt
  participants { id name role delegation }
  sections { id title position paragraphs { id } }
  paragraphs {
    id number label text status objectives updatedAt section { id }
    comments { id body resolved createdAt editedAt author { id } anchor { start end quote orphaned } replyTo { id } replies { id body resolved } }
    amendments { id text rationale status decisionReason createdAt decidedAt proposer { id } anchor { start end quote orphaned } supporters { id } opponents { id } }
  }
  revisions { id name sequence publishedAt publishedBy { id } paragraphs { paragraphId sectionTitle label number text status } diff { paragraphId label change hunks { op text } } }
  explanationsOfPosition { id delegation text createdAt author { id } }
} }`;

const PARAGRAPHS = 'query($d: ID!) { declaration(id: $d) { status paragraphs { id text status } } }';

interface ServerDocument {
  seq: number;
  stateVector: string;
  texts: Record<string, string>;
  doc: Y.Doc;
}

async function serverDocument(client: GraphQLTestClient, declarationId: string): Promise<ServerDocument> {
  const { documentState } = await client.ok(DOCUMENT_STATE, { d: declarationId, sv: null });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, fromBase64(documentState.update), REMOTE);
  const texts = Object.fromEntries([...doc.share.keys()].map((name) => [name, doc.getText(name).toString()]));
  return { seq: documentState.seq, stateVector: documentState.stateVector, texts, doc };
}

function fail(message: string): never {
  throw new Error(`invariant violated after the run: ${message}`);
}

function same(what: string, actual: unknown, expected: unknown): void {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) fail(`${what}: got ${a.slice(0, 3000)}, expected ${b.slice(0, 3000)}`);
}

/** Paragraph.text against the document: same text for every paragraph, nothing in the document but their plain text. */
async function textMatchesDocument(client: GraphQLTestClient, declarationId: string, where: string): Promise<ServerDocument> {
  const { declaration } = await client.ok(PARAGRAPHS, { d: declarationId });
  const document = await serverDocument(client, declarationId);
  const ids = new Set<string>(declaration.paragraphs.map((p: { id: string }) => p.id));
  for (const name of document.doc.share.keys()) {
    if (!ids.has(name)) fail(`${where}: the document has a root ${JSON.stringify(name)} that is no paragraph of the declaration`);
    for (const piece of document.doc.getText(name).toDelta() as { insert: unknown; attributes?: unknown }[]) {
      if (typeof piece.insert !== 'string' || piece.attributes) fail(`${where}: paragraph ${name} holds more than plain text: ${JSON.stringify(piece)}`);
    }
  }
  for (const p of declaration.paragraphs as { id: string; text: string }[]) {
    const inDocument = document.doc.getText(p.id).toString();
    if (p.text !== inDocument) fail(`${where}: Paragraph.text of ${p.id} is ${JSON.stringify(p.text).slice(0, 500)}, the document has ${JSON.stringify(inDocument).slice(0, 500)}`);
  }
  return document;
}

export async function checkInvariants(world: World): Promise<void> {
  const { cast } = world;
  const d = cast.declarationId;
  const admin = cast.secretariat;
  world.checkStreams();

  // 1. The coalesced edit events catch up with the text (bounded wait: the server under test runs short quiet periods).
  const { declaration } = await admin.ok(PARAGRAPHS, { d });
  const current = new Map<string, string>(declaration.paragraphs.map((p: { id: string; text: string }) => [p.id, p.text]));
  let log = await changeLog(admin, d);
  await waitFor('the change feed to carry every paragraph’s current text', async () => {
    log = await changeLog(admin, d);
    const last = new Map<string, string>();
    for (const e of log) if (e.paragraphId && TEXT_KINDS.has(e.kind) && e.text !== null) last.set(e.paragraphId, e.text);
    return [...current].every(([id, text]) => last.get(id) === text);
  }).catch(() => {
    const last = new Map<string, string | null>();
    for (const e of log) if (e.paragraphId && TEXT_KINDS.has(e.kind)) last.set(e.paragraphId, e.text);
    fail(`the change feed's last text per paragraph ${JSON.stringify([...last]).slice(0, 2000)} differs from Paragraph.text ${JSON.stringify([...current]).slice(0, 2000)}`);
  });

  // 2. Gapless, and the live subscription saw exactly the log.
  same('change log seqs', log.map((e) => e.seq), log.map((_, i) => i + 1));
  await waitFor(`the observer's changes subscription to reach seq ${log.length}`, () => {
    world.checkStreams();
    return world.feed.length >= log.length;
  });
  same('the changes subscription', world.feed, log.map((e) => ({ seq: e.seq, kind: e.kind })));

  // 3. Paragraph.text is the document's text.
  const document = await textMatchesDocument(admin, d, 'this server');

  // 4. The observer's replica converged.
  await waitFor(`the observer's documentUpdates replica to reach seq ${document.seq}`, () => {
    world.checkStreams();
    return world.watcherSeq >= document.seq;
  });
  same('the observer replica’s state vector', toBase64(Y.encodeStateVector(world.watcher)), document.stateVector);
  for (const id of current.keys()) same(`the observer replica's text of ${id}`, world.watcher.getText(id).toString(), document.doc.getText(id).toString());

  // The same document under another spelling of its id, where the server takes that spelling at all.
  const upper = await admin.query(DOCUMENT_STATE, { d: d.toUpperCase(), sv: null });
  if (upper.data) {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, fromBase64(upper.data.documentState.update));
    for (const id of current.keys()) same(`documentState under the upper-case id, text of ${id}`, doc.getText(id).toString(), document.doc.getText(id).toString());
    doc.destroy();
  }
  document.doc.destroy();

  // 5. The log tallies the operations that succeeded (and nothing for those refused).
  const count = (kind: string) => log.filter((e) => e.kind === kind).length;
  const ok = (op: string) => world.succeeded.get(op) ?? 0;
  const adopted = declaration.status === 'ADOPTED' ? 1 : 0;
  same(
    'events per kind (left: the log, right: successful operations)',
    {
      SECTION_ADDED: count('SECTION_ADDED'),
      PARAGRAPH_ADDED: count('PARAGRAPH_ADDED'),
      COMMENT_ADDED: count('COMMENT_ADDED'),
      AMENDMENT_PROPOSED: count('AMENDMENT_PROPOSED'),
      AMENDMENT_WITHDRAWN: count('AMENDMENT_WITHDRAWN'),
      AMENDMENT_ACCEPTED: count('AMENDMENT_ACCEPTED'),
      AMENDMENT_REJECTED: count('AMENDMENT_REJECTED'),
      REVISION_PUBLISHED: count('REVISION_PUBLISHED'),
      SILENCE_STARTED: count('SILENCE_STARTED'),
      SILENCE_BROKEN: count('SILENCE_BROKEN'),
      DECLARATION_ADOPTED: count('DECLARATION_ADOPTED'),
      EXPLANATION_ADDED: count('EXPLANATION_ADDED'),
      PARTICIPANT_INVITED: count('PARTICIPANT_INVITED'),
    },
    {
      SECTION_ADDED: ok('setup SECTION_ADDED') + ok('addSection'),
      PARAGRAPH_ADDED: ok('setup PARAGRAPH_ADDED') + ok('addParagraph'),
      COMMENT_ADDED: ok('setup COMMENT_ADDED') + ok('addComment'),
      AMENDMENT_PROPOSED: ok('setup AMENDMENT_PROPOSED') + ok('propose'),
      AMENDMENT_WITHDRAWN: ok('withdraw'),
      AMENDMENT_ACCEPTED: ok('accept'),
      AMENDMENT_REJECTED: ok('reject'),
      REVISION_PUBLISHED: ok('publish') + adopted,
      SILENCE_STARTED: ok('silence'),
      SILENCE_BROKEN: ok('breakSilence'),
      DECLARATION_ADOPTED: adopted,
      EXPLANATION_ADDED: ok('explain'),
      PARTICIPANT_INVITED: 6 + ok('invite'),
    },
  );
  world.checkStreams();
}

/** What of the other declaration no run may change: structure, text, amendments, revisions, document. */
export async function elsewhereSnapshot(admin: GraphQLTestClient, elsewhere: Elsewhere) {
  const { declaration } = await admin.ok(
    `query($d: ID!) { declaration(id: $d) { status sections { id title paragraphs { id label text status objectives amendments { id status text supporters { id } opponents { id } } } } revisions { id } } }`,
    { d: elsewhere.declaration },
  );
  const { documentState } = await admin.ok(DOCUMENT_STATE, { d: elsewhere.declaration, sv: null });
  return { declaration, stateVector: documentState.stateVector, seq: documentState.seq };
}

export async function checkElsewhere(admin: GraphQLTestClient, elsewhere: Elsewhere, before: unknown): Promise<void> {
  same('the other declaration', await elsewhereSnapshot(admin, elsewhere), before);
}

/**
 * A second server on the same database (a cold load: it never held this
 * declaration) serves the same document and the same declaration.
 */
export async function checkReload(server: TestServer, world: World): Promise<void> {
  const d = world.cast.declarationId;
  const admin = world.cast.secretariat;
  const before = await admin.ok(EVERYTHING, { d });
  const document = await serverDocument(admin, d);
  const logBefore = await changeLog(admin, d);
  const second = await startServer({ databaseUrl: server.databaseUrl, bootstrapToken: server.bootstrapToken, editQuietMs: 20, editMaxMs: 200 });
  try {
    const again = second.client(server.bootstrapToken);
    const reloaded = await textMatchesDocument(again, d, 'the reloaded server');
    same('the reloaded document: seq', reloaded.seq, document.seq);
    same('the reloaded document: state vector', reloaded.stateVector, document.stateVector);
    same('the reloaded document: texts', reloaded.texts, document.texts);
    reloaded.doc.destroy();
    same('the reloaded declaration', await again.ok(EVERYTHING, { d }), before);
    same('the reloaded change log', await changeLog(again, d), logBefore);
  } finally {
    document.doc.destroy();
    await second.stop();
  }
}
