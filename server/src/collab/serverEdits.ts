/**
 * Updates the server writes itself (a new paragraph's initial text, an
 * accepted amendment). They are made on a scratch document and stored and
 * broadcast exactly like a client's update, so every replica converges on
 * them the usual way. They are written only through `writeServerUpdate`
 * (drafting/serverText.ts), which also tells the other instances.
 */
import * as Y from 'yjs';

/** A client id the document has never seen, so the new items cannot collide with anyone's. */
function unusedClientId(doc: Y.Doc): number {
  for (;;) {
    const id = Math.floor(Math.random() * 0xffffffff) >>> 0;
    if (id !== 0 && !doc.store.clients.has(id)) return id;
  }
}

/**
 * The update that writes `text` into the (still empty) Y.Text named
 * `rootName`. Only valid for a text nobody has written to: it does not build
 * on the document's existing items.
 */
export function initialTextUpdate(doc: Y.Doc, rootName: string, text: string): Uint8Array {
  const scratch = new Y.Doc();
  scratch.clientID = unusedClientId(doc);
  scratch.getText(rootName).insert(0, text);
  return Y.encodeStateAsUpdate(scratch);
}

/** The origin of updates the server writes itself, as subscribers see it. */
export const SERVER_ORIGIN = 'server';

/**
 * The update that replaces `[start, end)` of the Y.Text `rootName` with
 * `text`, built on everything `doc` holds. Made on a copy (the document
 * itself changes only when the update is committed); costs one encode and
 * decode of the document, which is fine for an occasional server edit.
 */
export function replacementUpdate(doc: Y.Doc, rootName: string, start: number, end: number, text: string): Uint8Array {
  const scratch = new Y.Doc({ gc: false });
  Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc));
  scratch.clientID = unusedClientId(doc);
  const before = Y.encodeStateVector(scratch);
  scratch.transact(() => {
    const target = scratch.getText(rootName);
    if (end > start) target.delete(start, end - start);
    if (text.length > 0) target.insert(start, text);
  });
  const update = Y.encodeStateAsUpdate(scratch, before);
  scratch.destroy();
  return update;
}
