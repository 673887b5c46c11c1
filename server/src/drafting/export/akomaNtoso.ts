/**
 * The clean text of a declaration as Akoma Ntoso 3.0 (OASIS LegalDocML) XML:
 *
 *   <akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">
 *     <statement name="declaration">
 *       <meta>  identification (FRBR Work / Expression / Manifestation) and
 *               the references its `source` and `href`s point to
 *       <preface>  title (docTitle), forum (docAuthority), status line
 *       <mainBody>  one <hcontainer name="section"> per section, holding one
 *                   <paragraph> per paragraph that is not DELETED
 *
 * FRBR identifiers follow the AKN naming convention for a UN statement:
 * work /akn/un/statement/declaration/<created>/<declarationId> (dated by
 * the declaration's creation, so every export names the same Work),
 * expression <work>/eng@<date>, manifestation <expression>/!main.xml, where
 * <date> is the date of the source (the revision's publication, or now). eIds are
 * "sec_<n>" and "para_<label>" (spaces as "_", only [A-Za-z0-9_.-], made
 * unique). Text is XML-escaped, with characters XML 1.0 forbids removed.
 */
import { escapeXml, idMaker, isoDate, statusLine, visibleParagraphs } from './common.js';
import type { ExportSource } from './source.js';

export const AKN_NAMESPACE = 'http://docs.oasis-open.org/legaldocml/ns/akn/3.0';

const STATUS_STAGE: Record<ExportSource['status'], string> = {
  DRAFTING: 'draft',
  SILENCE_PROCEDURE: 'silence procedure',
  ADOPTED: 'adopted',
};

/** A path segment for a URI: lowercase letters, digits and "-". */
function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'x'
  );
}

/** An attribute list, every value escaped: attrs({ a: 'x' }) → ` a="x"`. */
function attrs(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeXml(value, true)}"`)
    .join('');
}

function identification(source: ExportSource): string[] {
  const date = isoDate(source.asOf);
  // The Work (the declaration) is dated by its creation, so that every export of it names the same Work.
  const workDate = isoDate(source.createdAt);
  const work = `/akn/un/statement/declaration/${workDate}/${slug(source.declarationId)}`;
  const expression = `${work}/eng@${date}`;
  const manifestation = `${expression}/!main.xml`;
  const r = source.revision;
  return [
    '<identification source="#draftroom">',
    '  <FRBRWork>',
    `    <FRBRthis${attrs({ value: `${work}/!main` })}/>`,
    `    <FRBRuri${attrs({ value: work })}/>`,
    `    <FRBRdate${attrs({ date: workDate, name: STATUS_STAGE[source.status] })}/>`,
    '    <FRBRauthor href="#forum"/>',
    '    <FRBRcountry value="un"/>',
    '    <FRBRsubtype value="declaration"/>',
    `    <FRBRname${attrs({ value: source.title })}/>`,
    '  </FRBRWork>',
    '  <FRBRExpression>',
    `    <FRBRthis${attrs({ value: `${expression}/!main` })}/>`,
    `    <FRBRuri${attrs({ value: expression })}/>`,
    `    <FRBRdate${attrs({ date, name: r ? r.name : 'current text' })}/>`,
    '    <FRBRauthor href="#forum"/>',
    ...(r ? [`    <FRBRversionNumber${attrs({ value: String(r.sequence) })}/>`] : []),
    '    <FRBRlanguage language="eng"/>',
    '  </FRBRExpression>',
    '  <FRBRManifestation>',
    `    <FRBRthis${attrs({ value: manifestation })}/>`,
    `    <FRBRuri${attrs({ value: `${expression}.akn` })}/>`,
    `    <FRBRdate${attrs({ date, name: 'generation' })}/>`,
    '    <FRBRauthor href="#draftroom"/>',
    '    <FRBRformat value="application/akn+xml"/>',
    '  </FRBRManifestation>',
    '</identification>',
  ];
}

function references(source: ExportSource): string[] {
  const forum = source.forum ?? 'United Nations';
  return [
    '<references source="#draftroom">',
    '  <TLCOrganization eId="draftroom" href="/ontology/organization/draftroom" showAs="draftroom"/>',
    `  <TLCOrganization${attrs({
      eId: 'forum',
      href: `/ontology/organization/un/${slug(forum)}`,
      showAs: forum,
    })}/>`,
    '</references>',
  ];
}

function preface(source: ExportSource): string[] {
  const lines = [`<p class="title"><docTitle>${escapeXml(source.title)}</docTitle></p>`];
  if (source.forum) {
    lines.push(`<p class="forum"><docAuthority>${escapeXml(source.forum)}</docAuthority></p>`);
  }
  lines.push(
    `<p class="status"><docStatus>${escapeXml(statusLine(source))}</docStatus></p>`,
  );
  return lines;
}

function mainBody(source: ExportSource): string[] {
  const paraId = idMaker('para_');
  const lines: string[] = [];
  source.sections.forEach((section, i) => {
    lines.push(`<hcontainer name="section" eId="sec_${i + 1}">`);
    lines.push(`  <heading>${escapeXml(section.title)}</heading>`);
    for (const p of visibleParagraphs(section)) {
      const guid = p.id.replace(/\s+/g, '');
      lines.push(
        `  <paragraph${attrs({ eId: paraId(p.label), ...(guid ? { GUID: guid } : {}) })}>`,
        `    <num>${escapeXml(p.label)}</num>`,
        `    <content><p>${escapeXml(p.text)}</p></content>`,
        '  </paragraph>',
      );
    }
    lines.push('</hcontainer>');
  });
  // mainBody may not be empty.
  return lines.length ? lines : ['<p/>'];
}

const indent = (lines: string[], by: string): string[] => lines.map((l) => by + l);

export function renderAkomaNtoso(source: ExportSource): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<akomaNtoso xmlns="${AKN_NAMESPACE}">`,
    '  <statement name="declaration">',
    '    <meta>',
    ...indent(identification(source), '      '),
    ...indent(references(source), '      '),
    '    </meta>',
    '    <preface>',
    ...indent(preface(source), '      '),
    '    </preface>',
    '    <mainBody>',
    ...indent(mainBody(source), '      '),
    '    </mainBody>',
    '  </statement>',
    '</akomaNtoso>',
    '',
  ].join('\n');
}
