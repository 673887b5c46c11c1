/**
 * Writes one change event, in the caller's transaction.
 *
 * The caller holds the declaration's row lock (`lockDeclaration`); the seq is
 * `lastEventSeq + 1`, so two transactions can never take the same seq, and a
 * transaction that rolls back takes its seq back with it: no gaps.
 */
import { ChangeEvent, type ChangeKind, type Declaration } from '../db/entities/index.js';
import type { Command } from '../drafting/command.js';

export interface ChangeProps {
  kind: ChangeKind;
  summary: string;
  paragraphId?: string;
  commentId?: string;
  amendmentId?: string;
  revisionId?: string;
  text?: string;
}

export function recordChange(command: Command, declaration: Declaration, props: ChangeProps): ChangeEvent {
  declaration.lastEventSeq += 1;
  declaration.updatedAt = new Date();
  const event = command.em.create(ChangeEvent, {
    declaration: declaration.id,
    seq: declaration.lastEventSeq,
    kind: props.kind,
    actor: command.viewer?.id ?? null,
    paragraphId: props.paragraphId ?? null,
    commentId: props.commentId ?? null,
    amendmentId: props.amendmentId ?? null,
    revisionId: props.revisionId ?? null,
    text: props.text ?? null,
    summary: props.summary,
    at: new Date(),
  });
  const seq = event.seq;
  command.afterCommit(() => command.services.feed.published(declaration.id, seq));
  return event;
}
