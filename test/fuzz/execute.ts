/**
 * Runs one operation record against the world: resolves its refs and
 * texts, sends it as its actor (the transport checks every answer), and
 * keeps the pools up to date with whatever it created.
 *
 * A few operations carry checks of their own, where the record says what
 * must have happened: Yjs updates (see updates.ts), and a diff, which must
 * rebuild the text of the revision it belongs to.
 */
import * as Y from 'yjs';
import type { Result } from '../support/client.js';
import { waitFor } from '../support/waitFor.js';
import { toBase64 } from '../support/yjsClient.js';
import {
  ACCEPT,
  ADOPT,
  BREAK_SILENCE,
  EXPLAIN,
  MOVE,
  OPPOSE,
  PROPOSE,
  PUBLISH,
  REJECT,
  REVISION,
  SET_STATUS,
  START_SILENCE,
  SUPPORT,
  WITHDRAW,
  rebuild,
  type ParagraphDiff,
} from '../negotiation/negotiation.js';
import { textOf, type Offset, type Ref } from './inputs.js';
import type { Anchor, Edit, Op } from './operations.js';
import { hostileUpdate, readyUnlessDiverged, sendUpdate } from './updates.js';
import { DOCUMENT_STATE, type World } from './world.js';

const ADD_SECTION = 'mutation($d: ID!, $i: AddSectionInput!) { addSection(declarationId: $d, input: $i) { id title position } }';
const ADD_PARAGRAPH = 'mutation($s: ID!, $i: AddParagraphInput!) { addParagraph(sectionId: $s, input: $i) { id label number text status objectives } }';
const SET_OBJECTIVES = 'mutation($p: ID!, $o: [Int!]!) { setParagraphObjectives(paragraphId: $p, objectives: $o) { id objectives } }';
const EDIT_COMMENT = 'mutation($c: ID!, $b: String!) { editComment(commentId: $c, body: $b) { id body editedAt } }';
const RESOLVE_COMMENT = 'mutation($c: ID!) { resolveComment(commentId: $c) { id resolved } }';
const REOPEN_COMMENT = 'mutation($c: ID!) { reopenComment(commentId: $c) { id resolved } }';
const COMMENT = 'mutation($p: ID!, $i: AddCommentInput!) { addComment(paragraphId: $p, input: $i) { id body anchor { start end quote orphaned } replyTo { id } } }';
const DIFF = 'query($r: ID!, $a: ID) { revision(id: $r) { id sequence diff(against: $a) { paragraphId label change hunks { op text } } } }';
const REVISIONS = 'query($d: ID!) { declaration(id: $d) { status revisions { id } } }';
const EXPORT = 'query($d: ID!, $f: ExportFormat!, $r: ID) { export(declarationId: $d, format: $f, revisionId: $r) }';
const INVITE = 'mutation($d: ID!, $i: InviteParticipantInput!) { inviteParticipant(declarationId: $d, input: $i) { participant { id role } } }';
const PRESENCE = 'mutation($d: ID!, $p: ID, $c: Base64) { updatePresence(declarationId: $d, paragraphId: $p, cursor: $c) }';
const READS = {
  declaration:
    'query($id: ID!) { declaration(id: $id) { id status sections { id paragraphs { id label number text status comments { id anchor { start end orphaned } replies { id } } amendments { id status anchor { start end orphaned } } } } revisions { id name } explanationsOfPosition { id } } }',
  paragraph: 'query($id: ID!) { paragraph(id: $id) { id label number text status section { id } comments(includeResolved: false) { id } amendments(status: PENDING) { id } } }',
  revision: 'query($id: ID!) { revision(id: $id) { id name sequence paragraphs { paragraphId label number text status } } }',
  participants: 'query($id: ID!) { declaration(id: $id) { participants { id name role delegation } } }',
  declarations: '{ declarations { id title } }',
  viewer: '{ viewer { id name role delegation } }',
};
const EXPORT_ROUTES: Record<string, string> = {
  MARKDOWN: 'export.md',
  HTML: 'export.html',
  AKOMA_NTOSO: 'export.xml',
  COMPILATION: 'export.compilation.md',
  PDF: 'export.pdf',
};
/** How long a "soon" silence deadline is: short, and the run waits for the adoption it brings. */
const SOON_MS = 300;

/** Offsets for Yjs edits: inside the text. */
function position(o: Offset, length: number): number {
  if ('raw' in o) return Math.min(Math.max(o.raw, 0), length);
  return Math.min(Math.floor(o.at * (length + 1)), length);
}

/** Offsets for anchors: inside the text, or whatever raw number the record holds. */
function anchorOffset(o: Offset, length: number): number {
  return 'raw' in o ? o.raw : Math.min(Math.floor(o.at * (length + 1)), length);
}

/** The current text of a paragraph as the server has it (null when there is no such paragraph visible). */
async function serverText(world: World, paragraphId: string): Promise<string | null> {
  const result = await world.send('coFacilitator', 'http', 'query($p: ID!) { paragraph(id: $p) { text } }', { p: paragraphId });
  return result.data?.paragraph?.text ?? null;
}

async function anchorInput(world: World, paragraphId: string, anchor: Anchor | null) {
  if (!anchor) return null;
  const length = (await serverText(world, paragraphId))?.length ?? 0;
  const a = anchorOffset(anchor.start, length);
  const b = anchorOffset(anchor.end, length);
  return 'raw' in anchor.start || 'raw' in anchor.end ? { start: a, end: b } : { start: Math.min(a, b), end: Math.max(a, b) };
}

/** Applies the edits to a replica's doc; returns the refs of the paragraphs they changed. */
function applyEdits(doc: Y.Doc, world: World, edits: Edit[]): Ref[] {
  const touched: Ref[] = [];
  for (const e of edits) {
    const text = doc.getText(world.resolve('paragraph', e.paragraph));
    const at = position(e.at, text.length);
    const remove = Math.min(e.remove, text.length - at);
    if (remove > 0) text.delete(at, remove);
    const insert = textOf(e.insert);
    if (insert) text.insert(at, insert);
    if (remove > 0 || insert) touched.push(e.paragraph);
  }
  return touched;
}

export async function execute(world: World, op: Op): Promise<void> {
  const d = (r: Op & { declaration: unknown }) => world.resolve('declaration', r.declaration as never);
  switch (op.op) {
    case 'addSection': {
      const r = await world.send(op.actor, op.via, ADD_SECTION, {
        d: d(op),
        i: { title: textOf(op.title), afterSectionId: world.resolveOptional('section', op.after) },
      });
      if (world.outcome(op.op, r, op.actor, [op.declaration, op.after])) world.pools.section.push(r.data.addSection.id);
      return;
    }
    case 'addParagraph': {
      const input = {
        afterParagraphId: world.resolveOptional('paragraph', op.after),
        text: op.text === null ? null : textOf(op.text),
        objectives: op.objectives,
      };
      const r = await world.send(op.actor, op.via, ADD_PARAGRAPH, { s: world.resolve('section', op.section), i: input });
      if (world.outcome(op.op, r, op.actor, [op.section, op.after])) {
        world.pools.paragraph.push(r.data.addParagraph.id);
        if (r.data.addParagraph.text !== (input.text ?? '')) {
          world.violation(`addParagraph answered text ${JSON.stringify(r.data.addParagraph.text).slice(0, 200)} for ${JSON.stringify(input.text).slice(0, 200)}`);
        }
      }
      return;
    }
    case 'moveParagraph': {
      const r = await world.send(op.actor, op.via, MOVE, {
        p: world.resolve('paragraph', op.paragraph),
        i: { sectionId: world.resolve('section', op.section), afterParagraphId: world.resolveOptional('paragraph', op.after) },
      });
      world.outcome(op.op, r, op.actor, [op.paragraph, op.section, op.after]);
      return;
    }
    case 'setStatus': {
      const r = await world.send(op.actor, op.via, SET_STATUS, { p: world.resolve('paragraph', op.paragraph), s: op.status });
      world.outcome(op.op, r, op.actor, [op.paragraph]);
      return;
    }
    case 'setObjectives': {
      const r = await world.send(op.actor, op.via, SET_OBJECTIVES, { p: world.resolve('paragraph', op.paragraph), o: op.objectives });
      world.outcome(op.op, r, op.actor, [op.paragraph]);
      return;
    }
    case 'edit': {
      const replica = world.replicas[op.replica];
      if (op.sync) await world.syncReplica(op.replica);
      let touched: Ref[] = [];
      const update = replica.edit((doc) => (touched = applyEdits(doc, world, op.edits)));
      if (!update) return void world.stats.count(op.op, 'no change');
      const diverged = replica.diverged;
      const r = await sendUpdate(world, replica.actor, op.via, update, `replica-${op.replica}`);
      if (world.outcome(op.op, r, replica.actor, touched)) return void world.acknowledged.push(update);
      readyUnlessDiverged(world, r, diverged, update);
      if (op.onRefusal === 'resync' || r.errors?.[0]?.extensions?.code === 'CONFLICT') {
        replica.reset();
        await world.syncReplica(op.replica);
      } else replica.diverged = true;
      return;
    }
    case 'concurrentEdits': {
      await Promise.all([world.syncReplica(0), world.syncReplica(1)]);
      const diverged = world.replicas.map((r) => r.diverged);
      const touched: Ref[][] = [[], []];
      const updates = [
        world.replicas[0].edit((doc) => (touched[0] = applyEdits(doc, world, op.first))),
        world.replicas[1].edit((doc) => (touched[1] = applyEdits(doc, world, op.second))),
      ];
      const results = await Promise.all(
        updates.map((update, i) => (update ? sendUpdate(world, world.replicas[i]!.actor, i === 0 ? 'http' : 'ws', update, `replica-${i}`) : null)),
      );
      for (const [i, r] of results.entries()) {
        if (!r) continue;
        if (world.outcome(op.op, r, world.replicas[i]!.actor, touched[i])) world.acknowledged.push(updates[i]!);
        else {
          readyUnlessDiverged(world, r, diverged[i]!, updates[i]!);
          world.replicas[i]!.reset();
        }
      }
      await Promise.all([world.syncReplica(0), world.syncReplica(1)]);
      return;
    }
    case 'hostileUpdate':
      return hostileUpdate(world, op);
    case 'addComment': {
      const p = world.resolve('paragraph', op.paragraph);
      const input = { body: textOf(op.body), anchor: await anchorInput(world, p, op.anchor), replyTo: world.resolveOptional('comment', op.replyTo) };
      const r = await world.send(op.actor, op.via, COMMENT, { p, i: input });
      if (world.outcome(op.op, r, op.actor, [op.paragraph, op.replyTo])) world.pools.comment.push(r.data.addComment.id);
      return;
    }
    case 'editComment': {
      const r = await world.send(op.actor, op.via, EDIT_COMMENT, { c: world.resolve('comment', op.comment), b: textOf(op.body) });
      world.outcome(op.op, r, op.actor, [op.comment]);
      return;
    }
    case 'resolveComment': {
      const r = await world.send(op.actor, op.via, op.reopen ? REOPEN_COMMENT : RESOLVE_COMMENT, { c: world.resolve('comment', op.comment) });
      world.outcome(op.reopen ? 'reopenComment' : 'resolveComment', r, op.actor, [op.comment]);
      return;
    }
    case 'propose': {
      const p = world.resolve('paragraph', op.paragraph);
      const input = { anchor: await anchorInput(world, p, op.anchor), text: textOf(op.text), rationale: op.rationale === null ? null : textOf(op.rationale) };
      const r = await world.send(op.actor, op.via, PROPOSE, { p, i: input });
      if (world.outcome(op.op, r, op.actor, [op.paragraph])) world.pools.amendment.push(r.data.proposeAmendment.id);
      return;
    }
    case 'amendment': {
      const a = world.resolve('amendment', op.amendment);
      const query = { support: SUPPORT, oppose: OPPOSE, withdraw: WITHDRAW, accept: ACCEPT, reject: REJECT }[op.action];
      const variables = op.action === 'reject' ? { a, r: op.reason === null ? null : textOf(op.reason) } : { a };
      const r = await world.send(op.actor, op.via, query, variables);
      world.outcome(op.action, r, op.actor, [op.amendment]);
      return;
    }
    case 'publish': {
      const r = await world.send(op.actor, op.via, PUBLISH, { d: d(op), n: op.name === null ? null : textOf(op.name) });
      if (world.outcome(op.op, r, op.actor, [op.declaration])) world.pools.revision.push(r.data.publishRevision.id);
      return;
    }
    case 'diff':
      return diff(world, op);
    case 'silence': {
      const deadline =
        typeof op.deadline === 'object'
          ? op.deadline.raw
          : new Date(Date.now() + { soon: SOON_MS, far: 24 * 3_600_000, past: -60_000 }[op.deadline]).toISOString();
      const r = await world.send(op.actor, op.via, START_SILENCE, { d: d(op), t: deadline });
      if (world.outcome(op.op, r, op.actor, [op.declaration]) && op.deadline === 'soon') await untilAdopted(world);
      return;
    }
    case 'breakSilence': {
      const r = await world.send(op.actor, op.via, BREAK_SILENCE, { d: d(op), r: textOf(op.reason) });
      world.outcome(op.op, r, op.actor, [op.declaration]);
      return;
    }
    case 'adopt': {
      const r = await world.send(op.actor, op.via, ADOPT, { d: d(op) });
      world.outcome(op.op, r, op.actor, [op.declaration]);
      return;
    }
    case 'explain': {
      const r = await world.send(op.actor, op.via, EXPLAIN, { d: d(op), t: textOf(op.text) });
      world.outcome(op.op, r, op.actor, [op.declaration]);
      return;
    }
    case 'export': {
      const revisionId = world.resolveOptional('revision', op.revision);
      if (op.via === 'route') return exportRoute(world, op.actor, d(op), op.format, revisionId);
      const r = await world.send(op.actor, op.via, EXPORT, { d: d(op), f: op.format, r: revisionId });
      world.outcome(`export ${op.format}`, r, op.actor, [op.declaration, op.revision]);
      return;
    }
    case 'read':
      return read(world, op);
    case 'presence': {
      const r = await world.send(op.actor, op.via, PRESENCE, {
        d: d(op),
        p: world.resolveOptional('paragraph', op.paragraph),
        c: op.cursor === null ? null : toBase64(new Uint8Array(op.cursor)),
      });
      world.outcome(op.op, r, op.actor, [op.declaration, op.paragraph]);
      return;
    }
    case 'invite': {
      const r = await world.send(op.actor, op.via, INVITE, {
        d: d(op),
        i: { name: textOf(op.name), role: op.role, delegation: op.delegation === null ? null : textOf(op.delegation) },
      });
      world.outcome(op.op, r, op.actor, [op.declaration]);
      return;
    }
    case 'garbageRequest': {
      world.stats.requests += 1;
      const token = world.client(op.actor).token;
      const response = await fetch(world.server.url, {
        method: 'POST',
        headers: { 'content-type': op.contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: op.body,
      });
      const body = await response.text();
      let parsed: { errors?: { extensions?: { code?: string } }[] } = {};
      try {
        parsed = JSON.parse(body);
      } catch {
        // Not JSON: only the status is checked.
      }
      world.checkAnswer(`POST ${JSON.stringify(op.body).slice(0, 80)}`, { status: response.status, errors: parsed.errors });
      world.stats.count(op.op, String(response.status));
      return;
    }
  }
}

async function diff(world: World, op: Extract<Op, { op: 'diff' }>): Promise<void> {
  const r = await world.send(op.actor, op.via, DIFF, { r: world.resolve('revision', op.revision), a: world.resolveOptional('revision', op.against) });
  if (!world.outcome(op.op, r, op.actor, [op.revision, op.against])) return;
  // The newer side of each diff rebuilds the revision's own text.
  const revision = await world.send('secretariat', 'http', REVISION, { r: r.data.revision.id });
  const texts = new Map<string, string>(revision.data.revision.paragraphs.map((p: { paragraphId: string; text: string }) => [p.paragraphId, p.text]));
  for (const pd of r.data.revision.diff as ParagraphDiff[]) {
    if (pd.change === 'REMOVED') continue;
    const rebuilt = rebuild(pd.hunks, 'new');
    if (texts.has(pd.paragraphId) && rebuilt !== texts.get(pd.paragraphId)) {
      world.violation(`diff of paragraph ${pd.label} rebuilds ${JSON.stringify(rebuilt).slice(0, 300)}, the revision has ${JSON.stringify(texts.get(pd.paragraphId)).slice(0, 300)}`);
    }
  }
}

async function read(world: World, op: Extract<Op, { op: 'read' }>): Promise<void> {
  let r: Result;
  switch (op.what) {
    case 'changeLog':
      r = await world.send(op.actor, op.via, 'query($d: ID!, $a: Int, $f: Int) { changeLog(declarationId: $d, after: $a, first: $f) { seq kind } }', {
        d: world.resolve('declaration', op.target),
        a: op.after,
        f: op.first,
      });
      break;
    case 'documentState':
      r = await world.send(op.actor, op.via, DOCUMENT_STATE, {
        d: world.resolve('declaration', op.target),
        sv: op.stateVector === null ? null : toBase64(new Uint8Array(op.stateVector)),
      });
      break;
    case 'declarations':
    case 'viewer':
      r = await world.send(op.actor, op.via, READS[op.what], {});
      break;
    case 'participants':
    case 'declaration':
      r = await world.send(op.actor, op.via, READS[op.what], { id: world.resolve('declaration', op.target) });
      break;
    default:
      r = await world.send(op.actor, op.via, READS[op.what], { id: world.resolve(op.what, op.target) });
  }
  world.outcome(`read ${op.what}`, r, op.actor, op.what === 'declarations' || op.what === 'viewer' ? [] : [op.target]);
}

async function exportRoute(world: World, actor: Parameters<World['send']>[0], declarationId: string, format: string, revisionId: string | null): Promise<void> {
  world.stats.requests += 1;
  const token = world.client(actor).token;
  const url = new URL(`/declarations/${encodeURIComponent(declarationId)}/${EXPORT_ROUTES[format]}`, world.server.url);
  if (revisionId !== null) url.searchParams.set('revisionId', revisionId);
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const body = await response.text();
  let errors: { extensions?: { code?: string } }[] | undefined;
  if (!response.ok) {
    try {
      errors = JSON.parse(body).errors;
    } catch {
      // An unknown route answers Express's HTML 404: no contract body to check.
    }
  }
  world.checkAnswer(`GET ${url.pathname}`, { status: response.status, errors });
  world.stats.count(`route ${format}`, String(response.status));
}

/** After a "soon" deadline: wait (bounded) for the adoption the deadline brings, then learn the adopted revision. */
async function untilAdopted(world: World): Promise<void> {
  const declaration = await waitFor(
    'the declaration to be adopted at its silence deadline',
    async () => {
      const r = await world.send('secretariat', 'http', REVISIONS, { d: world.cast.declarationId });
      return r.data?.declaration?.status === 'ADOPTED' ? r.data.declaration : null;
    },
    { intervalMs: 50 },
  );
  for (const { id } of declaration.revisions) if (!world.pools.revision.includes(id)) world.pools.revision.push(id);
}
