import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { exportDeclaration } from '../../drafting/export/exportDeclaration.js';
import type { Context } from '../context.js';
import { ID_ARG } from '../descriptions.js';
import { ExportFormat } from '../types/enums.js';

@Resolver()
export class ExportResolver {
  @Query(() => String, {
    description:
      'The text as MARKDOWN, HTML (a printable page), AKOMA_NTOSO (LegalDocML 3.0) or COMPILATION (pending amendments with who proposed, supported and opposed them); the current text, or a published revision. Any role of the declaration. Also over HTTP: GET /declarations/:id/export.md|.html|.xml|.compilation.md',
  })
  async export(
    @Arg('declarationId', () => ID, { description: ID_ARG.declaration }) declarationId: string,
    @Arg('format', () => ExportFormat, { description: 'What to write it as.' }) format: ExportFormat,
    @Arg('revisionId', () => ID, {
      nullable: true,
      description: "A published revision to export instead of the current text; NOT_FOUND when it is not one of this declaration's.",
    })
    revisionId: string | null,
    @Ctx() ctx: Context,
  ): Promise<string> {
    return exportDeclaration(ctx.em, ctx.services, ctx.viewer, { declarationId, format, revisionId });
  }
}
