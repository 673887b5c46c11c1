import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { resolveAnchor } from '../../collab/anchors.js';
import { addComment, editComment, setCommentResolved } from '../../drafting/comments.js';
import type { Context } from '../context.js';
import { ID_ARG } from '../descriptions.js';
import { CommentType, TextAnchorType } from '../types/Comment.js';
import { AddCommentInput } from '../types/inputs.js';
import { ParagraphType } from '../types/Paragraph.js';
import { ParticipantType } from '../types/Participant.js';
import { command } from './access.js';

@Resolver(() => CommentType)
export class CommentResolver {
  @Mutation(() => CommentType, {
    description:
      'Any role but OBSERVER (FORBIDDEN), until adoption (CONFLICT after; the silence procedure still takes comments): a comment on the paragraph or a range of it, or a reply. Records COMMENT_ADDED.',
  })
  async addComment(
    @Arg('paragraphId', () => ID, { description: ID_ARG.paragraph }) paragraphId: string,
    @Arg('input', () => AddCommentInput, { description: 'Its body, and its anchor or the comment it replies to.' }) input: AddCommentInput,
    @Ctx() ctx: Context,
  ): Promise<CommentType> {
    return CommentType.from(await command(ctx, (c) => addComment(c, { paragraphId, ...input })));
  }

  @Mutation(() => CommentType, {
    description: 'Its author only (FORBIDDEN for anyone else), until adoption (CONFLICT after): replaces the body and sets editedAt. Records COMMENT_EDITED.',
  })
  async editComment(
    @Arg('commentId', () => ID, { description: ID_ARG.comment }) commentId: string,
    @Arg('body', () => String, { description: 'The new body: not blank, trimmed, at most DRAFTROOM_MAX_COMMENT_CHARS characters.' }) body: string,
    @Ctx() ctx: Context,
  ) {
    return CommentType.from(await command(ctx, (c) => editComment(c, commentId, body)));
  }

  @Mutation(() => CommentType, {
    description:
      'Any role but OBSERVER, until adoption: marks the thread resolved (given a reply, its thread) and returns the thread. Records COMMENT_RESOLVED; already resolved: nothing changes.',
  })
  async resolveComment(@Arg('commentId', () => ID, { description: ID_ARG.comment }) commentId: string, @Ctx() ctx: Context): Promise<CommentType> {
    return CommentType.from(await command(ctx, (c) => setCommentResolved(c, commentId, true)));
  }

  @Mutation(() => CommentType, {
    description: 'Any role but OBSERVER, until adoption: reopens a resolved thread and returns it. Records COMMENT_REOPENED; already open: nothing changes.',
  })
  async reopenComment(@Arg('commentId', () => ID, { description: ID_ARG.comment }) commentId: string, @Ctx() ctx: Context): Promise<CommentType> {
    return CommentType.from(await command(ctx, (c) => setCommentResolved(c, commentId, false)));
  }

  @FieldResolver(() => ParagraphType, { description: 'The paragraph it is on.' })
  async paragraph(@Root() c: CommentType, @Ctx() ctx: Context): Promise<ParagraphType> {
    const structure = await ctx.loaders.structure.load(c.declarationId);
    return ParagraphType.from(structure.get(c.paragraphId)!);
  }

  @FieldResolver(() => ParticipantType, { description: 'Who wrote it.' })
  async author(@Root() c: CommentType, @Ctx() ctx: Context): Promise<ParticipantType> {
    return ParticipantType.from((await ctx.loaders.participant.load(c.authorId))!);
  }

  @FieldResolver(() => TextAnchorType, { nullable: true, description: 'null: about the whole paragraph.' })
  async anchor(@Root() c: CommentType, @Ctx() ctx: Context): Promise<TextAnchorType | null> {
    if (!c.storedAnchor) return null;
    const live = await ctx.loaders.document.load(c.declarationId);
    return Object.assign(new TextAnchorType(), resolveAnchor(live.doc, c.storedAnchor));
  }

  @FieldResolver(() => CommentType, { nullable: true, description: 'The top-level comment of its thread, for a reply; null for a top-level comment.' })
  async replyTo(@Root() c: CommentType, @Ctx() ctx: Context): Promise<CommentType | null> {
    if (!c.replyToId) return null;
    const parent = await ctx.loaders.comment.load(c.replyToId);
    return parent ? CommentType.from(parent) : null;
  }

  @FieldResolver(() => [CommentType], { description: 'The replies in its thread, oldest first; empty for a reply (threads are one level deep).' })
  async replies(@Root() c: CommentType, @Ctx() ctx: Context): Promise<CommentType[]> {
    if (c.replyToId) return [];
    return (await ctx.loaders.replies.load(c.id)).map(CommentType.from);
  }
}
