/**
 * The documentation is self-contained: every relative Markdown link in the
 * READMEs and in docs/ names a file (or folder) that exists in this
 * repository, and none leaves it (`../` past the root, an absolute path, a
 * `file:` URL). A link to a heading (`docs/PROTOCOL.md#close-codes`) must
 * name a heading of that file, as GitHub spells the anchor.
 *
 * Web links (https:, mailto:) are not followed: they need a network, and
 * README.md has none (the last test says so).
 *
 * The checker is tested first on files made for it (a broken link, an
 * escaping one, a missing anchor), so that a green run over the real files
 * means something.
 *
 * And the examples are real: every operation in a ```graphql block of
 * README.md and docs/ is valid against the emitted schema/schema.graphql.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, Kind, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Markdown files whose links must stay inside the repository. */
function documentedFiles(root: string): string[] {
  const docs = path.join(root, 'docs');
  const inDocs = fs.existsSync(docs) ? fs.readdirSync(docs).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f)) : [];
  return ['README.md', 'client-sdk/README.md', 'bench/README.md', 'test/fuzz/README.md', ...inDocs.sort()];
}

interface Link {
  line: number;
  target: string;
}

/**
 * The link targets of a Markdown text: inline links and images
 * `[text](target "title")`, `<target>` forms, and reference definitions
 * `[id]: target`. Fenced code blocks and inline code spans are not prose:
 * their brackets are skipped.
 */
export function linksOf(markdown: string): Link[] {
  const links: Link[] = [];
  let fence: string | null = null;
  markdown.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const fenceMark = /^\s*(`{3,}|~{3,})/.exec(raw);
    if (fenceMark) {
      if (fence === null) fence = fenceMark[1]![0]!;
      else if (fenceMark[1]![0] === fence) fence = null;
      return;
    }
    if (fence !== null) return;
    const prose = raw.replace(/(`+)(?:(?!\1).)+?\1/g, (code) => ' '.repeat(code.length));
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/.exec(prose);
    if (definition) links.push({ line, target: definition[1]! });
    for (const match of prose.matchAll(/\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+["'(][^)]*)?\)/g)) {
      links.push({ line, target: match[1]!.replace(/^<|>$/g, '') });
    }
  });
  return links;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slugOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a Markdown file offers (repeated headings get -1, -2, ... as on GitHub). */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | null = null;
  for (const raw of markdown.split('\n')) {
    const fenceMark = /^\s*(`{3,}|~{3,})/.exec(raw);
    if (fenceMark) {
      if (fence === null) fence = fenceMark[1]![0]!;
      else if (fenceMark[1]![0] === fence) fence = null;
      continue;
    }
    const heading = fence === null ? /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(raw) : null;
    if (!heading) continue;
    const text = heading[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = slugOf(text);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** What is wrong with the links of `file` (relative to `root`): one line per problem, empty when none. */
export function linkProblems(root: string, file: string): string[] {
  const absolute = path.join(root, file);
  const markdown = fs.readFileSync(absolute, 'utf8');
  const problems: string[] = [];
  for (const { line, target } of linksOf(markdown)) {
    const where = `${file}:${line}: ${target}`;
    if (/^(https?|mailto):/i.test(target)) continue;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
      problems.push(`${where}: a ${target.split(':')[0]}: link points outside the repository`);
      continue;
    }
    const [pathPart = '', fragment] = target.split('#', 2) as [string, string | undefined];
    const filePart = decodeURIComponent(pathPart.split('?')[0]!);
    if (filePart.startsWith('/')) {
      problems.push(`${where}: an absolute path; use a path relative to ${file}`);
      continue;
    }
    const resolved = filePart === '' ? absolute : path.resolve(path.dirname(absolute), filePart);
    const inside = path.relative(root, resolved);
    if (inside.startsWith('..') || path.isAbsolute(inside)) {
      problems.push(`${where}: leaves the repository (resolves to ${resolved})`);
      continue;
    }
    if (!fs.existsSync(resolved)) {
      problems.push(`${where}: no such file in the repository (${inside})`);
      continue;
    }
    if (fragment && resolved.endsWith('.md') && !anchorsOf(fs.readFileSync(resolved, 'utf8')).has(fragment.toLowerCase())) {
      problems.push(`${where}: ${inside} has no heading with the anchor #${fragment}`);
    }
  }
  return problems;
}

/** The ```graphql blocks of a Markdown text, with the line each starts on. */
export function graphqlBlocks(markdown: string): { line: number; source: string }[] {
  const blocks: { line: number; source: string }[] = [];
  let open: { line: number; lines: string[] } | null = null;
  markdown.split('\n').forEach((raw, index) => {
    if (open === null) {
      if (/^\s*```graphql\s*$/.test(raw)) open = { line: index + 1, lines: [] };
    } else if (/^\s*```\s*$/.test(raw)) {
      blocks.push({ line: open.line, source: open.lines.join('\n') });
      open = null;
    } else {
      open.lines.push(raw);
    }
  });
  return blocks;
}

/** Each operation of a block as a document of its own (a block may list several anonymous ones). */
function operationsOf(document: DocumentNode): DocumentNode[] {
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  return document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).map((d) => ({ ...document, definitions: [d, ...fragments] }));
}

/** What is wrong with the GraphQL examples of a Markdown text: one line per problem. */
export function graphqlProblems(schema: GraphQLSchema, file: string, markdown: string): string[] {
  const problems: string[] = [];
  for (const block of graphqlBlocks(markdown)) {
    let document: DocumentNode;
    try {
      document = parse(block.source);
    } catch (error) {
      problems.push(`${file}:${block.line}: ${(error as Error).message}`);
      continue;
    }
    for (const operation of operationsOf(document)) {
      for (const error of validate(schema, operation)) problems.push(`${file}:${block.line}: ${error.message}`);
    }
  }
  return problems;
}

function emittedSchema(): GraphQLSchema {
  return buildSchema(fs.readFileSync(path.join(REPO_ROOT, 'schema', 'schema.graphql'), 'utf8'));
}

describe('the link checker', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'draftroom-docs-'));
  fs.mkdirSync(path.join(root, 'docs'));
  fs.writeFileSync(path.join(root, 'docs', 'GUIDE.md'), '# Guide\n\n## Close codes\n\n## Close codes\n');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  function problemsOf(markdown: string): string[] {
    fs.writeFileSync(path.join(root, 'README.md'), markdown);
    return linkProblems(root, 'README.md');
  }

  it('accepts links to files, folders and headings that exist', () => {
    expect(
      problemsOf(
        [
          '# Read me',
          'See [the guide](docs/GUIDE.md), [its codes](docs/GUIDE.md#close-codes), [again](docs/GUIDE.md#close-codes-1),',
          '[the folder](docs/), [a title](docs/GUIDE.md "Guide"), [on the web](https://example.org/x), [here](#read-me).',
          '[ref]: ./docs/GUIDE.md',
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('finds a link to a file that does not exist', () => {
    expect(problemsOf('The [design](docs/DESIGN.md).')).toEqual([expect.stringContaining('no such file in the repository (docs/DESIGN.md)')]);
  });

  it('finds links that leave the repository, however they are written', () => {
    const problems = problemsOf(
      ['[up](../shared/DESIGN.md)', '[far up](docs/../../x.md)', '[absolute](/work/shared/contract.graphql)', '[file](file:///etc/hosts)', '[ref]: ../shared/contract.graphql'].join(
        '\n',
      ),
    );
    expect(problems).toHaveLength(5);
    expect(problems.filter((p) => p.includes('leaves the repository'))).toHaveLength(3);
  });

  it('finds an anchor that names no heading', () => {
    expect(problemsOf('[codes](docs/GUIDE.md#close-code)')).toEqual([expect.stringContaining('has no heading with the anchor #close-code')]);
  });

  it('ignores what code blocks and code spans contain', () => {
    expect(problemsOf(['```md', '[x](../outside.md)', '```', 'Write `[x](../outside.md)` in code.'].join('\n'))).toEqual([]);
  });

  it('spells anchors as GitHub does', () => {
    expect(slugOf('Change feed: `changes(after)`, gaps')).toBe('change-feed-changesafter-gaps');
    expect(slugOf('Two instances (LISTEN/NOTIFY)')).toBe('two-instances-listennotify');
  });
});

describe('the example checker', () => {
  it('finds an unknown field, an undefined variable and a syntax error, block by block', () => {
    const markdown = [
      '```graphql',
      'query { viewer { name } }',
      'mutation { createDeclaration(input: { title: "T" }) { id nope } }',
      '```',
      '```graphql',
      'query { declaration(id: $d) { id } }',
      '```',
      '```graphql',
      'query { viewer { ',
      '```',
    ].join('\n');
    const problems = graphqlProblems(emittedSchema(), 'X.md', markdown);
    expect(problems).toEqual([
      expect.stringMatching(/^X\.md:1: Cannot query field "nope"/),
      expect.stringMatching(/^X\.md:5: Variable "\$d" is not defined/),
      expect.stringMatching(/^X\.md:8: Syntax Error/),
    ]);
  });
});

describe('the repository documentation', () => {
  it.each(documentedFiles(REPO_ROOT))('%s links only to files in the repository', (file) => {
    expect(linkProblems(REPO_ROOT, file)).toEqual([]);
  });

  it('has docs/ with the design, the architecture, the protocol, the API guide and an index', () => {
    for (const name of ['README.md', 'DESIGN.md', 'ARCHITECTURE.md', 'PROTOCOL.md', 'API.md']) {
      expect(fs.existsSync(path.join(REPO_ROOT, 'docs', name)), `docs/${name}`).toBe(true);
    }
  });

  it.each(['README.md', ...documentedFiles(REPO_ROOT).filter((f) => f.startsWith('docs/'))])(
    'the GraphQL examples of %s are valid against schema/schema.graphql',
    (file) => {
      expect(graphqlProblems(emittedSchema(), file, fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'))).toEqual([]);
    },
  );

  it('README.md links to no web page either: everything it points to is in the repository', () => {
    const outside = linksOf(fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8')).filter((l) => /^[a-z][a-z0-9+.-]*:/i.test(l.target));
    expect(outside).toEqual([]);
  });
});
