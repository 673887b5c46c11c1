import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { exportDeclaration } from '../../drafting/export/exportDeclaration.js';
import type { Context } from '../context.js';
import { ExportFormat } from '../types/enums.js';

@Resolver()
export class ExportResolver {
  @Query(() => String, {
    description:
      'The text as MARKDOWN, HTML (a printable page), AKOMA_NTOSO (LegalDocML 3.0) or COMPILATION (pending amendments with who proposed, supported and opposed them); the current text, or a published revision. Also over HTTP: GET /declarations/:id/export.md|.html|.xml|.compilation.md',
  })
  async export(
    @Arg('declarationId', () => ID) declarationId: string,
    @Arg('format', () => ExportFormat) format: ExportFormat,
    @Arg('revisionId', () => ID, { nullable: true }) revisionId: string | null,
    @Ctx() ctx: Context,
  ): Promise<string> {
    return exportDeclaration(ctx.em, ctx.services, ctx.viewer, { declarationId, format, revisionId });
  }
}
