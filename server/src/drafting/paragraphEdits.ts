/**
 * The PARAGRAPH_EDITED events the edit coalescer (collab/editCoalescer.ts)
 * decided are due, written by the server for nobody (SYSTEM_VIEWER): the
 * coalescer decides when, this decides what. It is handed to the coalescer
 * as a function (app.ts), so collab/ does not import drafting/.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EditCoalescerDeps } from '../collab/editCoalescer.js';
import { ChangeKind, Participant } from '../db/entities/index.js';
import { recordChange } from './recordChange.js';
import type { Actor, Command } from './command.js';
import { speakerName } from './declarations.js';
import { runCommand, SYSTEM_VIEWER, type CommandRunner } from './runCommand.js';
import { Structure } from './structure.js';

/** The coalescer's `writeEdits`: each call one transaction of `recordParagraphEdits`, run with `runner`. */
export function paragraphEditWriter(em: EntityManager, runner: CommandRunner): EditCoalescerDeps['writeEdits'] {
  return (declarationId, paragraphs) =>
    runCommand(em, runner, SYSTEM_VIEWER, (command) => recordParagraphEdits(command, declarationId, paragraphs));
}

/**
 * One PARAGRAPH_EDITED per paragraph of `paragraphs` still owing one (id →
 * its editor as the coalescer knows it, or null: the update log says), with
 * its committed text.
 */
export async function recordParagraphEdits(command: Command<Actor>, declarationId: string, paragraphs: Map<string, string | null>): Promise<void> {
  const declaration = await command.lockDeclaration(declarationId);
  const owing = await owingParagraphs(command.em, [...paragraphs.keys()]);
  if (owing.length === 0) return;
  const structure = await Structure.load(command.em, declarationId);
  for (const row of owing) {
    const actorId = paragraphs.get(row.id) ?? row.actor_id;
    const actor = actorId ? await command.em.findOne(Participant, { id: actorId }) : null;
    const who = actor ? speakerName(actor) : 'A co-facilitator';
    recordChange(command, declaration, {
      kind: ChangeKind.PARAGRAPH_EDITED,
      paragraphId: row.id,
      text: row.text,
      actorId,
      summary: `${who} edited paragraph ${structure.label(row.id)}`,
    });
  }
  await command.em.execute(
    `update paragraph set feed_doc_seq = text_doc_seq where id in (${owing.map(() => '?').join(', ')})`,
    owing.map((r) => r.id),
  );
}

/** The paragraphs among `ids` that owe an event, with their text and last editor. */
async function owingParagraphs(em: EntityManager, ids: string[]) {
  if (ids.length === 0) return [];
  return em.execute<{ id: string; text: string; actor_id: string | null }[]>(
    `select p.id, p.text,
            (select u.actor_id from doc_update u where u.declaration_id = p.declaration_id and u.seq = p.text_doc_seq) as actor_id
       from paragraph p
      where p.id in (${ids.map(() => '?').join(', ')}) and p.text_doc_seq > p.feed_doc_seq`,
    ids,
  );
}
