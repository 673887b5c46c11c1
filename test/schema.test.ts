/**
 * The schema as clients see it, and the database as the entities see it:
 * (a) the committed schema/schema.graphql is what the resolvers emit;
 * (b) the emitted schema keeps the public contract, the repository's copy of
 *     it (schema/contract.graphql): the only differences allowed are parts not
 *     served yet, listed in NOT_YET_SERVED, which later work shrinks to empty;
 *     and when the shared contract (../shared/contract.graphql) is beside the
 *     repository, that one too, and the copy equals it (drift shows at once);
 *     a clone on its own skips that part and says so;
 * (c) the migrations build exactly the tables the entities describe.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  BreakingChangeType,
  DangerousChangeType,
  findBreakingChanges,
  findDangerousChanges,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type BreakingChange,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftroomSchema, printSchemaFile } from '../server/src/graphql/schema.js';
import { startServer, type TestServer } from './support/testServer.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMA_FILE = path.join(REPO_ROOT, 'schema', 'schema.graphql');
const VENDORED_CONTRACT = path.join(REPO_ROOT, 'schema', 'contract.graphql');
const SHARED_CONTRACT = path.resolve(REPO_ROOT, '../shared/contract.graphql');
const SHARED_ABSENT = !fs.existsSync(SHARED_CONTRACT);
if (SHARED_ABSENT) {
  console.warn(
    `schema.test.ts: ${SHARED_CONTRACT} is not there (no ../shared beside the repository), so the checks against the shared ` +
      'contract are SKIPPED; the emitted schema is checked against the vendored schema/contract.graphql only.',
  );
}

/**
 * What the contract has and the server does not serve yet, as schema
 * coordinates ("Type", "Type.field", "Type.field(arg:)", "Enum.VALUE").
 * Serving one of them makes the test below fail until it is struck off here.
 */
const NOT_YET_SERVED: string[] = [];

/** The operations served today: none of them may differ from the contract. */
const SERVED_OPERATIONS = [
  'Query.viewer',
  'Query.declarations',
  'Query.declaration',
  'Query.paragraph',
  'Query.changeLog',
  'Mutation.createDeclaration',
  'Mutation.inviteParticipant',
  'Mutation.addSection',
  'Mutation.addParagraph',
  'Mutation.moveParagraph',
  'Mutation.setParagraphStatus',
  'Mutation.setParagraphObjectives',
  'Mutation.addComment',
  'Mutation.editComment',
  'Mutation.resolveComment',
  'Mutation.reopenComment',
  'Query.documentState',
  'Mutation.applyUpdate',
  'Mutation.updatePresence',
  'Subscription.documentUpdates',
  'Subscription.changes',
  'Subscription.presence',
  'Query.revision',
  'Query.export',
  'Mutation.publishRevision',
  'Mutation.acceptAmendment',
  'Mutation.rejectAmendment',
  'Mutation.startSilenceProcedure',
  'Mutation.adoptDeclaration',
  'Mutation.proposeAmendment',
  'Mutation.supportAmendment',
  'Mutation.opposeAmendment',
  'Mutation.withdrawAmendment',
  'Mutation.breakSilence',
  'Mutation.addExplanationOfPosition',
];

/** The types served today, with the fields of them that are not served yet. */
const SERVED_TYPES: Record<string, string[]> = {
  Participant: [],
  Invitation: [],
  Declaration: [],
  Section: [],
  Paragraph: [],
  TextAnchor: [],
  Comment: [],
  ChangeEvent: [],
  DocumentState: [],
  DocumentUpdate: [],
  UpdateAck: [],
  PresenceEvent: [],
  CreateDeclarationInput: [],
  InviteParticipantInput: [],
  AddSectionInput: [],
  AddParagraphInput: [],
  MoveParagraphInput: [],
  AddCommentInput: [],
  AnchorInput: [],
  Role: [],
  DeclarationStatus: [],
  ParagraphStatus: [],
  ChangeKind: [],
  DateTime: [],
  AmendmentStatus: [],
  DiffOp: [],
  ParagraphChange: [],
  ExportFormat: [],
  Amendment: [],
  RevisionParagraph: [],
  DiffHunk: [],
  ParagraphDiff: [],
  Revision: [],
  ExplanationOfPosition: [],
  ProposeAmendmentInput: [],
};

const REMOVALS: ReadonlySet<string> = new Set([
  BreakingChangeType.TYPE_REMOVED,
  BreakingChangeType.FIELD_REMOVED,
  BreakingChangeType.VALUE_REMOVED_FROM_ENUM,
  BreakingChangeType.ARG_REMOVED,
]);

/** The schema coordinate a removal concerns, read from graphql-js's description of it. */
function coordinate(change: BreakingChange): string {
  const d = change.description;
  let match: RegExpExecArray | null;
  switch (change.type) {
    case BreakingChangeType.TYPE_REMOVED:
    case BreakingChangeType.FIELD_REMOVED:
      match = /^(\S+) was removed\.$/.exec(d);
      if (match) return match[1]!;
      break;
    case BreakingChangeType.ARG_REMOVED:
      match = /^(\S+) arg (\S+) was removed\.$/.exec(d);
      if (match) return `${match[1]}(${match[2]}:)`;
      break;
    case BreakingChangeType.VALUE_REMOVED_FROM_ENUM:
      match = /^(\S+) was removed from enum type (\S+)\.$/.exec(d);
      if (match) return `${match[2]}.${match[1]}`;
      break;
  }
  return `(${change.type}) ${d}`;
}

/** Whether a change touches `coordinate` ("Type" or "Type.field"), judging from its description. */
function concerns(change: BreakingChange, target: string): boolean {
  const escaped = target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_.])${escaped}($|[^A-Za-z0-9_])`).test(change.description);
}

describe('the emitted schema', () => {
  it('is the committed schema/schema.graphql, byte for byte', async () => {
    const emitted = printSchemaFile(await draftroomSchema());
    const committed = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '(missing)';
    expect(committed, 'run `npm run schema` to regenerate schema/schema.graphql').toBe(emitted);
  });
});

describe('the vendored contract, schema/contract.graphql', () => {
  it.skipIf(SHARED_ABSENT)('is ../shared/contract.graphql, byte for byte (skipped when ../shared is not beside the repository)', () => {
    expect(fs.readFileSync(VENDORED_CONTRACT, 'utf8'), 'copy ../shared/contract.graphql to schema/contract.graphql').toBe(
      fs.readFileSync(SHARED_CONTRACT, 'utf8'),
    );
  });
});

describeContractKept('the emitted schema keeps the vendored contract (schema/contract.graphql)', VENDORED_CONTRACT, false);
describeContractKept(
  'the emitted schema keeps the shared contract (../shared/contract.graphql; skipped when ../shared is not beside the repository)',
  SHARED_CONTRACT,
  SHARED_ABSENT,
);

/** The checks that the emitted schema keeps the contract in `contractFile`; every one skipped when `skip`. */
function describeContractKept(title: string, contractFile: string, skip: boolean): void {
  describe(title, () => {
    let contract: GraphQLSchema;
    let served: GraphQLSchema;
    let breaking: BreakingChange[];
    const check = it.skipIf(skip);

    beforeAll(async () => {
      if (skip) return;
      contract = buildSchema(fs.readFileSync(contractFile, 'utf8'));
      served = buildSchema(printSchemaFile(await draftroomSchema()));
      breaking = findBreakingChanges(contract, served);
    });

    check('serves the whole contract: findBreakingChanges(contract, emitted) is empty', () => {
      expect(breaking.map((c) => `${c.type}: ${c.description}`)).toEqual([]);
    });

    check('differs from the contract only by removals', () => {
      const others = breaking.filter((c) => !REMOVALS.has(c.type)).map((c) => `${c.type}: ${c.description}`);
      expect(others).toEqual([]);
    });

    check('lacks nothing of the contract but what NOT_YET_SERVED lists', () => {
      const missing = breaking.filter((c) => REMOVALS.has(c.type)).map(coordinate);
      expect(missing.filter((c) => !NOT_YET_SERVED.includes(c))).toEqual([]);
    });

    check('still lacks everything NOT_YET_SERVED lists (strike off what is served now)', () => {
      const missing = new Set(breaking.map(coordinate));
      expect(NOT_YET_SERVED.filter((c) => !missing.has(c))).toEqual([]);
    });

    check('serves the operations of today exactly as the contract says', () => {
      const touched = SERVED_OPERATIONS.flatMap((op) => breaking.filter((c) => concerns(c, op)).map((c) => c.description));
      expect(touched).toEqual([]);
      for (const op of SERVED_OPERATIONS) {
        const [root, field] = op.split('.') as [string, string];
        const type = served.getType(root);
        expect(isObjectType(type) && type.getFields()[field], `${op} is served`).toBeTruthy();
      }
    });

    check('serves the types of today exactly as the contract says, but for the fields listed as not served', () => {
      const touched: string[] = [];
      for (const [name, unserved] of Object.entries(SERVED_TYPES)) {
        expect(served.getType(name), `${name} is served`).toBeDefined();
        const allowed = new Set(unserved.map((field) => `${name}.${field}`));
        for (const change of breaking) {
          if (concerns(change, name) && !allowed.has(coordinate(change))) touched.push(change.description);
        }
        const type = contract.getType(name);
        if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
          const servedType = served.getType(name);
          const servedFields = isObjectType(servedType) || isInterfaceType(servedType) || isInputObjectType(servedType) ? servedType.getFields() : {};
          const absent = Object.keys(type.getFields()).filter((field) => !servedFields[field] && !unserved.includes(field));
          expect(absent, `fields of ${name} missing from the emitted schema`).toEqual([]);
        }
      }
      expect(touched).toEqual([]);
    });

    check("keeps the contract's argument defaults (changeLog's after: 0, first: 100; includeResolved: true)", () => {
      const defaults = findDangerousChanges(contract, served)
        .filter((c) => c.type === DangerousChangeType.ARG_DEFAULT_VALUE_CHANGE)
        .map((c) => c.description);
      expect(defaults).toEqual([]);
    });
  });
}

describe('the database schema', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it('built by the migrations on a fresh database is the one the entities describe', async () => {
    const diff = (await server.app.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false })).trim();
    if (diff !== '') console.log(`entities and migrations differ; the entities would need:\n${diff}`);
    expect(diff, `entities and migrations differ; the entities would need:\n${diff}`).toBe('');
  });
});
