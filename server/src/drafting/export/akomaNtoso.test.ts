import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { AKN_NAMESPACE, renderAkomaNtoso } from './akomaNtoso.js';
import { DELETED_TEXT, fixture, revisionFixture } from '../../../../test/support/exportFixture.js';
import type { ExportSource } from './source.js';

/** A parsed element: fast-xml-parser gives untyped objects. */
type Node = Record<string, any>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  // Decodes numeric character references (&#xA;), which XML defines but
  // fast-xml-parser only expands with this option.
  htmlEntities: true,
  isArray: (name) => ['hcontainer', 'paragraph', 'p', 'FRBRdate'].includes(name),
});

/** Validates with a real XML parser, then parses. */
function parse(source: ExportSource): Node {
  const xml = renderAkomaNtoso(source);
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml) as Node;
}

const XML_FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

describe('renderAkomaNtoso', () => {
  const source = fixture();
  const xml = renderAkomaNtoso(source);
  const doc = parse(source);
  const statement: Node = doc.akomaNtoso.statement;
  const sections: Node[] = statement.mainBody.hcontainer;

  it('is a well-formed Akoma Ntoso 3.0 statement named "declaration"', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(doc.akomaNtoso['@_xmlns']).toBe('http://docs.oasis-open.org/legaldocml/ns/akn/3.0');
    expect(AKN_NAMESPACE).toBe(doc.akomaNtoso['@_xmlns']);
    expect(statement['@_name']).toBe('declaration');
  });

  it('identifies the work, expression and manifestation consistently', () => {
    const id: Node = statement.meta.identification;
    expect(id['@_source']).toBe('#draftroom');
    // The Work is dated by the declaration's creation; expression and manifestation by the export's source.
    const work = '/akn/un/statement/declaration/2026-04-02/6f1c2a9e-0b7d-4c55-9f3e-1a2b3c4d5e6f';
    expect(id.FRBRWork.FRBRthis['@_value']).toBe(`${work}/!main`);
    expect(id.FRBRWork.FRBRuri['@_value']).toBe(work);
    expect(id.FRBRWork.FRBRcountry['@_value']).toBe('un');
    expect(id.FRBRExpression.FRBRuri['@_value']).toBe(`${work}/eng@2026-05-12`);
    expect(id.FRBRExpression.FRBRlanguage['@_language']).toBe('eng');
    expect(id.FRBRManifestation.FRBRthis['@_value']).toBe(`${work}/eng@2026-05-12/!main.xml`);
    expect(id.FRBRWork.FRBRdate[0]['@_date']).toBe('2026-04-02');
    for (const level of ['FRBRWork', 'FRBRExpression', 'FRBRManifestation']) {
      if (level !== 'FRBRWork') expect(id[level].FRBRdate[0]['@_date'], level).toBe('2026-05-12');
      expect(id[level].FRBRauthor['@_href'], level).toMatch(/^#/);
    }
  });

  it('declares every organisation that identification points to', () => {
    const orgs: Node[] = statement.meta.references.TLCOrganization;
    const eIds = orgs.map((o) => `#${o['@_eId']}`);
    expect(eIds).toEqual(expect.arrayContaining(['#draftroom', '#forum']));
    expect(orgs.find((o) => o['@_eId'] === 'forum')!['@_showAs']).toBe(source.forum);
  });

  it('has the title in the preface as docTitle', () => {
    const title = statement.preface.p.find((p: Node) => p['@_class'] === 'title');
    expect(title.docTitle).toBe(source.title);
  });

  it('has one hcontainer per section, with its heading and eId', () => {
    expect(sections).toHaveLength(3);
    expect(sections.map((s) => s['@_name'])).toEqual(['section', 'section', 'section']);
    expect(sections.map((s) => s['@_eId'])).toEqual(['sec_1', 'sec_2', 'sec_3']);
    expect(sections.map((s) => s.heading)).toEqual(source.sections.map((s) => s.title));
  });

  it('gives each paragraph its label as num and its text, unescaped, as content/p', () => {
    source.sections.forEach((section, i) => {
      const kept = section.paragraphs.filter((p) => p.status !== 'DELETED');
      const rendered: Node[] = sections[i]!.paragraph;
      expect(rendered.map((p) => p.num)).toEqual(kept.map((p) => p.label));
      expect(rendered.map((p) => p.content.p[0])).toEqual(
        kept.map((p) => p.text.replace('\u0001', '')),
      );
    });
  });

  it('leaves DELETED paragraphs out', () => {
    expect(xml).not.toContain('DELETED-SECRET');
    expect(xml).not.toContain(DELETED_TEXT.slice(0, 20));
    expect(xml).not.toContain('<num>3</num>');
    expect(sections[1]!.paragraph).toHaveLength(1);
  });

  it('gives paragraphs unique, valid eIds derived from their labels', () => {
    const eIds = [...xml.matchAll(/ eId="([^"]*)"/g)].map((m) => m[1]!);
    expect(eIds).toEqual(expect.arrayContaining(['para_1', 'para_2', 'para_2_bis', 'para_4', 'para_5']));
    expect(new Set(eIds).size).toBe(eIds.length);
    for (const eId of eIds) expect(eId).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it('keeps eIds unique when labels clash after cleaning', () => {
    const clash = fixture();
    clash.sections[0]!.paragraphs[0]!.label = '2 bis';
    clash.sections[0]!.paragraphs[1]!.label = '2  bis!';
    const out = renderAkomaNtoso(clash);
    const eIds = [...out.matchAll(/<paragraph eId="([^"]*)"/g)].map((m) => m[1]);
    expect(eIds.slice(0, 3)).toEqual(['para_2_bis', 'para_2_bis-2', 'para_2_bis-3']);
  });

  it('escapes markup and removes characters XML 1.0 forbids', () => {
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain(']]>');
    expect(xml).not.toMatch(XML_FORBIDDEN);
    expect(xml).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;');
    expect(xml).toContain('🌍👩🏽‍🌾');
  });

  it('escapes user text in attributes too, and keeps line ends exactly', () => {
    const hostile = { ...fixture(), title: 'A "title" <with> & \u0002 \n line', forum: 'F"orum' };
    hostile.sections[0]!.paragraphs[0]!.text = 'one\r\ntwo\tthree';
    const out = parse(hostile);
    const meta: Node = out.akomaNtoso.statement.meta;
    expect(out.akomaNtoso.statement.mainBody.hcontainer[0].paragraph[0].content.p[0]).toBe(
      'one\r\ntwo\tthree',
    );
    expect(meta.identification.FRBRWork.FRBRname['@_value']).toBe('A "title" <with> &  \n line');
    expect(meta.references.TLCOrganization[1]['@_showAs']).toBe('F"orum');
  });

  it('records the revision as the expression version when exporting one', () => {
    const out = parse({ ...revisionFixture(), status: 'ADOPTED' });
    const expression: Node = out.akomaNtoso.statement.meta.identification.FRBRExpression;
    expect(expression.FRBRversionNumber['@_value']).toBe('2');
    expect(expression.FRBRdate[0]).toMatchObject({ '@_date': '2026-05-01', '@_name': 'Rev.1' });
    const status = out.akomaNtoso.statement.preface.p.find((p: Node) => p['@_class'] === 'status');
    expect(status.docStatus).toBe('Adopted · Rev.1 (revision 2), published 2026-05-01 16:30 UTC');
  });

  it('stays valid with no sections at all', () => {
    const out = parse({ ...fixture(), sections: [] });
    expect(out.akomaNtoso.statement.mainBody).toBeDefined();
  });
});
