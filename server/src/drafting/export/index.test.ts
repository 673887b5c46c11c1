import { describe, expect, it } from 'vitest';
import { ExportFormat } from '../../graphql/types/enums.js';
import { renderAkomaNtoso } from './akomaNtoso.js';
import { renderCompilation } from './compilation.js';
import { renderHtml } from './html.js';
import { EXPORT_MEDIA, renderExport, type ExportFormatName } from './index.js';
import { renderMarkdown } from './markdown.js';
import { fixture } from '../../../../test/support/exportFixture.js';

describe('renderExport', () => {
  const source = fixture();

  it('dispatches each format to its renderer', () => {
    expect(renderExport('MARKDOWN', source)).toBe(renderMarkdown(source));
    expect(renderExport('HTML', source)).toBe(renderHtml(source));
    expect(renderExport('AKOMA_NTOSO', source)).toBe(renderAkomaNtoso(source));
    expect(renderExport('COMPILATION', source)).toBe(renderCompilation(source));
  });

  it('accepts the GraphQL ExportFormat enum as it is', () => {
    expect(renderExport(ExportFormat.HTML, source)).toBe(renderHtml(source));
  });

  it('refuses a format it does not know', () => {
    expect(() => renderExport('PDF' as ExportFormatName, source)).toThrow(/Unknown export format: PDF/);
  });
});

describe('EXPORT_MEDIA', () => {
  it('covers every format of the GraphQL enum', () => {
    expect(Object.keys(EXPORT_MEDIA).sort()).toEqual(Object.values(ExportFormat).sort());
  });

  it('gives each format its extension and a UTF-8 content type', () => {
    expect(EXPORT_MEDIA.MARKDOWN).toEqual({ extension: 'md', contentType: 'text/markdown; charset=utf-8' });
    expect(EXPORT_MEDIA.HTML).toEqual({ extension: 'html', contentType: 'text/html; charset=utf-8' });
    expect(EXPORT_MEDIA.AKOMA_NTOSO).toEqual({
      extension: 'xml',
      contentType: 'application/akn+xml; charset=utf-8',
    });
    expect(EXPORT_MEDIA.COMPILATION).toEqual({
      extension: 'compilation.md',
      contentType: 'text/markdown; charset=utf-8',
    });
  });
});
