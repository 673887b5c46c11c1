/**
 * One entry point for the `export` query: `renderExport(format, source)`
 * picks the renderer of the requested ExportFormat, and `EXPORT_MEDIA` says
 * which file extension and Content-Type its output has (for a download
 * endpoint, or a client saving the string the query returns).
 */
import { renderAkomaNtoso } from './akomaNtoso.js';
import { renderCompilation } from './compilation.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { ExportSource } from './source.js';

export type ExportFormatName = 'MARKDOWN' | 'HTML' | 'AKOMA_NTOSO' | 'COMPILATION';

export const EXPORT_MEDIA: Record<ExportFormatName, { extension: string; contentType: string }> = {
  MARKDOWN: { extension: 'md', contentType: 'text/markdown; charset=utf-8' },
  HTML: { extension: 'html', contentType: 'text/html; charset=utf-8' },
  AKOMA_NTOSO: { extension: 'xml', contentType: 'application/akn+xml; charset=utf-8' },
  COMPILATION: { extension: 'compilation.md', contentType: 'text/markdown; charset=utf-8' },
};

const RENDERERS: Record<ExportFormatName, (source: ExportSource) => string> = {
  MARKDOWN: renderMarkdown,
  HTML: renderHtml,
  AKOMA_NTOSO: renderAkomaNtoso,
  COMPILATION: renderCompilation,
};

export function renderExport(format: ExportFormatName, source: ExportSource): string {
  const render = RENDERERS[format];
  if (!render) throw new Error(`Unknown export format: ${String(format)}`);
  return render(source);
}

export { renderAkomaNtoso, renderCompilation, renderHtml, renderMarkdown };
export type { ExportSource } from './source.js';
