/**
 * The typed operations cover the whole contract, and the build refuses an
 * operation that no longer matches the schema.
 */
import { generate } from '@graphql-codegen/cli';
import { Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const operationsDir = path.join(root, 'client-sdk/src/operations');

function rootFields(document: DocumentNode, typeName: string): string[] {
  return document.definitions.flatMap((d) =>
    d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === typeName ? (d.fields ?? []).map((f) => f.name.value) : [],
  );
}

function operations(): OperationDefinitionNode[] {
  return fs
    .readdirSync(operationsDir)
    .filter((f) => f.endsWith('.graphql'))
    .flatMap((f) => parse(fs.readFileSync(path.join(operationsDir, f), 'utf8')).definitions)
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
}

describe('the SDK operations', () => {
  // The repository's copy of the v1 contract (schema/CONTRACT.md says where it comes from).
  const contract = parse(fs.readFileSync(path.join(root, 'schema/contract.graphql'), 'utf8'));
  const used = { query: new Set<string>(), mutation: new Set<string>(), subscription: new Set<string>() };
  for (const op of operations()) {
    for (const selection of op.selectionSet.selections) {
      if (selection.kind === Kind.FIELD) used[op.operation].add(selection.name.value);
    }
  }

  it.each([
    ['Query', 'query'],
    ['Mutation', 'mutation'],
    ['Subscription', 'subscription'],
  ] as const)('use every %s field of the contract', (typeName, kind) => {
    const missing = rootFields(contract, typeName).filter((field) => !used[kind].has(field));
    expect(missing).toEqual([]);
  });

  it('are each named, so that each gets its own typed document', () => {
    const names = operations().map((op) => op.name?.value);
    expect(names.every(Boolean)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it('fail the build when one no longer matches the schema', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codegen-'));
    fs.writeFileSync(path.join(dir, 'stale.graphql'), 'query Stale($id: ID!) { paragraph(id: $id) { id renamedField } }');
    const run = generate(
      {
        schema: path.join(root, 'schema/schema.graphql'),
        documents: path.join(dir, '*.graphql'),
        generates: { [path.join(dir, 'out.ts')]: { plugins: ['typescript', 'typescript-operations', 'typed-document-node'] } },
        silent: true,
        errorsOnly: true,
      },
      true,
    );
    await expect(run).rejects.toThrow(/renamedField/);
    expect(fs.existsSync(path.join(dir, 'out.ts'))).toBe(false);
  }, 60_000);
});
