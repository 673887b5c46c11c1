import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, it, expect } from 'vitest';
import * as Y from 'yjs';
import { inspectUpdate, type InspectionSuccess } from './updateInspection.js';
import { mulberry32 } from '../../../test/support/random.js';

/** The repository's copy of the trace (data/editing-traces/), found from this file's place in it. */
const TRACE = path.resolve(import.meta.dirname, '../../../data/editing-traces/automerge-paper.json.gz');

function newDoc(clientID: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  return doc;
}

/** The single update that `change` produces on `doc`. */
function updateOf(doc: Y.Doc, change: () => void): Uint8Array {
  const updates: Uint8Array[] = [];
  const record = (update: Uint8Array) => updates.push(update);
  doc.on('update', record);
  doc.transact(change);
  doc.off('update', record);
  expect(updates).toHaveLength(1);
  return updates[0];
}

/** A doc that has received everything `from` has. */
function replicaOf(from: Y.Doc, clientID: number): Y.Doc {
  const doc = newDoc(clientID);
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(from));
  return doc;
}

/** Server doc with paragraph p1 = "Hello world", typed by client 1. */
function serverWithParagraph(): { server: Y.Doc; author: Y.Doc } {
  const author = newDoc(1);
  author.getText('p1').insert(0, 'Hello world');
  return { server: replicaOf(author, 100), author };
}

function expectOk(result: ReturnType<typeof inspectUpdate>): InspectionSuccess {
  if (!result.ok) throw new Error(`expected ok, got ${result.kind}: ${result.message}`);
  return result;
}

function textLengths(doc: Y.Doc, names: Iterable<string>): Map<string, number> {
  return new Map([...names].map((name) => [name, doc.getText(name).length]));
}

/** Applies `update` to a replica of `doc` and checks the reported length changes against the real ones. */
function expectLengthDeltaExact(doc: Y.Doc, update: Uint8Array, result: InspectionSuccess): void {
  const clone = replicaOf(doc, 999);
  const names = new Set([...result.touched, ...doc.share.keys()]);
  const before = textLengths(clone, names);
  Y.applyUpdate(clone, update);
  const after = textLengths(clone, names);
  for (const name of names) {
    expect(after.get(name)! - before.get(name)!, `length change of ${name}`).toBe(result.lengthDelta.get(name) ?? 0);
  }
}

/** Raw V1 update bytes: numbers are single bytes, strings are length-prefixed UTF-8. */
function raw(...parts: (number | string)[]): Uint8Array {
  const bytes: number[] = [];
  for (const part of parts) {
    if (typeof part === 'number') bytes.push(part);
    else {
      const utf8 = new TextEncoder().encode(part);
      bytes.push(utf8.length, ...utf8);
    }
  }
  return Uint8Array.from(bytes);
}


describe('inspectUpdate accepts plain text edits', () => {
  it('accepts a typed insertion into an existing paragraph and reports its length change', () => {
    const { server, author } = serverWithParagraph();
    const update = updateOf(author, () => author.getText('p1').insert(5, ','));
    const result = expectOk(inspectUpdate(server, update));
    expect(result.touched).toEqual(['p1']);
    expect(result.lengthDelta.get('p1')).toBe(1);
    expect(result.noop).toBe(false);
  });

  it('accepts a deletion of existing text and counts it negatively', () => {
    const { server, author } = serverWithParagraph();
    const update = updateOf(author, () => author.getText('p1').delete(0, 6));
    const result = expectOk(inspectUpdate(server, update));
    expect(result.touched).toEqual(['p1']);
    expect(result.lengthDelta.get('p1')).toBe(-6);
    expect(result.noop).toBe(false);
  });

  it('accepts a replacement (deletion plus insertion) and nets the two', () => {
    const { server, author } = serverWithParagraph();
    const update = updateOf(author, () => {
      author.getText('p1').delete(6, 5);
      author.getText('p1').insert(6, 'delegates');
    });
    const result = expectOk(inspectUpdate(server, update));
    expect(result.lengthDelta.get('p1')).toBe(4);
    Y.applyUpdate(server, update);
    expect(server.getText('p1').toString()).toBe('Hello delegates');
  });

  it('accepts an insertion into a root name the document has never seen', () => {
    const { server, author } = serverWithParagraph();
    const update = updateOf(author, () => author.getText('p2').insert(0, 'New paragraph'));
    const result = expectOk(inspectUpdate(server, update));
    expect(result.touched).toEqual(['p2']);
    expect(result.lengthDelta.get('p2')).toBe(13);
    expect(server.share.has('p2')).toBe(false); // inspecting created nothing
  });

  it('accepts edits into a root that applyUpdate created but nobody typed with getText yet', () => {
    const { server, author } = serverWithParagraph(); // loaded like a snapshot: p1 is a bare AbstractType
    expect(server.share.get('p1')!.constructor).toBe(Y.AbstractType);
    const update = updateOf(author, () => author.getText('p1').insert(0, '1. '));
    expect(expectOk(inspectUpdate(server, update)).touched).toEqual(['p1']);
  });

  it('accepts the updates of two clients who edited concurrently, and the texts converge', () => {
    const { server } = serverWithParagraph();
    const alice = replicaOf(server, 2);
    const bob = replicaOf(server, 3);
    const fromAlice = updateOf(alice, () => alice.getText('p1').insert(0, 'Oh, '));
    const fromBob = updateOf(bob, () => {
      bob.getText('p1').delete(6, 5);
      bob.getText('p2').insert(0, 'Second');
    });
    const aliceResult = expectOk(inspectUpdate(server, fromAlice));
    Y.applyUpdate(server, fromAlice);
    const bobResult = expectOk(inspectUpdate(server, fromBob));
    Y.applyUpdate(server, fromBob);
    expect(aliceResult.lengthDelta).toEqual(new Map([['p1', 4]]));
    expect(bobResult.lengthDelta).toEqual(new Map([['p1', -5], ['p2', 6]]));
    Y.applyUpdate(alice, fromBob);
    Y.applyUpdate(bob, fromAlice);
    expect(server.getText('p1').toString()).toBe('Oh, Hello ');
    expect(alice.getText('p1').toString()).toBe(server.getText('p1').toString());
    expect(bob.getText('p1').toString()).toBe(server.getText('p1').toString());
  });

  it('treats an item placed next to garbage as touching nothing, as Yjs turns it into garbage', () => {
    const server = newDoc(100);
    Y.applyUpdate(server, raw(1, 1, 1, 0, 0, 2, 0)); // client 1, clocks 0-1: a GC struct
    const nextToGarbage = raw(1, 1, 2, 0, 4 | 128, 1, 1, 'x', 0); // client 2: "x" with origin 1:1
    const result = expectOk(inspectUpdate(server, nextToGarbage));
    expect(result.touched).toEqual([]);
    expect(result.noop).toBe(false);
    Y.applyUpdate(server, nextToGarbage);
    expect(Y.getState(server.store, 2)).toBe(1);
    expect(server.store.pendingStructs).toBeNull();
  });
});

describe('inspectUpdate reports duplicates as no-ops', () => {
  it('accepts an update that was already applied, as a no-op touching nothing', () => {
    const { server, author } = serverWithParagraph();
    const update = updateOf(author, () => author.getText('p1').insert(0, 'Well, '));
    Y.applyUpdate(server, update);
    expect(inspectUpdate(server, update)).toEqual({ ok: true, touched: [], lengthDelta: new Map(), noop: true });
  });

  it('accepts a full-state resend of a client the server already has, as a no-op', () => {
    const { server, author } = serverWithParagraph();
    Y.applyUpdate(server, updateOf(author, () => author.getText('p1').delete(0, 2)));
    const result = expectOk(inspectUpdate(server, Y.encodeStateAsUpdate(author)));
    expect(result).toMatchObject({ touched: [], noop: true });
  });

  it('accepts the empty update as a no-op', () => {
    const empty = Y.encodeStateAsUpdate(new Y.Doc());
    expect(Array.from(empty)).toEqual([0, 0]);
    expect(inspectUpdate(serverWithParagraph().server, empty)).toMatchObject({ ok: true, touched: [], noop: true });
  });
});

describe('inspectUpdate reports exact length changes', () => {
  it('counts UTF-16 units for text outside the Basic Multilingual Plane', () => {
    const { server, author } = serverWithParagraph();
    const update = updateOf(author, () => author.getText('p1').insert(0, '🌍 '));
    const result = expectOk(inspectUpdate(server, update));
    expect(result.lengthDelta.get('p1')).toBe(3);
    expectLengthDeltaExact(server, update, result);
  });

  it('does not count text that the same update inserts and deletes', () => {
    const { server, author } = serverWithParagraph();
    const typed = updateOf(author, () => author.getText('p1').insert(11, ' and all'));
    const erased = updateOf(author, () => author.getText('p1').delete(9, 6)); // "ld and" → deletes 2 old + 4 new
    const merged = Y.mergeUpdates([typed, erased]);
    const result = expectOk(inspectUpdate(server, merged));
    expect(result.lengthDelta.get('p1')).toBe(8 - 6);
    expectLengthDeltaExact(server, merged, result);
  });

  it('counts only the unknown part of an item the server partly has', () => {
    const author = newDoc(1);
    const server = newDoc(100);
    const text = author.getText('p1');
    for (const ch of 'ab') text.insert(text.length, ch);
    Y.applyUpdate(server, Y.encodeStateAsUpdate(author));
    for (const ch of 'cde') text.insert(text.length, ch);
    const fullState = Y.encodeStateAsUpdate(author); // one merged item "abcde" from clock 0
    expect(Y.decodeUpdate(fullState).structs).toHaveLength(1);
    const result = expectOk(inspectUpdate(server, fullState));
    expect(result.lengthDelta.get('p1')).toBe(3);
    expectLengthDeltaExact(server, fullState, result);
  });

  it('counts a deletion spanning several paragraphs and clients per paragraph', () => {
    const { server, author } = serverWithParagraph();
    const other = replicaOf(server, 2);
    Y.applyUpdate(server, updateOf(other, () => other.getText('p1').insert(5, ' there')));
    Y.applyUpdate(server, updateOf(author, () => author.getText('p2').insert(0, 'Another one')));
    const editor = replicaOf(server, 3);
    const update = updateOf(editor, () => {
      editor.getText('p1').delete(3, 6); // "lo the" spans clients 1 and 2
      editor.getText('p2').delete(0, 8);
    });
    const result = expectOk(inspectUpdate(server, update));
    expect(result.lengthDelta).toEqual(new Map([['p1', -6], ['p2', -8]]));
    expectLengthDeltaExact(server, update, result);
  });
});

describe('inspectUpdate refuses updates that are not causally ready', () => {
  it('refuses an update built on one the server lacks, and accepts it once that one is applied', () => {
    const { server, author } = serverWithParagraph();
    const first = updateOf(author, () => author.getText('p1').insert(11, '!'));
    const second = updateOf(author, () => author.getText('p1').insert(12, '!'));
    expect(inspectUpdate(server, second)).toMatchObject({ ok: false, kind: 'NOT_READY' });
    Y.applyUpdate(server, first);
    expect(expectOk(inspectUpdate(server, second)).lengthDelta.get('p1')).toBe(1);
  });

  it('refuses another client\'s edit that builds on text the server has not received', () => {
    const { server, author } = serverWithParagraph();
    const unsent = updateOf(author, () => author.getText('p1').insert(11, ' today'));
    const other = replicaOf(author, 2);
    const update = updateOf(other, () => other.getText('p1').insert(17, '.'));
    expect(inspectUpdate(server, update)).toMatchObject({ ok: false, kind: 'NOT_READY' });
    Y.applyUpdate(server, unsent);
    expect(inspectUpdate(server, update).ok).toBe(true);
  });

  it('refuses merged updates with a gap (a Skip struct)', () => {
    const { server, author } = serverWithParagraph();
    const first = updateOf(author, () => author.getText('p1').insert(0, 'A'));
    updateOf(author, () => author.getText('p1').insert(0, 'B'));
    const third = updateOf(author, () => author.getText('p1').insert(0, 'C'));
    Y.applyUpdate(server, first);
    const merged = Y.mergeUpdates([first, third]);
    expect(Y.decodeUpdate(merged).structs.some((s) => s instanceof Y.Skip)).toBe(true);
    expect(inspectUpdate(server, merged)).toMatchObject({ ok: false, kind: 'NOT_READY' });
  });

  it('refuses a deletion of clocks the server does not have', () => {
    const { server, author } = serverWithParagraph();
    const unsent = updateOf(author, () => author.getText('p1').insert(0, 'Draft: '));
    const deletion = updateOf(author, () => author.getText('p1').delete(0, 7));
    expect(Y.decodeUpdate(deletion).structs).toHaveLength(0);
    expect(inspectUpdate(server, deletion)).toMatchObject({ ok: false, kind: 'NOT_READY' });
    Y.applyUpdate(server, unsent);
    expect(expectOk(inspectUpdate(server, deletion)).lengthDelta.get('p1')).toBe(-7);
  });

  it('leaves the server document untouched whatever the verdict', () => {
    const { server, author } = serverWithParagraph();
    updateOf(author, () => author.getText('p1').insert(0, 'x'));
    const notReady = updateOf(author, () => author.getText('p9').insert(0, 'y'));
    const before = Y.encodeStateAsUpdate(server);
    expect(inspectUpdate(server, notReady).ok).toBe(false);
    expect(inspectUpdate(server, Y.encodeStateAsUpdate(author)).ok).toBe(true);
    expect(Y.encodeStateAsUpdate(server)).toEqual(before);
    expect([...server.share.keys()]).toEqual(['p1']);
  });
});

describe('inspectUpdate refuses anything but plain text in root texts', () => {
  const forbidden: [string, (client: Y.Doc) => void][] = [
    ['a Y.Map entry', (c) => c.getMap('meta').set('status', 'open')],
    ['a Y.Array element', (c) => c.getArray('list').push([1])],
    ['a Y.Text nested in a Y.Array', (c) => c.getArray('list').push([new Y.Text('nested')])],
    ['a subdocument', (c) => c.getArray('list').push([new Y.Doc()])],
    ['formatting of existing text', (c) => c.getText('p1').format(0, 5, { bold: true })],
    ['formatted insertion', (c) => c.getText('p1').insert(0, 'x', { bold: true })],
    ['an embed', (c) => c.getText('p1').insertEmbed(0, { image: 'flag.png' })],
    ['a type embedded in a text', (c) => c.getText('p1').insertEmbed(0, new Y.Map())],
  ];
  for (const [what, change] of forbidden) {
    it(`refuses ${what}`, () => {
      const { server } = serverWithParagraph();
      const client = replicaOf(server, 2);
      expect(inspectUpdate(server, updateOf(client, () => change(client)))).toMatchObject({ ok: false, kind: 'FORBIDDEN_CONTENT' });
    });
  }

  it('refuses text typed into a Y.Text nested in an array, first character and following ones', () => {
    const server = newDoc(100);
    const nested = new Y.Text();
    server.getArray('list').push([nested]);
    const client = replicaOf(server, 2);
    const clientNested = client.getArray<Y.Text>('list').get(0);
    const first = updateOf(client, () => clientNested.insert(0, 'a'));
    expect(Y.decodeUpdate(first).structs[0]).toMatchObject({ parent: expect.any(Y.ID) });
    expect(inspectUpdate(server, first)).toMatchObject({ ok: false, kind: 'FORBIDDEN_CONTENT' });
    Y.applyUpdate(server, first);
    const next = updateOf(client, () => clientNested.insert(1, 'b'));
    expect(inspectUpdate(server, next)).toMatchObject({ ok: false, kind: 'FORBIDDEN_CONTENT' });
  });

  it('refuses the deletion of a map entry or of a nested type', () => {
    const server = newDoc(100);
    server.getMap('meta').set('k', 'v');
    server.getArray('list').push([new Y.Text('nested')]);
    const client = replicaOf(server, 2);
    const deletions = [
      updateOf(client, () => client.getMap('meta').delete('k')),
      updateOf(client, () => client.getArray('list').delete(0, 1)),
    ];
    for (const deletion of deletions) {
      expect(Y.decodeUpdate(deletion).structs).toHaveLength(0);
      expect(inspectUpdate(server, deletion)).toMatchObject({ ok: false, kind: 'FORBIDDEN_CONTENT' });
    }
  });

  it('refuses text for a root the server already uses as a Y.Map', () => {
    const { server } = serverWithParagraph();
    server.getMap('p2').set('k', 1);
    const client = newDoc(2);
    const update = updateOf(client, () => client.getText('p2').insert(0, 'text'));
    expect(inspectUpdate(server, update)).toMatchObject({ ok: false, kind: 'FORBIDDEN_CONTENT' });
  });

  it('refuses text whose root is a Y.XmlText, a subclass of Y.Text with other semantics', () => {
    const server = newDoc(100);
    server.get('p1', Y.XmlText);
    const client = newDoc(2);
    const update = updateOf(client, () => client.getText('p1').insert(0, 'text'));
    expect(inspectUpdate(server, update)).toMatchObject({ ok: false, kind: 'FORBIDDEN_CONTENT' });
  });
});

describe('inspectUpdate refuses malformed updates', () => {
  it('refuses trailing bytes after a valid update', () => {
    const { server, author } = serverWithParagraph();
    const update = updateOf(author, () => author.getText('p1').insert(0, 'x'));
    expect(inspectUpdate(server, Uint8Array.from([...update, 0]))).toMatchObject({ ok: false, kind: 'MALFORMED' });
  });

  it('refuses a truncated update even when its buffer continues beyond the view', () => {
    const { server, author } = serverWithParagraph();
    const update = updateOf(author, () => author.getText('p1').insert(0, 'a long insertion'));
    const view = Uint8Array.from([...update, ...update]).subarray(0, update.length - 6);
    expect(inspectUpdate(server, view)).toMatchObject({ ok: false, kind: 'MALFORMED' });
  });

  it('refuses a client listed in two blocks, of which applyUpdate would keep only the last', () => {
    const twoBlocks = raw(2, 1, 1, 0, 4, 1, 't', 'a', 1, 1, 1, 4 | 128, 1, 0, 'b', 0);
    expect(Y.decodeUpdate(twoBlocks).structs).toHaveLength(2);
    expect(inspectUpdate(new Y.Doc(), twoBlocks)).toMatchObject({ ok: false, kind: 'MALFORMED' });
  });

  it('refuses a circle of references, which applyUpdate would leave pending forever', () => {
    const circle = raw(2, 1, 1, 0, 4 | 128, 2, 0, 'a', 1, 2, 0, 4 | 128, 1, 0, 'b', 0);
    expect(inspectUpdate(new Y.Doc(), circle)).toMatchObject({ ok: false, kind: 'MALFORMED' });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, circle);
    expect(doc.store.pendingStructs).not.toBeNull();
  });

  it('refuses an item that refers forwards to its own client', () => {
    const forwards = raw(1, 1, 1, 0, 4 | 128, 1, 3, 'a', 0);
    expect(inspectUpdate(new Y.Doc(), forwards)).toMatchObject({ ok: false, kind: 'MALFORMED' });
  });

  it('refuses an item that continues garbage, on which applyUpdate would throw', () => {
    const server = newDoc(100);
    Y.applyUpdate(server, raw(1, 1, 1, 0, 0, 2, 0)); // client 1, clocks 0-1: a GC struct
    const overlapping = raw(1, 1, 1, 0, 4, 1, 't', 'abcd', 0); // client 1, clocks 0-3
    expect(inspectUpdate(server, overlapping)).toMatchObject({ ok: false, kind: 'MALFORMED' });
    expect(() => Y.applyUpdate(replicaOf(server, 5), overlapping)).toThrow();
  });

  it('refuses empty structs', () => {
    expect(inspectUpdate(new Y.Doc(), raw(1, 1, 1, 0, 4, 1, 't', '', 0))).toMatchObject({ ok: false, kind: 'MALFORMED' });
  });
});

describe('inspectUpdate never accepts what applyUpdate would mishandle', () => {
  /** Server doc: texts a and b from clients 1 and 2 (one deletion), a map m from client 3, garbage from client 4. */
  function fuzzServer(): Y.Doc {
    const one = newDoc(1);
    one.getText('a').insert(0, 'hello');
    const two = replicaOf(one, 2);
    two.getText('b').insert(0, 'xyz');
    two.getText('b').delete(1, 1);
    const three = replicaOf(two, 3);
    three.getMap('m').set('k', 'v');
    const server = replicaOf(three, 100);
    Y.applyUpdate(server, raw(1, 1, 4, 0, 0, 2, 0));
    server.getText('a');
    server.getText('b');
    server.getMap('m');
    return server;
  }

  /** Texts of the root types that hold text, typing any untyped root as a text. */
  function texts(doc: Y.Doc): Map<string, string> {
    const result = new Map<string, string>();
    for (const name of [...doc.share.keys()]) if (name !== 'm') result.set(name, doc.getText(name).toString());
    return result;
  }

  /**
   * The invariant: an accepted update applies without throwing or leaving
   * anything pending, changes only root texts (and only touched ones, by the
   * reported lengths), and changes nothing at all when reported as a no-op.
   */
  function checkVerdict(server: Y.Doc, update: Uint8Array): boolean {
    const result = inspectUpdate(server, update);
    if (!result.ok) return false;
    const clone = replicaOf(server, 999);
    clone.getMap('m');
    const before = texts(clone);
    const stateBefore = Y.encodeStateVector(clone);
    Y.applyUpdate(clone, update);
    expect(clone.store.pendingStructs).toBeNull();
    expect(clone.store.pendingDs).toBeNull();
    expect(clone.getMap('m').toJSON()).toEqual({ k: 'v' });
    const after = texts(clone);
    for (const [name, text] of after) {
      const type = clone.getText(name);
      expect(type._map.size).toBe(0);
      for (let item = type._start; item !== null; item = item.right) {
        expect([Y.ContentString, Y.ContentDeleted]).toContain(item.content.constructor);
      }
      const change = text.length - (before.get(name) ?? '').length;
      if (!result.touched.includes(name)) expect(text).toBe(before.get(name) ?? '');
      expect(change, `length change of ${name}`).toBe(result.lengthDelta.get(name) ?? 0);
    }
    if (result.noop) {
      expect(Y.encodeStateVector(clone)).toEqual(stateBefore);
      // applyUpdate creates (empty) roots for every parent name it reads, even in known structs.
      for (const [name, text] of after) expect(text).toBe(before.get(name) ?? '');
    }
    return true;
  }

  /** Real updates against the fuzz server, accepted and refused ones. */
  function realUpdates(server: Y.Doc): Uint8Array[] {
    const client = replicaOf(server, 7);
    return [
      updateOf(client, () => client.getText('a').insert(2, 'LL')),
      updateOf(client, () => client.getText('b').delete(0, 1)),
      updateOf(client, () => {
        client.getText('a').delete(1, 3);
        client.getText('new').insert(0, 'fresh');
      }),
      updateOf(client, () => client.getText('a').insert(0, 'x', { bold: true })),
      updateOf(client, () => client.getMap('m').set('k', 'w')),
      Y.encodeStateAsUpdate(client),
    ];
  }

  /** Bytes shaped like V1 updates over a few small clients and clocks, with references of all kinds. */
  function structuredUpdate(rand: () => number): Uint8Array {
    const int = (n: number) => Math.floor(rand() * n);
    const pick = <T>(options: T[]): T => options[int(options.length)];
    const parts: (number | string)[] = [];
    const id = () => parts.push(pick([1, 2, 3, 4, 7]), int(8));
    const blocks = int(3);
    parts.push(blocks);
    for (let b = 0; b < blocks; b++) {
      const count = 1 + int(3);
      parts.push(count, pick([1, 2, 3, 4, 7]), int(8));
      for (let s = 0; s < count; s++) {
        const kind = pick(['string', 'string', 'string', 'deleted', 'gc', 'skip', 'other']);
        if (kind === 'gc') parts.push(0, 1 + int(3));
        else if (kind === 'skip') parts.push(10, 1 + int(3));
        else if (kind === 'other') parts.push(int(256), int(4), int(4));
        else {
          const origin = rand() < 0.6;
          const rightOrigin = rand() < 0.4;
          const parentSub = !origin && !rightOrigin && rand() < 0.1;
          parts.push((kind === 'string' ? 4 : 1) | (origin ? 128 : 0) | (rightOrigin ? 64 : 0) | (parentSub ? 32 : 0));
          if (origin) id();
          if (rightOrigin) id();
          if (!origin && !rightOrigin) {
            if (rand() < 0.85) parts.push(1, pick(['a', 'b', 'm', 'new']));
            else {
              parts.push(0);
              id();
            }
            if (parentSub) parts.push('k');
          }
          if (kind === 'string') parts.push(pick(['', 'q', 'rs', 'tuv', '😀']));
          else parts.push(int(3));
        }
      }
    }
    const deletions = int(3);
    parts.push(deletions);
    for (let d = 0; d < deletions; d++) {
      const ranges = 1 + int(2);
      parts.push(pick([1, 2, 3, 4, 7]), ranges);
      for (let r = 0; r < ranges; r++) parts.push(int(10), int(4));
    }
    return raw(...parts);
  }

  it('holds for thousands of random buffers', () => {
    const server = fuzzServer();
    const rand = mulberry32(42);
    for (let n = 0; n < 3000; n++) {
      const bytes = Uint8Array.from({ length: Math.floor(rand() * 40) }, () => Math.floor(rand() * 256));
      checkVerdict(server, bytes);
    }
  });

  it('holds for thousands of structured random updates, many of them accepted', () => {
    const server = fuzzServer();
    const rand = mulberry32(7);
    let accepted = 0;
    for (let n = 0; n < 4000; n++) if (checkVerdict(server, structuredUpdate(rand))) accepted++;
    expect(accepted).toBeGreaterThan(100);
  });

  it('holds for every truncation and for bit flips of real updates', () => {
    const server = fuzzServer();
    const rand = mulberry32(2024);
    let accepted = 0;
    for (const update of realUpdates(server)) {
      for (let end = 0; end < update.length; end++) checkVerdict(server, update.slice(0, end));
      for (let n = 0; n < 300; n++) {
        const flipped = update.slice();
        for (let flips = 1 + Math.floor(rand() * 3); flips > 0; flips--) {
          flipped[Math.floor(rand() * flipped.length)] ^= 1 << Math.floor(rand() * 8);
        }
        if (checkVerdict(server, flipped)) accepted++;
      }
    }
    expect(accepted).toBeGreaterThan(20);
  });
});

describe('inspectUpdate on a real editing trace', () => {
  it('accepts each of the first 3,000 transactions of the automerge paper, and the texts agree', () => {
    const trace = JSON.parse(gunzipSync(readFileSync(TRACE)).toString('utf8')) as {
      txns: { patches: [number, number, string][] }[];
    };
    const client = newDoc(1);
    const server = newDoc(100);
    const text = client.getText('p1');
    let expected = '';
    for (const { patches } of trace.txns.slice(0, 3000)) {
      const update = updateOf(client, () => {
        for (const [position, deleted, inserted] of patches) {
          if (deleted > 0) text.delete(position, deleted);
          if (inserted) text.insert(position, inserted);
          expected = expected.slice(0, position) + inserted + expected.slice(position + deleted);
        }
      });
      const lengthBefore = server.getText('p1').length;
      const result = expectOk(inspectUpdate(server, update));
      expect(result.touched).toEqual(['p1']);
      Y.applyUpdate(server, update);
      expect(server.getText('p1').length - lengthBefore).toBe(result.lengthDelta.get('p1'));
    }
    expect(server.getText('p1').toString()).toBe(expected);
    expect(text.toString()).toBe(expected);
  });
});

describe('characters PostgreSQL cannot store', () => {
  it('refuses an insertion that contains a NUL character', () => {
    const server = new Y.Doc();
    const client = new Y.Doc();
    let update: Uint8Array | null = null;
    client.on('update', (u: Uint8Array) => (update = u));
    client.getText('p').insert(0, 'a\u0000b');
    const result = inspectUpdate(server, update!);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.kind).toBe('FORBIDDEN_CONTENT');
  });
});
