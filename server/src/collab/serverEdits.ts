/**
 * Updates the server writes itself (a new paragraph's initial text, an
 * accepted amendment). They are made on a scratch document and stored and
 * broadcast exactly like a client's update, so every replica converges on
 * them the usual way.
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
