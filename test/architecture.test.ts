/**
 * The shape of server/src, checked: its import graph has no cycle, and
 * collab/ (Yjs documents, the group commit, the edit coalescer) and feed/
 * (the change feed) never import drafting/ (the commands that use them).
 * Type-only imports count too: a cycle of types is still two modules that
 * cannot be understood one without the other, and it becomes a runtime
 * cycle the day one import loses `type`.
 *
 * The graph is read with the TypeScript compiler (imports, `export ... from`
 * and dynamic `import('./x.js')`), relative specifiers only: packages cannot
 * close a cycle through our files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SERVER_SRC = join(ROOT, 'server/src');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** The relative module specifiers `file` imports or re-exports. */
function specifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((specifier) => specifier.startsWith('.'));
}

/** `./x.js` from `file` → the .ts file it names (NodeNext: the specifier says .js). */
function resolveSpecifier(file: string, specifier: string): string | undefined {
  const base = resolve(dirname(file), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

/** Each file of server/src → the files of server/src it imports (paths relative to server/src). */
export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SERVER_SRC)) {
    const targets = specifiers(file)
      .map((specifier) => resolveSpecifier(file, specifier))
      .filter((target): target is string => target !== undefined && target.startsWith(SERVER_SRC + '/'))
      .map((target) => relative(SERVER_SRC, target));
    graph.set(relative(SERVER_SRC, file), [...new Set(targets)].sort());
  }
  return graph;
}

/**
 * The strongly connected components with more than one file (or a file that
 * imports itself), Tarjan's algorithm: every cycle lies inside one of them.
 */
export function cyclicComponents(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) components.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return components;
}

/** One shortest cycle through `start` inside `members`, as a → b → ... → a (for the failure message). */
function cycleThrough(graph: Map<string, string[]>, start: string, members: Set<string>): string {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return [...path, start].join(' → ');
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return start;
}

describe('the import graph of server/src', () => {
  const graph = importGraph();

  it('reads the files and their imports', () => {
    // Guards the checks below against a parser that sees nothing.
    expect(graph.get('app.ts')).toContain('services.ts');
    expect(graph.size).toBeGreaterThan(100);
  });

  it('has no cycle', () => {
    const cycles = cyclicComponents(graph).map((component) =>
      cycleThrough(graph, component[0]!, new Set(component)) + `  (component of ${component.length}: ${component.join(', ')})`,
    );
    expect(cycles, `import cycles:\n${cycles.join('\n')}`).toEqual([]);
  });

  it('has collab/ and feed/ never import drafting/', () => {
    const upward = [...graph]
      .filter(([file]) => file.startsWith('collab/') || file.startsWith('feed/'))
      .flatMap(([file, targets]) => targets.filter((target) => target.startsWith('drafting/')).map((target) => `${file} → ${target}`));
    expect(upward, `collab/ or feed/ imports drafting/:\n${upward.join('\n')}`).toEqual([]);
  });
});

describe('cyclicComponents', () => {
  it('finds a cycle and only the files on it', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(cyclicComponents(graph)).toEqual([['a', 'b', 'c'], ['e']]);
  });

  it('finds none in a tree', () => {
    expect(cyclicComponents(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toEqual([]);
  });
});
