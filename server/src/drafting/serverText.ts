/**
 * Text changes the server makes itself (a new paragraph's initial text, an
 * accepted amendment). Every one goes through `writeServerUpdate`, the single
 * place that does what the group commit does for a client's update: a seq
 * under the declaration's lock, the row in the update log, and the `doc`
 * notification to the other instances, all in the command's transaction (so
 * PostgreSQL delivers the news exactly when the row becomes visible); then,
 * after commit, this instance's hub and its subscribers.
 */
import type * as Y from 'yjs';
import { docNews, NOTIFY_CHANNEL } from '../collab/instanceNews.js';
import { replacementUpdate, SERVER_ORIGIN } from '../collab/serverEdits.js';
import { insertUpdates } from '../collab/updateLog.js';
import type { Declaration, Paragraph } from '../db/entities/index.js';
import type { Command } from './command.js';

/**
 * Writes the update `build` makes from the declaration's document, caught up
 * with everything committed; returns its seq. The caller holds the
 * declaration's lock (the seq is taken from `declaration.lastDocSeq`, flushed
 * with the command) and must not change the document itself: the hub applies
 * the update once the transaction has committed.
 */
export async function writeServerUpdate(command: Command, declaration: Declaration, build: (doc: Y.Doc) => Uint8Array): Promise<number> {
  const { hub } = command;
  // Caught up under our lock, before we write: the hub must never load our own uncommitted rows.
  const live = await hub.current(command.em, declaration.id);
  const update = build(live.doc);
  declaration.lastDocSeq += 1;
  const seq = declaration.lastDocSeq;
  await insertUpdates(command.em, declaration.id, [{ seq, update, origin: SERVER_ORIGIN, actorId: command.viewer?.id ?? null }]);
  // Delivered at COMMIT (never on rollback): other instances read the row and tell their subscribers.
  await command.em.execute('select pg_notify(?, ?)', [NOTIFY_CHANNEL, docNews(declaration.id, seq)]);
  // This instance's hub and subscribers: the update itself, no read of the log (whichever of this and our own
  // notification coming back over LISTEN is second finds the seq already applied and does nothing).
  command.afterCommit(() => hub.committed(declaration.id, { seq, update, origin: SERVER_ORIGIN }));
  return seq;
}

export interface ServerTextChange {
  declaration: Declaration;
  paragraph: Paragraph;
  start: number;
  end: number;
  text: string;
}

/**
 * Replaces `[start, end)` of the paragraph's text (accepting an amendment);
 * returns the paragraph's new text, also stored in its row. The caller holds
 * the declaration's lock and records the PARAGRAPH_EDITED event.
 */
export async function replaceText(command: Command, change: ServerTextChange): Promise<string> {
  const { declaration, paragraph } = change;
  let newText = '';
  const seq = await writeServerUpdate(command, declaration, (doc) => {
    const current = doc.getText(paragraph.id).toString();
    newText = current.slice(0, change.start) + change.text + current.slice(change.end);
    return replacementUpdate(doc, paragraph.id, change.start, change.end, change.text);
  });
  paragraph.text = newText;
  paragraph.textDocSeq = seq;
  paragraph.feedDocSeq = seq; // the caller records the PARAGRAPH_EDITED event with this text
  paragraph.updatedAt = new Date();
  return newText;
}
