/**
 * Writes one change event, in the caller's transaction.
 *
 * The caller holds the declaration's row lock (`lockDeclaration`); the seq is
 * `lastEventSeq + 1`, so two transactions can never take the same seq, and a
 * transaction that rolls back takes its seq back with it: no gaps. Other
 * instances hear of it by a NOTIFY sent in the same transaction; this
 * instance's subscribers, right after the commit.
 */
import { ChangeEvent, type ChangeKind, type Declaration } from '../db/entities/index.js';
import type { Actor, Command } from './command.js';
import { feedItem } from '../feed/changeFeed.js';

export interface ChangeProps {
  kind: ChangeKind;
  summary: string;
  paragraphId?: string;
  commentId?: string;
  amendmentId?: string;
  revisionId?: string;
  text?: string;
  /** Who made the change, when not the command's viewer (coalesced edits). */
  actorId?: string | null;
}

export function recordChange(command: Command<Actor>, declaration: Declaration, props: ChangeProps): ChangeEvent {
  declaration.lastEventSeq += 1;
  declaration.updatedAt = new Date();
  const event = command.em.create(ChangeEvent, {
    declaration: declaration.id,
    seq: declaration.lastEventSeq,
    kind: props.kind,
    actor: props.actorId !== undefined ? props.actorId : command.viewer.id || null,
    paragraphId: props.paragraphId ?? null,
    commentId: props.commentId ?? null,
    amendmentId: props.amendmentId ?? null,
    revisionId: props.revisionId ?? null,
    text: props.text ?? null,
    summary: props.summary,
    at: new Date(),
  });
  command.announce(feedItem(event));
  return event;
}
