/** The export operation, shared by the GraphQL `export` query and the HTTP download routes. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { authorize, requireViewer, type Viewer } from '../../auth/policy.js';
import { Declaration } from '../../db/entities/index.js';
import { notFound } from '../../errors.js';
import { settleDeadlinesBeforeRead, type DeadlineSettler } from '../deadlines.js';
import { isId } from '../lookup.js';
import { currentSource, revisionSource } from './exportSource.js';
import { renderExport, type ExportFormatName } from './index.js';

export interface ExportRequest {
  declarationId: string;
  format: ExportFormatName;
  /** A published revision of the declaration; absent: the current text. */
  revisionId?: string | null;
}

/** Renders the export; NOT_FOUND for a declaration or revision the viewer cannot see. */
export async function exportDeclaration(em: EntityManager, services: DeadlineSettler, viewer: Viewer | null, request: ExportRequest): Promise<string> {
  const reader = requireViewer(viewer);
  authorize(reader, 'declaration.read', { declarationId: request.declarationId });
  const found = isId(request.declarationId) ? await em.findOne(Declaration, { id: request.declarationId }) : null;
  if (!found) throw notFound('declaration', request.declarationId);
  // A read that writes: a passed deadline is settled (adopted) first, see deadlines.ts.
  const [declaration] = await settleDeadlinesBeforeRead(services, em, [found]);
  const source = request.revisionId
    ? await revisionSource(em, declaration!, request.revisionId)
    : await currentSource(em, declaration!);
  return renderExport(request.format, source);
}
