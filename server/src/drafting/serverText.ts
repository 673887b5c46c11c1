/**
 * A text change the server makes itself (accepting an amendment): stored in
 * the update log like any update, the paragraph's text refreshed, and the
 * change feed told in the same transaction; broadcast after commit.
 */
import { replacementUpdate, SERVER_ORIGIN } from '../collab/serverEdits.js';
import { insertUpdates } from '../collab/updateLog.js';
import type { Declaration, Paragraph } from '../db/entities/index.js';
import type { Command } from './command.js';

export interface ServerTextChange {
  declaration: Declaration;
  paragraph: Paragraph;
  start: number;
  end: number;
  text: string;
}

/** Writes the change; returns the paragraph's new text. The caller holds the declaration's lock. */
export async function replaceText(command: Command, change: ServerTextChange): Promise<string> {
  const { hub } = command.services;
  const { declaration, paragraph } = change;
  const live = await hub.current(command.em, declaration.id);
  const update = replacementUpdate(live.doc, paragraph.id, change.start, change.end, change.text);
  const current = live.doc.getText(paragraph.id).toString();
  const newText = current.slice(0, change.start) + change.text + current.slice(change.end);
  declaration.lastDocSeq += 1;
  const seq = declaration.lastDocSeq;
  await insertUpdates(command.em, declaration.id, [{ seq, update, origin: SERVER_ORIGIN, actorId: command.viewer?.id ?? null }]);
  paragraph.text = newText;
  paragraph.textDocSeq = seq;
  paragraph.feedDocSeq = seq; // the caller records the PARAGRAPH_EDITED event with this text
  paragraph.updatedAt = new Date();
  command.afterCommit(() => hub.committed(declaration.id, { seq, update, origin: SERVER_ORIGIN }));
  return newText;
}
