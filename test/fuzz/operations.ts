/**
 * The operations the fuzzer throws at the server, as plain records, and the
 * fast-check arbitraries that generate them. A record names everything it
 * needs symbolically (`Ref`s, `TextSpec`s, offsets as fractions of the
 * current text), so any subsequence of a run is still a runnable run: that
 * is what lets fast-check shrink a failure to the few operations that cause
 * it.
 *
 * Actors are mostly the role the operation is meant for, sometimes anyone
 * (every role of the declaration, a co-facilitator of another declaration,
 * no token, a forged token).
 */
import fc from 'fast-check';
import { bytes, insertion, objectives, offset, optionalRef, ref, text, type Offset, type Ref, type TextSpec } from './inputs.js';

export const ACTORS = [
  'secretariat',
  'coFacilitator',
  'coFacilitator2',
  'delegation',
  'delegation2',
  'stakeholder',
  'observer',
  'outsider',
  'anonymous',
  'forged',
] as const;
export type Actor = (typeof ACTORS)[number];

/** How a GraphQL operation travels: HTTP POST or a graphql-ws socket. */
export type Via = 'http' | 'ws';

export interface Edit {
  paragraph: Ref;
  at: Offset;
  remove: number;
  insert: TextSpec;
}

export interface Anchor {
  start: Offset;
  end: Offset;
}

export const HOSTILE_UPDATES = [
  'unknownParagraph',
  'otherDeclarationParagraph',
  'map',
  'array',
  'xml',
  'formatted',
  'embed',
  'nestedType',
  'truncated',
  'bitFlipped',
  'randomBytes',
  'badBase64',
  'empty',
  'missingDependency',
  'deleteOfMissing',
  'mixed',
  'replay',
] as const;
export type HostileUpdate = (typeof HOSTILE_UPDATES)[number];

export type Op =
  | { op: 'addSection'; actor: Actor; via: Via; declaration: Ref; title: TextSpec; after: Ref | null }
  | { op: 'addParagraph'; actor: Actor; via: Via; section: Ref; after: Ref | null; text: TextSpec | null; objectives: number[] | null }
  | { op: 'moveParagraph'; actor: Actor; via: Via; paragraph: Ref; section: Ref; after: Ref | null }
  | { op: 'setStatus'; actor: Actor; via: Via; paragraph: Ref; status: string }
  | { op: 'setObjectives'; actor: Actor; via: Via; paragraph: Ref; objectives: number[] }
  | { op: 'edit'; replica: 0 | 1; via: Via; sync: boolean; edits: Edit[]; onRefusal: 'resync' | 'keep' }
  | { op: 'concurrentEdits'; first: Edit[]; second: Edit[] }
  | { op: 'hostileUpdate'; actor: Actor; kind: HostileUpdate; paragraph: Ref; noise: number[] }
  | { op: 'addComment'; actor: Actor; via: Via; paragraph: Ref; body: TextSpec; anchor: Anchor | null; replyTo: Ref | null }
  | { op: 'editComment'; actor: Actor; via: Via; comment: Ref; body: TextSpec }
  | { op: 'resolveComment'; actor: Actor; via: Via; comment: Ref; reopen: boolean }
  | { op: 'propose'; actor: Actor; via: Via; paragraph: Ref; anchor: Anchor | null; text: TextSpec; rationale: TextSpec | null }
  | { op: 'amendment'; actor: Actor; via: Via; amendment: Ref; action: 'support' | 'oppose' | 'withdraw' | 'accept' | 'reject'; reason: TextSpec | null }
  | { op: 'publish'; actor: Actor; via: Via; declaration: Ref; name: TextSpec | null }
  | { op: 'diff'; actor: Actor; via: Via; revision: Ref; against: Ref | null }
  | { op: 'silence'; actor: Actor; via: Via; declaration: Ref; deadline: 'soon' | 'far' | 'past' | { raw: string } }
  | { op: 'breakSilence'; actor: Actor; via: Via; declaration: Ref; reason: TextSpec }
  | { op: 'adopt'; actor: Actor; via: Via; declaration: Ref }
  | { op: 'explain'; actor: Actor; via: Via; declaration: Ref; text: TextSpec }
  | { op: 'export'; actor: Actor; via: Via | 'route'; declaration: Ref; format: string; revision: Ref | null }
  | { op: 'read'; actor: Actor; via: Via; what: Read; target: Ref; after: number; first: number; stateVector: number[] | null }
  | { op: 'presence'; actor: Actor; via: Via; declaration: Ref; paragraph: Ref | null; cursor: number[] | null }
  | { op: 'invite'; actor: Actor; via: Via; declaration: Ref; name: TextSpec; role: string; delegation: TextSpec | null }
  | { op: 'garbageRequest'; actor: Actor; body: string; contentType: string };

export type Read = 'declaration' | 'paragraph' | 'changeLog' | 'documentState' | 'revision' | 'declarations' | 'viewer' | 'participants';

export type OpName = Op['op'];

/** Mostly `preferred`, sometimes anyone at all. */
function actor(...preferred: Actor[]): fc.Arbitrary<Actor> {
  return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...preferred) }, { weight: 1, arbitrary: fc.constantFrom(...ACTORS) });
}

const via: fc.Arbitrary<Via> = fc.constantFrom<Via>('http', 'http', 'ws');
const co = actor('coFacilitator', 'coFacilitator2');
const delegations = actor('delegation', 'delegation2');
const commenters = actor('delegation', 'delegation2', 'stakeholder', 'coFacilitator', 'secretariat');
const readers = fc.constantFrom<Actor>(...ACTORS);
/** The declaration of the run, spelled right most of the time. */
const declaration: fc.Arbitrary<Ref> = fc.oneof({ weight: 12, arbitrary: fc.constant({ own: 0 }) }, { weight: 1, arbitrary: ref });

const edit: fc.Arbitrary<Edit> = fc.record({
  paragraph: ref,
  at: offset,
  remove: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: fc.constant(1_000) }),
  insert: insertion,
});
const edits = fc.array(edit, { minLength: 1, maxLength: 3 });
const anchor: fc.Arbitrary<Anchor | null> = fc.option(fc.record({ start: offset, end: offset }), { freq: 2 });
const status = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('OPEN', 'AGREED_AD_REF', 'AGREED', 'DELETED') },
  { weight: 1, arbitrary: fc.constantFrom('open', 'ADOPTED', '') },
);

export const operation: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('addSection' as const), actor: co, via, declaration, title: text, after: optionalRef }) },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('addParagraph' as const),
      actor: co,
      via,
      section: ref,
      after: optionalRef,
      text: fc.option(text, { freq: 5 }),
      objectives: fc.option(objectives, { freq: 3 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('moveParagraph' as const), actor: co, via, paragraph: ref, section: ref, after: optionalRef }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('setStatus' as const), actor: co, via, paragraph: ref, status }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('setObjectives' as const), actor: co, via, paragraph: ref, objectives }) },
  {
    weight: 12,
    arbitrary: fc.record({
      op: fc.constant('edit' as const),
      replica: fc.constantFrom<0 | 1>(0, 1),
      via,
      sync: fc.boolean(),
      edits,
      onRefusal: fc.constantFrom<'resync' | 'keep'>('resync', 'resync', 'keep'),
    }),
  },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('concurrentEdits' as const), first: edits, second: edits }) },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('hostileUpdate' as const),
      actor: co,
      kind: fc.constantFrom(...HOSTILE_UPDATES),
      paragraph: ref,
      noise: bytes,
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({ op: fc.constant('addComment' as const), actor: commenters, via, paragraph: ref, body: text, anchor, replyTo: optionalRef }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('editComment' as const), actor: commenters, via, comment: ref, body: text }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('resolveComment' as const), actor: commenters, via, comment: ref, reopen: fc.boolean() }) },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('propose' as const),
      actor: delegations,
      via,
      paragraph: ref,
      anchor,
      text,
      rationale: fc.option(text, { freq: 2 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('amendment' as const),
      actor: actor('delegation', 'delegation2', 'coFacilitator'),
      via,
      amendment: ref,
      action: fc.constantFrom('support', 'oppose', 'withdraw', 'accept', 'reject'),
      reason: fc.option(text, { freq: 2 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('publish' as const), actor: co, via, declaration, name: fc.option(text, { freq: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('diff' as const), actor: readers, via, revision: ref, against: optionalRef }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('silence' as const),
      actor: co,
      via,
      declaration,
      deadline: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom<'soon' | 'far' | 'past'>('soon', 'far', 'far', 'past') },
        { weight: 1, arbitrary: fc.record({ raw: fc.constantFrom('tomorrow', '2026-13-45T99:99:99Z', '9999-12-31T23:59:59.999Z', '0000-01-01T00:00:00Z', '') }) },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('breakSilence' as const), actor: delegations, via, declaration, reason: text }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('adopt' as const), actor: co, via, declaration }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('explain' as const), actor: delegations, via, declaration, text }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('export' as const),
      actor: readers,
      via: fc.constantFrom<Via | 'route'>('http', 'ws', 'route'),
      declaration,
      format: fc.constantFrom('MARKDOWN', 'HTML', 'AKOMA_NTOSO', 'COMPILATION', 'PDF'),
      revision: fc.option(ref, { freq: 1 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('read' as const),
      actor: readers,
      via,
      what: fc.constantFrom<Read>('declaration', 'paragraph', 'changeLog', 'documentState', 'revision', 'declarations', 'viewer', 'participants'),
      target: ref,
      after: fc.oneof(fc.nat(40), fc.constantFrom(-1, 2 ** 31 - 1, -(2 ** 31))),
      first: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(0, -1, 1001, 2 ** 31 - 1)),
      stateVector: fc.option(bytes, { freq: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('presence' as const),
      actor: readers,
      via,
      declaration,
      paragraph: optionalRef,
      cursor: fc.option(fc.oneof(bytes, fc.constant(Array.from({ length: 1025 }, () => 7))), { freq: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('invite' as const),
      actor: actor('secretariat'),
      via,
      declaration,
      name: text,
      role: fc.constantFrom('DELEGATION', 'STAKEHOLDER', 'OBSERVER', 'CO_FACILITATOR', 'SECRETARIAT', 'KING'),
      delegation: fc.option(text, { freq: 1 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('garbageRequest' as const),
      actor: readers,
      body: fc.oneof(
        fc.constantFrom(
          '',
          '{',
          'null',
          '[]',
          '{"query": 1}',
          '{"query": "{ viewer { id } }", "variables": "x"}',
          '{"query": "mutation { adoptDeclaration }"}',
          '{"query": "{ __typename }", "operationName": 7}',
          '{"query": "{ declarations { sections { paragraphs { section { paragraphs { section { paragraphs { section { paragraphs { section { paragraphs { section { paragraphs { id } } } } } } } } } } } } }"}',
          '{"query": "subscription { changes(declarationId: \\"x\\") { seq } }"}',
          '{"query": "query Q { viewer { id } } query Q { viewer { id } }"}',
          '{"query": "{ a0: viewer { id } a1: viewer { id } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}',
        ),
        fc.string({ unit: 'binary', maxLength: 40 }),
      ),
      contentType: fc.constantFrom('application/json', 'text/plain', 'application/graphql', 'multipart/form-data; boundary=x'),
    }),
  },
);

/** A run: the operations, and whether to reload the declaration on a second server afterwards. */
export interface Scenario {
  ops: Op[];
  reload: boolean;
}

export function scenario(maxOps: number): fc.Arbitrary<Scenario> {
  return fc.record({
    ops: fc.array(operation, { maxLength: maxOps, size: 'max' }),
    reload: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 4, arbitrary: fc.constant(false) }),
  });
}
