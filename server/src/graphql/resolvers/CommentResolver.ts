import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { resolveAnchor } from '../../collab/anchors.js';
import { addComment, editComment, setCommentResolved } from '../../drafting/comments.js';
import type { Context } from '../context.js';
import { CommentType, TextAnchorType } from '../types/Comment.js';
import { AddCommentInput } from '../types/inputs.js';
import { ParagraphType } from '../types/Paragraph.js';
import { ParticipantType } from '../types/Participant.js';
import { command } from './access.js';

@Resolver(() => CommentType)
export class CommentResolver {
  @Mutation(() => CommentType)
  async addComment(
    @Arg('paragraphId', () => ID) paragraphId: string,
    @Arg('input', () => AddCommentInput) input: AddCommentInput,
    @Ctx() ctx: Context,
  ): Promise<CommentType> {
    return CommentType.from(await command(ctx, (c) => addComment(c, { paragraphId, ...input })));
  }

  @Mutation(() => CommentType, { description: 'Author only.' })
  async editComment(@Arg('commentId', () => ID) commentId: string, @Arg('body', () => String) body: string, @Ctx() ctx: Context) {
    return CommentType.from(await command(ctx, (c) => editComment(c, commentId, body)));
  }

  @Mutation(() => CommentType)
  async resolveComment(@Arg('commentId', () => ID) commentId: string, @Ctx() ctx: Context): Promise<CommentType> {
    return CommentType.from(await command(ctx, (c) => setCommentResolved(c, commentId, true)));
  }

  @Mutation(() => CommentType)
  async reopenComment(@Arg('commentId', () => ID) commentId: string, @Ctx() ctx: Context): Promise<CommentType> {
    return CommentType.from(await command(ctx, (c) => setCommentResolved(c, commentId, false)));
  }

  @FieldResolver(() => ParagraphType)
  async paragraph(@Root() c: CommentType, @Ctx() ctx: Context): Promise<ParagraphType> {
    const structure = await ctx.loaders.structure.load(c.declarationId);
    return ParagraphType.from(structure.get(c.paragraphId)!);
  }

  @FieldResolver(() => ParticipantType)
  async author(@Root() c: CommentType, @Ctx() ctx: Context): Promise<ParticipantType> {
    return ParticipantType.from((await ctx.loaders.participant.load(c.authorId))!);
  }

  @FieldResolver(() => TextAnchorType, { nullable: true, description: 'null: about the whole paragraph.' })
  async anchor(@Root() c: CommentType, @Ctx() ctx: Context): Promise<TextAnchorType | null> {
    if (!c.storedAnchor) return null;
    const live = await ctx.loaders.document.load(c.declarationId);
    return Object.assign(new TextAnchorType(), resolveAnchor(live.doc, c.storedAnchor));
  }

  @FieldResolver(() => CommentType, { nullable: true })
  async replyTo(@Root() c: CommentType, @Ctx() ctx: Context): Promise<CommentType | null> {
    if (!c.replyToId) return null;
    const parent = await ctx.loaders.comment.load(c.replyToId);
    return parent ? CommentType.from(parent) : null;
  }

  @FieldResolver(() => [CommentType], { description: 'Oldest first.' })
  async replies(@Root() c: CommentType, @Ctx() ctx: Context): Promise<CommentType[]> {
    if (c.replyToId) return [];
    return (await ctx.loaders.replies.load(c.id)).map(CommentType.from);
  }
}
