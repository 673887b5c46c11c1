/**
 * Inspection of a client's Yjs update before it reaches a declaration's Y.Doc.
 *
 * `Y.applyUpdate` never refuses anything: whatever it cannot integrate yet it
 * parks in `doc.store.pendingStructs` / `pendingDs`, whatever it can it applies
 * at once, and a crafted update can make it throw half-way through a
 * transaction. The server therefore looks at the decoded update first, without
 * touching the doc, and answers three questions:
 *
 * - Does it decode cleanly? Every byte must be consumed, each client must
 *   appear in one block only (applyUpdate silently keeps only the last block),
 *   no struct may be empty, and no item may refer forwards to its own client or
 *   take part in a circle of references (either would throw or stay pending).
 * - Is it causally ready? Each client's structs must continue the doc's state
 *   without a gap, and every origin, right origin, parent and deleted clock must
 *   exist in the doc or in the update. Otherwise the client has to resync.
 * - Does it only edit plain text in root Y.Texts? New items may carry strings
 *   (or already-deleted content) and must land, directly or through their
 *   origins, in a root type that is a Y.Text or still untyped; deletions may
 *   only remove such strings. Maps, arrays, nested types, subdocuments,
 *   formatting and embeds are refused, and so are strings with NUL, with
 *   bidirectional controls or with invisible characters.
 *
 * Work is proportional to the update (plus binary searches in the doc's struct
 * store, and the structs a deletion really covers), never to the document.
 */
import * as Y from 'yjs';
import { findHiddenCharacter, HIDDEN_REFUSAL } from '../text/hiddenCharacters.js';

/**
 * Why an update was refused: `MALFORMED` (does not decode, trailing bytes, impossible
 * structure), `NOT_READY` (builds on something the doc does not have yet: the client
 * must resync) or `FORBIDDEN_CONTENT` (touches something that is not plain text in a
 * root Y.Text). `message` says what, for logs and error details.
 */
export type InspectionFailure =
  | { ok: false; kind: 'MALFORMED'; message: string }
  | { ok: false; kind: 'NOT_READY'; message: string }
  | { ok: false; kind: 'FORBIDDEN_CONTENT'; message: string };

/** What an acceptable update would do to the doc. */
export interface InspectionSuccess {
  ok: true;
  /** Root type names (paragraph ids) whose text this update inserts into or deletes from; excludes parts already in the doc. */
  touched: string[];
  /** Per touched root: net change of the visible text length (UTF-16 units) if the update were applied. */
  lengthDelta: Map<string, number>;
  /** True when applying the update would change nothing (everything already known). */
  noop: boolean;
}

type Struct = Y.Item | Y.GC | Y.Skip;
type StoredStruct = Y.Item | Y.GC;
type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds'];
/** What a struct is (or becomes once integrated): garbage, or an item of a root text. */
type Placement = { gc: true } | { gc: false; root: string };

class Rejection extends Error {
  constructor(readonly kind: InspectionFailure['kind'], message: string) {
    super(message);
  }
}

/** Update decoder that remembers its position and the client of every struct block it reads. */
class RecordingDecoderV1 extends Y.UpdateDecoderV1 {
  /** Decoding is synchronous, so the decoder of the current call is simply the last one built. */
  static last: RecordingDecoderV1 | null = null;
  readonly blockClients: number[] = [];
  constructor(decoder: Y.UpdateDecoderV1['restDecoder']) {
    super(decoder);
    RecordingDecoderV1.last = this;
  }
  override readClient(): number {
    const client = super.readClient();
    this.blockClients.push(client);
    return client;
  }
}

/** State shared by the steps of one inspection. */
interface Inspection {
  doc: Y.Doc;
  /** The update's structs per client, contiguous and in clock order. */
  byClient: Map<number, Struct[]>;
  /** Where each new struct of the update lands, filled in integration order. */
  placement: Map<Struct, Placement>;
  /** Touched roots (in order of first touch) with their length change. */
  delta: Map<string, number>;
  changes: boolean;
}

/** Names of root types by instance, so finding a root's name costs O(#roots) once per type, not per call. */
const rootNames = new WeakMap<Y.AbstractType<unknown>, string>();

/**
 * Decides, without mutating `doc`, whether the Yjs V1 `update` may be applied to it:
 * it must decode completely, build only on what `doc` already has, and only
 * insert or delete plain text in root Y.Texts. On success, reports the roots it
 * touches, their length change and whether applying it would change anything.
 * A root counts as touched as soon as a new item lands in it, even one whose
 * content arrives already deleted (it changes the CRDT, not the visible text).
 * Assumes the doc has no pending structs or deletions of its own.
 */
export function inspectUpdate(doc: Y.Doc, update: Uint8Array): InspectionSuccess | InspectionFailure {
  try {
    const { structs, ds } = decode(update);
    const ins: Inspection = { doc, byClient: groupByClient(structs), placement: new Map(), delta: new Map(), changes: false };
    checkCausalReadiness(ins);
    const order = integrationOrder(ins);
    if (order === null) throw new Rejection('MALFORMED', 'the update contains a circle of references');
    for (const struct of order) place(ins, struct);
    inspectDeletions(ins, ds);
    return { ok: true, touched: [...ins.delta.keys()], lengthDelta: ins.delta, noop: !ins.changes };
  } catch (err) {
    if (err instanceof Rejection) return { ok: false, kind: err.kind, message: err.message };
    throw err;
  }
}

/** Decodes the update like Y.applyUpdate would read it, refusing anything it would read differently. */
function decode(update: Uint8Array): { structs: Struct[]; ds: DeleteSet } {
  RecordingDecoderV1.last = null;
  let decoded: { structs: Struct[]; ds: DeleteSet };
  try {
    decoded = Y.decodeUpdateV2(update, RecordingDecoderV1);
  } catch (err) {
    throw new Rejection('MALFORMED', `the update does not decode: ${err instanceof Error ? err.message : String(err)}`);
  }
  const decoder = RecordingDecoderV1.last as RecordingDecoderV1 | null;
  // Reading past the end of a view into a larger buffer does not throw: compare positions.
  if (decoder === null || decoder.restDecoder.pos !== update.length) {
    throw new Rejection('MALFORMED', 'the update has trailing or missing bytes');
  }
  if (new Set(decoder.blockClients).size !== decoder.blockClients.length) {
    throw new Rejection('MALFORMED', 'a client appears in more than one block');
  }
  return decoded;
}

/** The update's structs per client; each client's come in one contiguous run (checked while decoding). */
function groupByClient(structs: Struct[]): Map<number, Struct[]> {
  const byClient = new Map<number, Struct[]>();
  for (const struct of structs) {
    // Empty structs would break the store's ordering; huge ones lose integer precision.
    if (struct.length < 1 || !Number.isSafeInteger(struct.id.clock + struct.length)) {
      throw new Rejection('MALFORMED', `struct ${idText(struct.id)} has an impossible length`);
    }
    const list = byClient.get(struct.id.client);
    if (list) list.push(struct);
    else byClient.set(struct.id.client, [struct]);
  }
  return byClient;
}

/** Each client's structs continue the doc without a gap, and every reference exists. */
function checkCausalReadiness(ins: Inspection): void {
  for (const [client, structs] of ins.byClient) {
    const state = Y.getState(ins.doc.store, client);
    if (structs[0].id.clock > state) {
      throw new Rejection('NOT_READY', `client ${client} continues at clock ${structs[0].id.clock}, the document has ${state}`);
    }
    for (const struct of structs) {
      if (struct instanceof Y.Skip && struct.id.clock + struct.length > state) {
        throw new Rejection('NOT_READY', `the update lacks ${idText(struct.id)} (length ${struct.length})`);
      }
      if (struct instanceof Y.Item) checkReferences(ins, struct);
    }
  }
}

/** Yjs resolves references even for items it then ignores as known, so all items are checked. */
function checkReferences(ins: Inspection, item: Y.Item): void {
  for (const ref of references(item)) {
    if (ref.client === item.id.client && ref.clock >= item.id.clock) {
      throw new Rejection('MALFORMED', `item ${idText(item.id)} refers forwards to ${idText(ref)}`);
    }
    if (ref.clock >= knownEnd(ins, ref.client)) {
      throw new Rejection('NOT_READY', `item ${idText(item.id)} builds on ${idText(ref)}, which the document does not have`);
    }
  }
}

/** Origin, right origin and parent, in the order Item.getMissing checks them. */
function references(item: Y.Item): Y.ID[] {
  const parent = item.parent instanceof Y.ID ? item.parent : null;
  return [item.origin, item.rightOrigin, parent].filter((ref): ref is Y.ID => ref !== null);
}

/** First clock of `client` that neither the doc nor the update provides. */
function knownEnd(ins: Inspection, client: number): number {
  const structs = ins.byClient.get(client);
  const last = structs?.[structs.length - 1];
  return Math.max(Y.getState(ins.doc.store, client), last ? last.id.clock + last.length : 0);
}

/**
 * Replays the depth-first order of Yjs's integrateStructs against a virtual
 * state vector. Returns the structs that would be integrated, in order, or null
 * when one would wait forever (only possible with circular references once
 * every reference is known to exist).
 */
function integrationOrder(ins: Inspection): StoredStruct[] | null {
  const state = new Map<number, number>();
  const stateOf = (client: number) => state.get(client) ?? Y.getState(ins.doc.store, client);
  const next = new Map<number, number>();
  const take = (client: number): Struct | undefined => {
    const i = next.get(client) ?? 0;
    next.set(client, i + 1);
    return ins.byClient.get(client)?.[i];
  };
  const missingClient = (struct: StoredStruct) =>
    struct instanceof Y.Item
      ? references(struct).find((ref) => ref.client !== struct.id.client && ref.clock >= stateOf(ref.client))?.client
      : undefined;
  const order: StoredStruct[] = [];
  for (const client of [...ins.byClient.keys()].sort((a, b) => b - a)) {
    for (let head = take(client); head !== undefined; head = take(client)) {
      const stack: Struct[] = [head];
      while (stack.length > 0) {
        const struct = stack[stack.length - 1];
        if (struct instanceof Y.Skip) { stack.pop(); continue; }
        const { client: c, clock } = struct.id;
        if (clock > stateOf(c)) return null;
        const missing = missingClient(struct);
        if (missing !== undefined) {
          const dependency = take(missing);
          if (dependency === undefined) return null;
          stack.push(dependency);
          continue;
        }
        stack.pop();
        if (clock + struct.length > stateOf(c)) {
          state.set(c, clock + struct.length);
          order.push(struct);
        }
      }
    }
  }
  return order;
}

/** Decides where a new struct lands, as Item.getMissing and Item.integrate would, and records its effect. */
function place(ins: Inspection, struct: StoredStruct): void {
  ins.changes = true;
  if (struct instanceof Y.GC) {
    ins.placement.set(struct, { gc: true });
    return;
  }
  const { content, parent } = struct;
  if (!(content instanceof Y.ContentString || content instanceof Y.ContentDeleted)) {
    throw new Rejection('FORBIDDEN_CONTENT', `item ${idText(struct.id)} carries ${content.constructor.name}, not plain text`);
  }
  if (parent instanceof Y.ID || struct.parentSub !== null) {
    throw new Rejection('FORBIDDEN_CONTENT', `item ${idText(struct.id)} belongs to a nested type or a map entry`);
  }
  // PostgreSQL text cannot hold U+0000, and Paragraph.text must equal the Y.Text.
  if (content instanceof Y.ContentString && content.str.includes('\u0000')) {
    throw new Rejection('FORBIDDEN_CONTENT', `item ${idText(struct.id)} inserts a NUL character (U+0000)`);
  }
  if (content instanceof Y.ContentString) refuseHiddenCharacters(ins, struct, content.str);
  const left = struct.origin ? locate(ins, struct.origin) : null;
  const right = struct.rightOrigin ? locate(ins, struct.rightOrigin) : null;
  // Next to garbage, Yjs drops the parent and integrates the item as garbage too.
  if (left?.gc || right?.gc) {
    ins.placement.set(struct, { gc: true });
    return;
  }
  const root = typeof parent === 'string' ? parent : (left ?? right)?.root;
  if (root === undefined) throw new Rejection('MALFORMED', `item ${idText(struct.id)} has no parent`);
  checkRootIsText(ins.doc, root);
  const state = Y.getState(ins.doc.store, struct.id.client);
  if (struct.id.clock < state) {
    // The doc has the item's start: Item.integrate links the rest after the doc's struct at state - 1,
    // which must be an item of the same root, or Yjs throws (garbage) or links into another text.
    const previous = locate(ins, Y.createID(struct.id.client, state - 1));
    if (previous.gc || previous.root !== root) {
      throw new Rejection('MALFORMED', `item ${idText(struct.id)} does not continue the text it partly overlaps`);
    }
  }
  ins.placement.set(struct, { gc: false, root });
  touch(ins, root, content instanceof Y.ContentString ? overlap(struct, state, Infinity) : 0);
}

/**
 * Bidirectional controls and invisible characters (text/hiddenCharacters.ts)
 * are refused in typed text as in every other text. Only the part the doc
 * does not have yet is looked at: the rest was accepted before.
 */
function refuseHiddenCharacters(ins: Inspection, item: Y.Item, str: string): void {
  const known = Math.max(0, Y.getState(ins.doc.store, item.id.client) - item.id.clock);
  const hidden = findHiddenCharacter(str.slice(known));
  if (hidden) {
    throw new Rejection(
      'FORBIDDEN_CONTENT',
      `item ${idText(item.id)} inserts ${hidden.description} at offset ${hidden.offset} of its text; ${HIDDEN_REFUSAL}`,
    );
  }
}

/** Where the struct holding `id` is: in the doc (looked up) or among the update's structs placed so far. */
function locate(ins: Inspection, id: Y.ID): Placement {
  if (id.clock < Y.getState(ins.doc.store, id.client)) {
    const struct = Y.getItem(ins.doc.store, id) as StoredStruct;
    return struct instanceof Y.GC ? { gc: true } : { gc: false, root: rootOf(ins.doc, struct) };
  }
  const structs = ins.byClient.get(id.client) ?? [];
  const placement = ins.placement.get(structs[indexOfClock(structs, id.clock)]);
  if (placement === undefined) throw new Error(`inspectUpdate: ${idText(id)} located before it was placed`);
  return placement;
}

/** Root name of a doc item, refusing items of nested types or map entries. */
function rootOf(doc: Y.Doc, item: Y.Item): string {
  const parent = item.parent as Y.AbstractType<unknown>;
  if (parent._item !== null || item.parentSub !== null) {
    throw new Rejection('FORBIDDEN_CONTENT', `item ${idText(item.id)} belongs to a nested type or a map entry`);
  }
  let name = rootNames.get(parent);
  if (name === undefined) {
    name = Y.findRootTypeKey(parent);
    rootNames.set(parent, name);
  }
  checkRootIsText(doc, name);
  return name;
}

/** A root may be a Y.Text, or still untyped (Y.AbstractType: created by applyUpdate, before any getText). */
function checkRootIsText(doc: Y.Doc, name: string): void {
  const type = doc.share.get(name);
  if (type !== undefined && type.constructor !== Y.Text && type.constructor !== Y.AbstractType) {
    throw new Rejection('FORBIDDEN_CONTENT', `root "${name}" is a ${type.constructor.name}, not a text`);
  }
}

/** Deletions apply after the structs: they may cover the doc's clocks and the update's new ones, nothing beyond. */
function inspectDeletions(ins: Inspection, ds: DeleteSet): void {
  for (const [client, items] of ds.clients) {
    const state = Y.getState(ins.doc.store, client);
    const end = knownEnd(ins, client);
    for (const { clock, len } of mergeRanges(items)) {
      if (clock + len > end) {
        throw new Rejection('NOT_READY', `the update deletes ${idText(Y.createID(client, clock))} (length ${len}), which the document does not have`);
      }
      if (clock < state) deleteFromDoc(ins, client, clock, Math.min(clock + len, state));
      if (clock + len > state) deleteFromUpdate(ins, client, Math.max(clock, state), clock + len);
    }
  }
}

/** Sorted, non-overlapping ranges, so that no clock is counted twice. */
function mergeRanges(items: { clock: number; len: number }[]): { clock: number; len: number }[] {
  const merged: { clock: number; len: number }[] = [];
  for (const { clock, len } of [...items].sort((a, b) => a.clock - b.clock)) {
    // Yjs never writes empty ranges, and throws re-encoding one it cannot apply yet.
    if (len === 0 || !Number.isSafeInteger(clock + len)) throw new Rejection('MALFORMED', 'a deleted range is empty or out of bounds');
    const last = merged[merged.length - 1];
    if (last && clock <= last.clock + last.len) last.len = Math.max(last.len, clock + len - last.clock);
    else merged.push({ clock, len });
  }
  return merged;
}

/** Visits only the doc structs in [from, to): visible strings of root texts may go, nothing else. */
function deleteFromDoc(ins: Inspection, client: number, from: number, to: number): void {
  const structs = ins.doc.store.clients.get(client) as StoredStruct[];
  for (let i = Y.findIndexSS(structs, from); i < structs.length && structs[i].id.clock < to; i++) {
    const struct = structs[i];
    if (struct instanceof Y.GC || struct.deleted) continue;
    if (!(struct.content instanceof Y.ContentString)) {
      throw new Rejection('FORBIDDEN_CONTENT', `the update deletes ${struct.content.constructor.name} at ${idText(struct.id)}, not plain text`);
    }
    touch(ins, rootOf(ins.doc, struct), -overlap(struct, from, to));
    ins.changes = true;
  }
}

/** Deleting the update's own new strings: their root is already touched, their length must not count. */
function deleteFromUpdate(ins: Inspection, client: number, from: number, to: number): void {
  const structs = ins.byClient.get(client) ?? [];
  for (let i = indexOfClock(structs, from); i < structs.length && structs[i].id.clock < to; i++) {
    const struct = structs[i];
    const placement = ins.placement.get(struct);
    if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentString) || !placement || placement.gc) continue;
    touch(ins, placement.root, -overlap(struct, from, to));
  }
}

/** Number of the struct's clocks in [from, to). */
function overlap(struct: Struct, from: number, to: number): number {
  return Math.min(to, struct.id.clock + struct.length) - Math.max(from, struct.id.clock);
}

function touch(ins: Inspection, root: string, lengthChange: number): void {
  ins.delta.set(root, (ins.delta.get(root) ?? 0) + lengthChange);
}

/** Index of the struct containing `clock` in a contiguous, clock-ordered list (the caller knows it is there). */
function indexOfClock(structs: Struct[], clock: number): number {
  let low = 0;
  let high = structs.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (structs[mid].id.clock <= clock) low = mid;
    else high = mid - 1;
  }
  return low;
}

function idText(id: Y.ID): string {
  return `${id.client}:${id.clock}`;
}
