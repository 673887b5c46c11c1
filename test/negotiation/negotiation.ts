/**
 * What the negotiation tests share: the operations of the negotiation as
 * clients send them, and small readers of the state they assert on.
 */
import type { GraphQLTestClient } from '../support/client.js';
import { changeLog } from '../support/factories.js';
import { waitFor } from '../support/waitFor.js';

export const PUBLISH = 'mutation($d: ID!, $n: String) { publishRevision(declarationId: $d, name: $n) { id name sequence publishedBy { name } } }';
const REVISION_FIELDS = 'id name sequence paragraphs { paragraphId sectionTitle label number text status }';
export const REVISION = `query($r: ID!) { revision(id: $r) { ${REVISION_FIELDS} } }`;
export const DIFF = 'query($r: ID!, $a: ID) { revision(id: $r) { diff(against: $a) { paragraphId label change hunks { op text } } } }';
export const REVISIONS = 'query($d: ID!) { declaration(id: $d) { revisions { id name sequence } } }';

const AMENDMENT_FIELDS =
  'id status text rationale decisionReason decidedAt proposer { name } anchor { start end quote orphaned } supporters { delegation } opponents { delegation } paragraph { id label }';
export const PROPOSE = `mutation($p: ID!, $i: ProposeAmendmentInput!) { proposeAmendment(paragraphId: $p, input: $i) { ${AMENDMENT_FIELDS} } }`;
export const SUPPORT = `mutation($a: ID!) { supportAmendment(amendmentId: $a) { ${AMENDMENT_FIELDS} } }`;
export const OPPOSE = `mutation($a: ID!) { opposeAmendment(amendmentId: $a) { ${AMENDMENT_FIELDS} } }`;
export const WITHDRAW = `mutation($a: ID!) { withdrawAmendment(amendmentId: $a) { ${AMENDMENT_FIELDS} } }`;
export const ACCEPT = `mutation($a: ID!) { acceptAmendment(amendmentId: $a) { ${AMENDMENT_FIELDS} } }`;
export const REJECT = `mutation($a: ID!, $r: String) { rejectAmendment(amendmentId: $a, reason: $r) { ${AMENDMENT_FIELDS} } }`;
export const AMENDMENTS = `query($p: ID!) { paragraph(id: $p) { text amendments { ${AMENDMENT_FIELDS} } } }`;

const LIFECYCLE_FIELDS = 'id status silenceDeadline';
export const START_SILENCE = `mutation($d: ID!, $t: DateTime!) { startSilenceProcedure(declarationId: $d, deadline: $t) { ${LIFECYCLE_FIELDS} } }`;
export const BREAK_SILENCE = `mutation($d: ID!, $r: String!) { breakSilence(declarationId: $d, reason: $r) { ${LIFECYCLE_FIELDS} } }`;
export const ADOPT = `mutation($d: ID!) { adoptDeclaration(declarationId: $d) { ${LIFECYCLE_FIELDS} } }`;
export const EXPLAIN = 'mutation($d: ID!, $t: String!) { addExplanationOfPosition(declarationId: $d, text: $t) { id delegation text author { name } } }';
export const STATUS = 'query($d: ID!) { declaration(id: $d) { status silenceDeadline } }';

export const ADD_PARAGRAPH = 'mutation($s: ID!, $i: AddParagraphInput!) { addParagraph(sectionId: $s, input: $i) { id label number } }';
export const ADD_COMMENT = 'mutation($p: ID!, $i: AddCommentInput!) { addComment(paragraphId: $p, input: $i) { id } }';
export const SET_STATUS = 'mutation($p: ID!, $s: ParagraphStatus!) { setParagraphStatus(paragraphId: $p, status: $s) { id label number status } }';
export const MOVE = 'mutation($p: ID!, $i: MoveParagraphInput!) { moveParagraph(paragraphId: $p, input: $i) { id label number } }';
export const BY_LABEL = 'query($d: ID!, $l: String!) { declaration(id: $d) { paragraph(label: $l) { id label number text status } } }';
export const EXPORT = 'query($d: ID!, $f: ExportFormat!, $r: ID) { export(declarationId: $d, format: $f, revisionId: $r) }';

export interface Hunk {
  op: 'EQUAL' | 'INSERT' | 'DELETE';
  text: string;
}

export interface ParagraphDiff {
  paragraphId: string;
  label: string;
  change: 'ADDED' | 'REMOVED' | 'MODIFIED' | 'UNCHANGED';
  hunks: Hunk[];
}

/** The old text (EQUAL + DELETE hunks) or the new one (EQUAL + INSERT) a diff rebuilds. */
export function rebuild(hunks: Hunk[], side: 'old' | 'new'): string {
  const skip = side === 'old' ? 'INSERT' : 'DELETE';
  return hunks.filter((h) => h.op !== skip).map((h) => h.text).join('');
}

export interface ParagraphRow {
  id: string;
  label: string;
  number: number | null;
  status: string;
  text: string;
}

/** Every paragraph of the declaration in document order. */
export async function paragraphs(client: GraphQLTestClient, declarationId: string): Promise<ParagraphRow[]> {
  const data = await client.ok('query($d: ID!) { declaration(id: $d) { paragraphs { id label number status text } } }', { d: declarationId });
  return data.declaration.paragraphs;
}

/** "label" for each paragraph in document order. */
export async function labels(client: GraphQLTestClient, declarationId: string): Promise<string[]> {
  return (await paragraphs(client, declarationId)).map((p) => p.label);
}

/** The label of each given paragraph id, in the order of the ids. */
export async function labelsOf(client: GraphQLTestClient, declarationId: string, ids: string[]): Promise<string[]> {
  const byId = new Map((await paragraphs(client, declarationId)).map((p) => [p.id, p.label]));
  return ids.map((id) => byId.get(id) ?? '(missing)');
}

export async function publish(client: GraphQLTestClient, declarationId: string, name?: string) {
  const data = await client.ok(PUBLISH, { d: declarationId, n: name ?? null });
  return data.publishRevision as { id: string; name: string; sequence: number; publishedBy: { name: string } };
}

export async function revisionParagraphs(client: GraphQLTestClient, revisionId: string) {
  const data = await client.ok(REVISION, { r: revisionId });
  return data.revision.paragraphs as { paragraphId: string; sectionTitle: string; label: string; number: number | null; text: string; status: string }[];
}

export async function diff(client: GraphQLTestClient, revisionId: string, against?: string): Promise<ParagraphDiff[]> {
  const data = await client.ok(DIFF, { r: revisionId, a: against ?? null });
  return data.revision.diff;
}

/** Waits (bounded) until the change log has an event of `kind` about `paragraphId` after `afterSeq`. */
export async function eventAfter(client: GraphQLTestClient, declarationId: string, afterSeq: number, kind: string, paragraphId?: string) {
  return waitFor(`a ${kind} event after seq ${afterSeq}`, async () => {
    const events = await changeLog(client, declarationId);
    return events.find((e) => e.seq > afterSeq && e.kind === kind && (paragraphId === undefined || e.paragraphId === paragraphId));
  });
}

/** The last seq of the change log (0 if empty). */
export async function lastSeq(client: GraphQLTestClient, declarationId: string): Promise<number> {
  return (await changeLog(client, declarationId)).at(-1)?.seq ?? 0;
}

/** Polls (bounded) until the declaration reads ADOPTED; no assertion on how long it took. */
export async function untilAdopted(client: GraphQLTestClient, declarationId: string): Promise<void> {
  await waitFor(
    'the declaration to be adopted at its silence deadline',
    async () => (await client.ok(STATUS, { d: declarationId })).declaration.status === 'ADOPTED',
    { intervalMs: 100, timeoutMs: 30_000 },
  );
}

/** An ISO time `ms` from now. */
export const inMs = (ms: number): string => new Date(Date.now() + ms).toISOString();
