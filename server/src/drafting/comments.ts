/**
 * Comments and their threads. Anyone but an observer comments, replies,
 * resolves and reopens; only the author edits. A reply joins the thread of
 * the comment it answers (threads are flat, as in every document editor),
 * and resolving or reopening acts on the whole thread.
 */
import { authorize } from '../auth/policy.js';
import { ChangeKind, Comment, type Declaration } from '../db/entities/index.js';
import { badInput } from '../errors.js';
import { recordChange } from './recordChange.js';
import { anchorColumns, anchorIn } from './anchoring.js';
import type { Command } from './command.js';
import { actorName } from './declarations.js';
import { isId, lockDeclarationOf } from './lookup.js';
import { Structure } from './structure.js';
import { requiredText } from './validation.js';

async function lockForComment(command: Command, kind: 'paragraph' | 'comment', id: string): Promise<Declaration> {
  const declaration = await lockDeclarationOf(command, 'comment.write', kind, id);
  authorize(command.viewer, 'comment.write', { declaration });
  return declaration;
}

export interface AddCommentProps {
  paragraphId: string;
  body: string;
  anchor?: { start: number; end: number } | null;
  replyTo?: string | null;
}

export async function addComment(command: Command, props: AddCommentProps): Promise<Comment> {
  const body = requiredText('body', props.body, command.limits.commentChars);
  const declaration = await lockForComment(command, 'paragraph', props.paragraphId);
  const structure = await Structure.load(command.em, declaration.id);
  const label = structure.label(props.paragraphId);
  let thread: Comment | null = null;
  if (props.replyTo != null) {
    const target = isId(props.replyTo)
      ? await command.em.findOne(Comment, { id: props.replyTo, paragraph: props.paragraphId })
      : null;
    if (!target) throw badInput(`replyTo ${JSON.stringify(props.replyTo)} is not a comment on this paragraph`, { field: 'replyTo' });
    thread = target.replyTo ? await command.em.findOneOrFail(Comment, { id: target.replyTo.id }) : target;
    if (props.anchor) throw badInput('a reply takes the anchor of its thread: give no anchor', { field: 'anchor' });
  }
  const comment = command.em.create(Comment, {
    declaration: declaration.id,
    paragraph: props.paragraphId,
    author: command.viewer.id,
    replyTo: thread?.id ?? null,
    body,
  });
  if (props.anchor) Object.assign(comment, anchorColumns(await anchorIn(command, declaration.id, props.paragraphId, props.anchor)));
  recordChange(command, declaration, {
    kind: ChangeKind.COMMENT_ADDED,
    paragraphId: props.paragraphId,
    commentId: comment.id,
    summary: `${actorName(command)} ${thread ? 'replied to a comment on' : 'commented on'} paragraph ${label}`,
  });
  await command.em.flush();
  return comment;
}

export async function editComment(command: Command, commentId: string, body: string): Promise<Comment> {
  const text = requiredText('body', body, command.limits.commentChars);
  const declaration = await lockForComment(command, 'comment', commentId);
  const comment = await command.em.findOneOrFail(Comment, { id: commentId });
  authorize(command.viewer, 'comment.edit', { comment: { authorId: comment.author.id } });
  if (comment.body === text) return comment;
  comment.body = text;
  comment.editedAt = new Date();
  const structure = await Structure.load(command.em, declaration.id);
  recordChange(command, declaration, {
    kind: ChangeKind.COMMENT_EDITED,
    paragraphId: comment.paragraph.id,
    commentId,
    summary: `${actorName(command)} edited a comment on paragraph ${structure.label(comment.paragraph.id)}`,
  });
  await command.em.flush();
  return comment;
}

/** Resolves (`resolved = true`) or reopens a comment's thread; returns the thread's first comment. */
export async function setCommentResolved(command: Command, commentId: string, resolved: boolean): Promise<Comment> {
  const declaration = await lockForComment(command, 'comment', commentId);
  const target = await command.em.findOneOrFail(Comment, { id: commentId });
  const thread = target.replyTo ? await command.em.findOneOrFail(Comment, { id: target.replyTo.id }) : target;
  // Already so (say, two people pressed "resolve" at once): nothing changes, nothing is recorded.
  if (thread.resolved === resolved) return thread;
  thread.resolved = resolved;
  const structure = await Structure.load(command.em, declaration.id);
  recordChange(command, declaration, {
    kind: resolved ? ChangeKind.COMMENT_RESOLVED : ChangeKind.COMMENT_REOPENED,
    paragraphId: thread.paragraph.id,
    commentId: thread.id,
    summary: `${actorName(command)} ${resolved ? 'resolved' : 'reopened'} a comment on paragraph ${structure.label(thread.paragraph.id)}`,
  });
  await command.em.flush();
  return thread;
}
