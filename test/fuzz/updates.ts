/**
 * Yjs updates as the fuzzer sends them: `applyUpdate` itself, the hostile
 * updates (each built on a copy of the server's document, then spoiled the
 * way its kind says), and the checks that go with them: a refused update
 * leaves the server's state vector as it was, an update that is not plain
 * text in an existing paragraph of this declaration is never accepted, and a
 * replica holding only committed state is never told to resync.
 */
import * as Y from 'yjs';
import type { Result } from '../support/client.js';
import { fromBase64, REMOTE, toBase64 } from '../support/yjsClient.js';
import { UNKNOWN_UUID } from './inputs.js';
import type { HostileUpdate, Op } from './operations.js';
import { DOCUMENT_STATE, type World } from './world.js';

const APPLY_UPDATE = 'mutation($d: ID!, $u: Base64!, $o: String) { applyUpdate(declarationId: $d, update: $u, origin: $o) { seq } }';

/**
 * A replica that holds nothing but what the server sent it and what the
 * server acknowledged builds only on committed updates: CONFLICT ("resync")
 * would be wrong, however stale the replica is.
 */
export function readyUnlessDiverged(world: World, r: Result, diverged: boolean, update: Uint8Array): void {
  if (!diverged && r.errors?.[0]?.extensions?.code === 'CONFLICT' && /resync|lacks|not ready|causal/i.test(r.errors[0].message)) {
    world.violation(`an update built only on committed state was refused as not causally ready: ${r.errors[0].message} (${toBase64(update)})`);
  }
}

/** `applyUpdate`, with its update sent as base64 (or as the literal string given). */
export function sendUpdate(world: World, actor: Parameters<World['send']>[0], via: 'http' | 'ws', update: Uint8Array | string, origin: string | null): Promise<Result> {
  const u = typeof update === 'string' ? update : toBase64(update);
  return world.send(actor, via, APPLY_UPDATE, { d: world.cast.declarationId, u, o: origin });
}

/** The server's document as a fresh client doc, and its state vector. */
async function serverState(world: World): Promise<{ doc: Y.Doc; stateVector: string }> {
  const r = await world.send('coFacilitator', 'http', DOCUMENT_STATE, { d: world.cast.declarationId, sv: null });
  if (!r.data) world.violation(`documentState failed: ${JSON.stringify(r.errors)}`);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, fromBase64(r.data.documentState.update), REMOTE);
  return { doc, stateVector: r.data.documentState.stateVector };
}

/** An update made by `change` on a copy of the server's document. */
function updateOf(doc: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.transact(() => change(doc));
  return Y.encodeStateAsUpdate(doc, before);
}

/** Kinds that are never plain text in an existing paragraph of this declaration: accepting one is a bug. */
const NEVER_ACCEPTED = new Set<HostileUpdate>([
  'unknownParagraph',
  'otherDeclarationParagraph',
  'map',
  'array',
  'xml',
  'formatted',
  'embed',
  'nestedType',
  'badBase64',
  'missingDependency',
  'deleteOfMissing',
]);

export async function hostileUpdate(world: World, op: Extract<Op, { op: 'hostileUpdate' }>): Promise<void> {
  const { doc, stateVector: before } = await serverState(world);
  const p = world.resolve('paragraph', op.paragraph);
  const n = (i: number) => op.noise[i % Math.max(op.noise.length, 1)] ?? 0;
  const valid = () => updateOf(doc, (d) => d.getText(p).insert(Math.min(n(0), d.getText(p).length), 'x'));
  let update: Uint8Array | string;
  try {
    update = buildHostile(op.kind, doc, world, p, n, valid);
  } catch (error) {
    // Yjs itself would not build it (e.g. a root already typed otherwise): nothing to send.
    world.stats.count(`hostileUpdate ${op.kind}`, 'unbuildable');
    return;
  } finally {
    doc.destroy();
  }
  const r = await sendUpdate(world, op.actor, 'http', update, null);
  const ok = world.outcome(`hostileUpdate ${op.kind}`, r, op.actor);
  if (ok && NEVER_ACCEPTED.has(op.kind)) {
    world.violation(`a ${op.kind} update was accepted: ${typeof update === 'string' ? update : toBase64(update)}`);
  }
  if (!ok) {
    const after = await serverState(world);
    after.doc.destroy();
    if (after.stateVector !== before) world.violation(`a refused ${op.kind} update changed the server's state vector from ${before} to ${after.stateVector}`);
  }
}

function buildHostile(kind: HostileUpdate, doc: Y.Doc, world: World, p: string, n: (i: number) => number, valid: () => Uint8Array): Uint8Array | string {
  switch (kind) {
    case 'unknownParagraph':
      return updateOf(doc, (d) => d.getText(n(1) % 2 ? UNKNOWN_UUID : 'notes').insert(0, 'x'));
    case 'otherDeclarationParagraph':
      return updateOf(doc, (d) => d.getText(world.elsewhere.paragraph).insert(0, 'x'));
    case 'map':
      return updateOf(doc, (d) => d.getMap(n(1) % 2 ? p : 'meta').set('k', 'v'));
    case 'array':
      return updateOf(doc, (d) => d.getArray(n(1) % 2 ? p : 'list').insert(0, [1, 'x']));
    case 'xml':
      return updateOf(doc, (d) => d.getXmlFragment(n(1) % 2 ? p : 'prosemirror').insert(0, [new Y.XmlText('x')]));
    case 'formatted':
      return updateOf(doc, (d) => {
        const t = d.getText(p);
        if (n(1) % 2 && t.length > 0) t.format(0, t.length, { bold: true });
        else t.insert(Math.min(n(0), t.length), 'bold', { bold: true });
      });
    case 'embed':
      return updateOf(doc, (d) => d.getText(p).insertEmbed(Math.min(n(0), d.getText(p).length), { image: 'x.png' }));
    case 'nestedType':
      return updateOf(doc, (d) => d.getText(p).insertEmbed(Math.min(n(0), d.getText(p).length), new Y.Map()));
    case 'truncated': {
      const u = valid();
      return u.slice(0, Math.floor((n(1) / 256) * u.length));
    }
    case 'bitFlipped': {
      const u = valid().slice();
      for (let i = 1; i <= 1 + (n(1) % 3); i++) u[n(i * 2) % u.length]! ^= 1 << (n(i * 2 + 1) % 8);
      return u;
    }
    case 'randomBytes':
      return new Uint8Array(Array.from({ length: Math.max(1, n(1) % 64) }, (_, i) => n(i)));
    case 'badBase64':
      return ['not base64!', 'AAA', '====', 'AA==AA==', 'é', ' AAAA', 'AAAA\n'][n(1) % 7]!;
    case 'empty':
      return n(1) % 2 ? new Uint8Array(0) : Y.encodeStateAsUpdate(new Y.Doc());
    case 'missingDependency': {
      updateOf(doc, (d) => d.getText(p).insert(0, 'A'));
      return updateOf(doc, (d) => d.getText(p).insert(1, 'B'));
    }
    case 'deleteOfMissing': {
      updateOf(doc, (d) => d.getText(p).insert(0, 'A'));
      return updateOf(doc, (d) => d.getText(p).delete(0, 1));
    }
    case 'mixed': {
      const q = world.pools.paragraph[n(1) % world.pools.paragraph.length]!;
      return updateOf(doc, (d) => {
        d.getText(p).insert(0, 'x');
        d.getText(q).insert(0, 'y');
      });
    }
    case 'replay':
      return world.acknowledged.length ? world.acknowledged[n(1) % world.acknowledged.length]! : valid();
  }
}
