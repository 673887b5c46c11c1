/**
 * The change log: every state change writes one ChangeEvent, numbered per
 * declaration 1, 2, 3, ... without gaps, even when many people write at once;
 * a change that changes nothing, or that is refused, writes none;
 * `changeLog(after, first)` pages through it, and the `changes(after)`
 * subscription replays the same events, field for field, before the live ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLTestClient } from '../support/client.js';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';

interface Event {
  seq: number;
  kind: string;
  at: string;
  actor: { id: string; name: string; role: string } | null;
  paragraphId: string | null;
  commentId: string | null;
  amendmentId: string | null;
  revisionId: string | null;
  text: string | null;
  summary: string;
}

const EVENT_FIELDS = 'seq kind at actor { id name role } paragraphId commentId amendmentId revisionId text summary';

const CHANGE_LOG = `query($d: ID!, $a: Int, $f: Int) { changeLog(declarationId: $d, after: $a, first: $f) { ${EVENT_FIELDS} } }`;
const CHANGES = `subscription($d: ID!, $a: Int) { changes(declarationId: $d, after: $a) { ${EVENT_FIELDS} } }`;

/** The `changes` feed after `after`, over the client's WebSocket, gathered as it arrives. */
function followChanges(client: GraphQLTestClient, declarationId: string, after: number) {
  const events: Event[] = [];
  const errors: unknown[] = [];
  const stop = client.socket().subscribe<{ changes: Event }>(
    { query: CHANGES, variables: { d: declarationId, a: after } },
    { next: (r) => (r.errors ? errors.push(r.errors) : events.push(r.data!.changes)), error: (e) => errors.push(e), complete: () => {} },
  );
  const reached = (seq: number) =>
    waitFor(`the feed to reach seq ${seq}`, () => {
      if (errors.length) throw new Error(JSON.stringify(errors));
      return events.some((e) => e.seq >= seq);
    });
  return { events, stop, reached };
}

/** One page of the log. */
async function page(client: GraphQLTestClient, declarationId: string, after?: number, first?: number): Promise<Event[]> {
  const data = await client.ok(CHANGE_LOG, { d: declarationId, a: after, f: first });
  return data.changeLog;
}

/** The whole log, oldest first. */
async function wholeLog(client: GraphQLTestClient, declarationId: string): Promise<Event[]> {
  const events: Event[] = [];
  for (;;) {
    const batch = await page(client, declarationId, events.at(-1)?.seq ?? 0, 1000);
    events.push(...batch);
    if (batch.length < 1000) return events;
  }
}

const seqs = (events: Event[]) => events.map((e) => e.seq);
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

const M = {
  moveParagraph: 'mutation($p: ID!, $i: MoveParagraphInput!) { moveParagraph(paragraphId: $p, input: $i) { id number label } }',
  setStatus: 'mutation($p: ID!, $s: ParagraphStatus!) { setParagraphStatus(paragraphId: $p, status: $s) { id status } }',
  setObjectives: 'mutation($p: ID!, $o: [Int!]!) { setParagraphObjectives(paragraphId: $p, objectives: $o) { id objectives } }',
  addComment: 'mutation($p: ID!, $i: AddCommentInput!) { addComment(paragraphId: $p, input: $i) { id } }',
  editComment: 'mutation($c: ID!, $b: String!) { editComment(commentId: $c, body: $b) { id body editedAt } }',
  resolve: 'mutation($c: ID!) { resolveComment(commentId: $c) { id resolved } }',
  reopen: 'mutation($c: ID!) { reopenComment(commentId: $c) { id resolved } }',
  invite: 'mutation($d: ID!, $i: InviteParticipantInput!) { inviteParticipant(declarationId: $d, input: $i) { participant { id } } }',
  addSection: 'mutation($d: ID!, $i: AddSectionInput!) { addSection(declarationId: $d, input: $i) { id } }',
  addParagraph: 'mutation($s: ID!, $i: AddParagraphInput!) { addParagraph(sectionId: $s, input: $i) { id } }',
};

describe('the change log', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  /**
   * Runs `mutate`, then returns the events written since: the caller expects
   * exactly one (or none for a no-op). Reads the log as the observer.
   */
  async function eventsOf(cast: Cast, mutate: () => Promise<unknown>): Promise<Event[]> {
    const before = (await wholeLog(cast.observer, cast.declarationId)).at(-1)?.seq ?? 0;
    await mutate();
    return page(cast.observer, cast.declarationId, before, 1000);
  }

  async function oneEventOf(cast: Cast, mutate: () => Promise<unknown>): Promise<Event> {
    const events = await eventsOf(cast, mutate);
    expect(events, 'the mutation wrote exactly one change event').toHaveLength(1);
    return events[0]!;
  }

  describe('of a declaration being set up and drafted', () => {
    let cast: Cast;
    let secretariatId: string;
    beforeAll(async () => {
      cast = await createCast(server, 'Progress Declaration of the IMRF');
      secretariatId = (await cast.secretariat.ok('{ viewer { id } }')).viewer.id;
    });

    // Creating the declaration is not a change to it (the contract has no kind for it): the log starts with the invitations.
    it('starts with one PARTICIPANT_INVITED event per invitation, by the secretariat', async () => {
      const events = await wholeLog(cast.observer, cast.declarationId);
      expect(seqs(events)).toEqual(oneTo(6));
      expect(events.map((e) => e.kind)).toEqual(Array(6).fill('PARTICIPANT_INVITED'));
      expect(events.every((e) => e.actor?.id === secretariatId && e.actor.role === 'SECRETARIAT')).toBe(true);
      expect(events.every((e) => e.paragraphId === null && e.commentId === null && e.text === null)).toBe(true);
      expect(events.map((e) => e.summary)).toEqual([
        'Secretariat invited Ambassador Diallo (co-facilitator)',
        'Secretariat invited Ambassador Voss (co-facilitator)',
        'Secretariat invited Delegate of Mexico (delegation, Mexico)',
        'Secretariat invited Delegate of Morocco (delegation, Morocco)',
        'Secretariat invited Migrant workers network (stakeholder, Civil society)',
        'Secretariat invited Press observer (observer)',
      ]);
      for (const e of events) expect(Number.isNaN(Date.parse(e.at))).toBe(false);
    });

    it('records every mutation served today as one event with its kind, actor, ids, text and summary', async () => {
      const { declarationId, ids } = cast;
      const diallo = { id: ids.coFacilitator, name: 'Ambassador Diallo', role: 'CO_FACILITATOR' };
      const voss = { id: ids.coFacilitator2, name: 'Ambassador Voss', role: 'CO_FACILITATOR' };
      const none = { paragraphId: null, commentId: null, amendmentId: null, revisionId: null, text: null };

      let s1 = '';
      expect(await oneEventOf(cast, async () => (s1 = (await addSection(cast.coFacilitator, declarationId, 'Introduction')).id))).toMatchObject({
        seq: 7,
        kind: 'SECTION_ADDED',
        actor: diallo,
        ...none,
        summary: 'Ambassador Diallo added section 1 "Introduction"',
      });

      const texts = [
        'We, the Ministers and representatives of States, have gathered at the first International Migration Review Forum.',
        'We reaffirm our commitment to the Global Compact for Safe, Orderly and Regular Migration.',
      ];
      const p: string[] = [];
      for (const [i, text] of texts.entries()) {
        const event = await oneEventOf(cast, async () => {
          p.push((await addParagraph(cast.coFacilitator, s1, { text, afterParagraphId: p.at(-1) ?? null })).id);
        });
        expect(event).toMatchObject({
          seq: 8 + i,
          kind: 'PARAGRAPH_ADDED',
          actor: diallo,
          paragraphId: p[i],
          commentId: null,
          text,
          summary: `Ambassador Diallo added paragraph ${i + 1}`,
        });
      }

      expect(
        await oneEventOf(cast, async () => p.push((await addParagraph(cast.coFacilitator, s1, { afterParagraphId: p[1] })).id)),
        'a paragraph added without text carries the empty text',
      ).toMatchObject({ seq: 10, kind: 'PARAGRAPH_ADDED', paragraphId: p[2], text: '', summary: 'Ambassador Diallo added paragraph 3' });

      let s2 = '';
      expect(await oneEventOf(cast, async () => (s2 = (await addSection(cast.coFacilitator2, declarationId, 'Progress, challenges and gaps')).id))).toMatchObject({
        seq: 11,
        kind: 'SECTION_ADDED',
        actor: voss,
        ...none,
        summary: 'Ambassador Voss added section 2 "Progress, challenges and gaps"',
      });

      // Paragraph 1 moves after paragraph 2: the first is now "2".
      expect(await oneEventOf(cast, () => cast.coFacilitator2.ok(M.moveParagraph, { p: p[0], i: { sectionId: s1, afterParagraphId: p[1] } }))).toMatchObject({
        seq: 12,
        kind: 'PARAGRAPH_MOVED',
        actor: voss,
        paragraphId: p[0],
        commentId: null,
        text: null,
        summary: 'Ambassador Voss moved paragraph 1 (now 2)',
      });
      expect(await oneEventOf(cast, () => cast.coFacilitator2.ok(M.moveParagraph, { p: p[2], i: { sectionId: s2 } }))).toMatchObject({
        seq: 13,
        kind: 'PARAGRAPH_MOVED',
        paragraphId: p[2],
        summary: 'Ambassador Voss moved paragraph 3',
      });

      expect(await oneEventOf(cast, () => cast.coFacilitator2.ok(M.setStatus, { p: p[1], s: 'AGREED_AD_REF' }))).toMatchObject({
        seq: 14,
        kind: 'PARAGRAPH_STATUS_CHANGED',
        actor: voss,
        paragraphId: p[1],
        commentId: null,
        text: null,
        summary: 'Ambassador Voss set paragraph 1 to agreed ad ref',
      });

      expect(await oneEventOf(cast, () => cast.coFacilitator.ok(M.setObjectives, { p: p[0], o: [5, 2] }))).toMatchObject({
        seq: 15,
        kind: 'PARAGRAPH_OBJECTIVES_CHANGED',
        actor: diallo,
        paragraphId: p[0],
        commentId: null,
        text: null,
        summary: 'Ambassador Diallo tagged paragraph 2 with objectives 2, 5',
      });

      let c1 = '';
      const comment = await oneEventOf(cast, async () => {
        const data = await cast.delegation.ok(M.addComment, { p: p[0], i: { body: 'Mexico proposes "firmly reaffirm".', anchor: { start: 3, end: 14 } } });
        c1 = data.addComment.id;
      });
      expect(comment).toMatchObject({
        seq: 16,
        kind: 'COMMENT_ADDED',
        actor: { id: ids.delegation, name: 'Delegate of Mexico', role: 'DELEGATION' },
        paragraphId: p[0],
        commentId: c1,
        text: null,
        summary: 'Mexico commented on paragraph 2',
      });

      let c2 = '';
      expect(
        await oneEventOf(cast, async () => {
          c2 = (await cast.delegation2.ok(M.addComment, { p: p[0], i: { body: 'Morocco supports.', replyTo: c1 } })).addComment.id;
        }),
      ).toMatchObject({
        seq: 17,
        kind: 'COMMENT_ADDED',
        actor: { id: ids.delegation2, role: 'DELEGATION' },
        paragraphId: p[0],
        commentId: c2,
        summary: 'Morocco replied to a comment on paragraph 2',
      });

      expect(await oneEventOf(cast, () => cast.delegation.ok(M.editComment, { c: c1, b: 'Mexico proposes "strongly reaffirm".' }))).toMatchObject({
        seq: 18,
        kind: 'COMMENT_EDITED',
        actor: { id: ids.delegation },
        paragraphId: p[0],
        commentId: c1,
        summary: 'Mexico edited a comment on paragraph 2',
      });

      // Resolving through a reply resolves the thread: the event names its first comment.
      expect(await oneEventOf(cast, () => cast.stakeholder.ok(M.resolve, { c: c2 }))).toMatchObject({
        seq: 19,
        kind: 'COMMENT_RESOLVED',
        actor: { id: ids.stakeholder, role: 'STAKEHOLDER' },
        paragraphId: p[0],
        commentId: c1,
        text: null,
        summary: 'Civil society resolved a comment on paragraph 2',
      });

      expect(await oneEventOf(cast, () => cast.secretariat.ok(M.reopen, { c: c1 }))).toMatchObject({
        seq: 20,
        kind: 'COMMENT_REOPENED',
        actor: { id: secretariatId, role: 'SECRETARIAT' },
        paragraphId: p[0],
        commentId: c1,
        summary: 'Secretariat reopened a comment on paragraph 2',
      });

      let invited = '';
      expect(
        await oneEventOf(cast, async () => {
          const data = await cast.secretariat.ok(M.invite, { d: declarationId, i: { name: 'Delegate of Bangladesh', role: 'DELEGATION', delegation: 'Bangladesh' } });
          invited = data.inviteParticipant.participant.id;
        }),
      ).toMatchObject({
        seq: 21,
        kind: 'PARTICIPANT_INVITED',
        actor: { id: secretariatId },
        ...none,
        summary: 'Secretariat invited Delegate of Bangladesh (delegation, Bangladesh)',
      });
      expect(invited).not.toBe('');

      expect(await oneEventOf(cast, () => cast.coFacilitator.ok(M.setStatus, { p: p[2], s: 'DELETED' }))).toMatchObject({
        seq: 22,
        kind: 'PARAGRAPH_STATUS_CHANGED',
        paragraphId: p[2],
        summary: 'Ambassador Diallo set paragraph 3 to deleted',
      });

      expect(seqs(await wholeLog(cast.observer, declarationId))).toEqual(oneTo(22));
    });
  });

  it('writes no event for a mutation that changes nothing', async () => {
    const cast = await createCast(server, 'No-ops');
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    const first = await addParagraph(cast.coFacilitator, section.id, { text: 'First.', objectives: [1, 3] });
    const second = await addParagraph(cast.coFacilitator, section.id, { text: 'Second.', afterParagraphId: first.id });
    await cast.coFacilitator.ok(M.setStatus, { p: first.id, s: 'AGREED' });
    const thread = (await cast.delegation.ok(M.addComment, { p: first.id, i: { body: 'A point.' } })).addComment.id;
    const reply = (await cast.stakeholder.ok(M.addComment, { p: first.id, i: { body: 'Agreed.', replyTo: thread } })).addComment.id;
    await cast.delegation.ok(M.resolve, { c: thread });
    const before = await wholeLog(cast.observer, cast.declarationId);

    expect(await eventsOf(cast, () => cast.coFacilitator.ok(M.setStatus, { p: first.id, s: 'AGREED' })), 'the same status').toEqual([]);
    expect(await eventsOf(cast, () => cast.coFacilitator2.ok(M.setObjectives, { p: first.id, o: [3, 1, 3] })), 'the same objectives').toEqual([]);
    expect(await eventsOf(cast, () => cast.coFacilitator.ok(M.setObjectives, { p: second.id, o: [] })), 'still no objectives').toEqual([]);
    expect(await eventsOf(cast, () => cast.delegation2.ok(M.resolve, { c: thread })), 'resolving a resolved thread').toEqual([]);
    expect(await eventsOf(cast, () => cast.delegation2.ok(M.resolve, { c: reply })), 'resolving it through a reply').toEqual([]);
    expect(await eventsOf(cast, () => cast.delegation.ok(M.editComment, { c: thread, b: 'A point.' })), 'editing to the same body').toEqual([]);
    await cast.delegation.ok(M.reopen, { c: thread });
    expect(await eventsOf(cast, () => cast.delegation2.ok(M.reopen, { c: thread })), 'reopening an open thread').toEqual([]);
    expect(
      await eventsOf(cast, () => cast.coFacilitator.ok(M.moveParagraph, { p: second.id, i: { sectionId: section.id, afterParagraphId: first.id } })),
      'moving a paragraph to where it is',
    ).toEqual([]);
    expect(
      await eventsOf(cast, () => cast.coFacilitator.ok(M.moveParagraph, { p: first.id, i: { sectionId: section.id } })),
      'moving the first paragraph to the start of its section',
    ).toEqual([]);

    // The no-ops still answered with the state as it is, and only the reopen was recorded.
    const after = await wholeLog(cast.observer, cast.declarationId);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length).map((e) => e.kind)).toEqual(['COMMENT_REOPENED']);
    const data = await cast.observer.ok('query($d: ID!) { declaration(id: $d) { paragraphs { id status objectives comments { resolved editedAt } } } }', {
      d: cast.declarationId,
    });
    expect(data.declaration.paragraphs).toEqual([
      { id: first.id, status: 'AGREED', objectives: [1, 3], comments: [{ resolved: false, editedAt: null }] },
      { id: second.id, status: 'OPEN', objectives: [], comments: [] },
    ]);
  });

  it('writes no event for a mutation that is refused', async () => {
    const cast = await createCast(server, 'Refusals');
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    const paragraph = await addParagraph(cast.coFacilitator, section.id, { text: 'Short.' });
    const comment = (await cast.delegation.ok(M.addComment, { p: paragraph.id, i: { body: 'Hm.' } })).addComment.id;
    const before = await wholeLog(cast.observer, cast.declarationId);

    const refusals: [string, Promise<string>][] = [
      ['a delegation adds a paragraph', cast.delegation.errorCode(M.addParagraph, { s: section.id, i: { text: 'Ours.' } })],
      ['an observer comments', cast.observer.errorCode(M.addComment, { p: paragraph.id, i: { body: 'Noted.' } })],
      ['a co-facilitator tags objective 24', cast.coFacilitator.errorCode(M.setObjectives, { p: paragraph.id, o: [24] })],
      ['a comment anchored past the end', cast.delegation2.errorCode(M.addComment, { p: paragraph.id, i: { body: 'Here.', anchor: { start: 2, end: 99 } } })],
      ['an empty comment', cast.delegation2.errorCode(M.addComment, { p: paragraph.id, i: { body: '   ' } })],
      ['someone else edits a comment', cast.delegation2.errorCode(M.editComment, { c: comment, b: 'Changed.' })],
      ['a move to a section that does not exist', cast.coFacilitator.errorCode(M.moveParagraph, { p: paragraph.id, i: { sectionId: crypto.randomUUID() } })],
      ['a stakeholder invites', cast.stakeholder.errorCode(M.invite, { d: cast.declarationId, i: { name: 'X', role: 'OBSERVER' } })],
      ['a delegation adds a section', cast.delegation.errorCode(M.addSection, { d: cast.declarationId, i: { title: 'Annex' } })],
    ];
    const codes = Object.fromEntries(await Promise.all(refusals.map(async ([what, code]) => [what, await code])));
    expect(codes).toEqual({
      'a delegation adds a paragraph': 'FORBIDDEN',
      'an observer comments': 'FORBIDDEN',
      'a co-facilitator tags objective 24': 'BAD_USER_INPUT',
      'a comment anchored past the end': 'BAD_USER_INPUT',
      'an empty comment': 'BAD_USER_INPUT',
      'someone else edits a comment': 'FORBIDDEN',
      'a move to a section that does not exist': 'BAD_USER_INPUT',
      'a stakeholder invites': 'FORBIDDEN',
      'a delegation adds a section': 'FORBIDDEN',
    });
    expect(await wholeLog(cast.observer, cast.declarationId)).toEqual(before);
  });

  it('numbers events 1..N without gaps when co-facilitators and delegations write at once', async () => {
    const cast = await createCast(server, 'Under pressure');
    const section = await addSection(cast.coFacilitator, cast.declarationId, 'Recommended actions');
    const base: string[] = [];
    for (let i = 0; i < 10; i++) {
      base.push((await addParagraph(cast.coFacilitator, section.id, { text: `Action ${i + 1}.`, afterParagraphId: base.at(-1) ?? null })).id);
    }
    const threads = await Promise.all(
      base.slice(0, 5).map(async (p, i) => (await cast.delegation.ok(M.addComment, { p, i: { body: `Thread ${i}` } })).addComment.id),
    );
    const setupEvents = (await wholeLog(cast.observer, cast.declarationId)).length;
    expect(setupEvents).toBe(6 + 1 + 10 + 5);

    // 60 mutations at once, each of which changes something...
    const mutations: { kind: string; run: () => Promise<unknown> }[] = [];
    for (let i = 0; i < 10; i++) {
      mutations.push({ kind: 'PARAGRAPH_ADDED', run: () => cast.coFacilitator.query(M.addParagraph, { s: section.id, i: { text: `Diallo ${i}` } }) });
      mutations.push({ kind: 'PARAGRAPH_ADDED', run: () => cast.coFacilitator2.query(M.addParagraph, { s: section.id, i: { text: `Voss ${i}`, afterParagraphId: base[i] } }) });
      mutations.push({ kind: 'PARAGRAPH_OBJECTIVES_CHANGED', run: () => cast.coFacilitator.query(M.setObjectives, { p: base[i], o: [i + 1, 23 - i] }) });
      mutations.push({ kind: 'COMMENT_ADDED', run: () => cast.delegation.query(M.addComment, { p: base[i], i: { body: `Mexico on ${i}` } }) });
      mutations.push({ kind: 'COMMENT_ADDED', run: () => cast.delegation2.query(M.addComment, { p: base[i], i: { body: `Morocco on ${i}`, anchor: { start: 0, end: 6 } } }) });
      mutations.push(
        i < 5
          ? { kind: 'COMMENT_ADDED', run: () => cast.delegation2.query(M.addComment, { p: base[i], i: { body: `Morocco replies ${i}`, replyTo: threads[i] } }) }
          : { kind: 'PARAGRAPH_STATUS_CHANGED', run: () => cast.coFacilitator2.query(M.setStatus, { p: base[i], s: 'AGREED_AD_REF' }) },
      );
    }
    // ... and, among them, six that are refused, some only once they hold the declaration's lock.
    const refused = [
      () => cast.delegation.query(M.addParagraph, { s: section.id, i: { text: 'Not yours to add.' } }),
      () => cast.coFacilitator2.query(M.setObjectives, { p: base[0], o: [0] }),
      () => cast.delegation.query(M.addComment, { p: base[1], i: { body: 'Past the end.', anchor: { start: 0, end: 500 } } }),
      () => cast.delegation2.query(M.addComment, { p: base[2], i: { body: 'Anchored reply.', replyTo: threads[0], anchor: { start: 0, end: 1 } } }),
      () => cast.coFacilitator.query(M.moveParagraph, { p: base[3], i: { sectionId: crypto.randomUUID() } }),
      () => cast.observer.query(M.addComment, { p: base[4], i: { body: 'Observers do not comment.' } }),
    ];
    const all = [...mutations.map((m) => m.run), ...refused];
    // Interleave the refused ones with the others.
    for (let i = refused.length; i > 0; i--) all.splice(i * 10, 0, all.pop()!);
    expect(all).toHaveLength(66);
    const results = (await Promise.all(all.map((run) => run()))) as { errors?: { extensions?: { code?: string } }[]; data?: unknown }[];
    const failures = results.filter((r) => r.errors?.length || !r.data);
    const succeeded = results.length - failures.length;
    expect(failures.map((r) => r.errors?.[0]?.extensions?.code).sort()).toEqual(
      ['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'FORBIDDEN', 'FORBIDDEN'],
    );
    expect(succeeded).toBe(60);

    const events = await wholeLog(cast.observer, cast.declarationId);
    expect(seqs(events)).toEqual(oneTo(events.length));
    expect(events.length).toBe(setupEvents + succeeded);

    const concurrent = events.slice(setupEvents);
    const count = (list: string[]) => list.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});
    expect(count(concurrent.map((e) => e.kind))).toEqual(count(mutations.map((m) => m.kind)));
    const actors = count(concurrent.map((e) => e.actor!.name));
    expect(actors).toEqual({ 'Ambassador Diallo': 20, 'Ambassador Voss': 15, 'Delegate of Mexico': 10, 'Delegate of Morocco': 15 });

    // Every paragraph and comment the mutations made has exactly one event naming it.
    const data = await cast.observer.ok('query($d: ID!) { declaration(id: $d) { paragraphs { id number comments { id replies { id } } } } }', {
      d: cast.declarationId,
    });
    const paragraphs = data.declaration.paragraphs as { id: string; number: number; comments: { id: string; replies: { id: string }[] }[] }[];
    expect(paragraphs.map((p) => p.number)).toEqual(oneTo(30));
    const added = events.filter((e) => e.kind === 'PARAGRAPH_ADDED').map((e) => e.paragraphId);
    expect(new Set(added).size).toBe(added.length);
    expect([...added].sort()).toEqual(paragraphs.map((p) => p.id).sort());
    const commentIds = paragraphs.flatMap((p) => p.comments.flatMap((c) => [c.id, ...c.replies.map((r) => r.id)]));
    const commented = events.filter((e) => e.kind === 'COMMENT_ADDED').map((e) => e.commentId);
    expect([...commented].sort()).toEqual([...commentIds].sort());
  });

  it('numbers the events of two declarations independently', async () => {
    const a = await createCast(server, 'Declaration A');
    const b = await createCast(server, 'Declaration B');
    const [sa, sb] = await Promise.all([addSection(a.coFacilitator, a.declarationId, 'A1'), addSection(b.coFacilitator, b.declarationId, 'B1')]);
    await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => addParagraph(a.coFacilitator, sa.id, { text: `A ${i}` })),
      ...Array.from({ length: 5 }, (_, i) => addParagraph(b.coFacilitator2, sb.id, { text: `B ${i}` })),
    ]);
    await addSection(a.coFacilitator2, a.declarationId, 'A2');

    const logA = await wholeLog(a.observer, a.declarationId);
    const logB = await wholeLog(b.observer, b.declarationId);
    expect(seqs(logA)).toEqual(oneTo(6 + 1 + 8 + 1));
    expect(seqs(logB)).toEqual(oneTo(6 + 1 + 5));
    expect(logA.filter((e) => e.kind === 'PARAGRAPH_ADDED').map((e) => e.text).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `A ${i}`));
    expect(logB.filter((e) => e.kind === 'PARAGRAPH_ADDED').map((e) => e.text).sort()).toEqual(Array.from({ length: 5 }, (_, i) => `B ${i}`));
    expect(await b.observer.errorCode(CHANGE_LOG, { d: a.declarationId }), "B's observer reads nothing of A").toBe('NOT_FOUND');
  });

  describe('read in pages', () => {
    let cast: Cast;
    let all: Event[];
    const N = 6 + 1 + 100;
    beforeAll(async () => {
      cast = await createCast(server, 'Paging');
      const section = await addSection(cast.coFacilitator, cast.declarationId);
      for (let chunk = 0; chunk < 5; chunk++) {
        await Promise.all(Array.from({ length: 20 }, (_, i) => addParagraph(cast.coFacilitator, section.id, { text: `P${chunk * 20 + i}` })));
      }
      all = await wholeLog(cast.observer, cast.declarationId);
    });

    it('holds N events numbered 1..N', () => {
      expect(seqs(all)).toEqual(oneTo(N));
    });

    it('gives nothing after the last event', async () => {
      expect(await page(cast.observer, cast.declarationId, N)).toEqual([]);
      expect(await page(cast.observer, cast.declarationId, N + 50, 10)).toEqual([]);
    });

    it('gives the first two events for first: 2', async () => {
      expect(await page(cast.observer, cast.declarationId, undefined, 2)).toEqual(all.slice(0, 2));
    });

    it('gives the events after `after`, at most `first` of them', async () => {
      expect(seqs(await page(cast.observer, cast.declarationId, 3, 2))).toEqual([4, 5]);
      expect(seqs(await page(cast.observer, cast.declarationId, N - 1))).toEqual([N]);
      expect(seqs(await page(cast.observer, cast.declarationId, N - 2, 1000))).toEqual([N - 1, N]);
    });

    it('gives 100 events by default, from the first', async () => {
      const data = await cast.observer.ok(`query($d: ID!) { changeLog(declarationId: $d) { ${EVENT_FIELDS} } }`, { d: cast.declarationId });
      expect(data.changeLog).toEqual(all.slice(0, 100));
    });

    it('rebuilds the whole log page by page', async () => {
      const pages: Event[] = [];
      for (;;) {
        const next = await page(cast.delegation, cast.declarationId, pages.at(-1)?.seq ?? 0, 7);
        if (next.length === 0) break;
        expect(next.length).toBeLessThanOrEqual(7);
        pages.push(...next);
      }
      expect(pages).toEqual(all);
    });

    it('refuses first outside 1..1000 and a negative after', async () => {
      expect(await cast.observer.errorCode(CHANGE_LOG, { d: cast.declarationId, f: 0 })).toBe('BAD_USER_INPUT');
      expect(await cast.observer.errorCode(CHANGE_LOG, { d: cast.declarationId, f: 1001 })).toBe('BAD_USER_INPUT');
      expect(await cast.observer.errorCode(CHANGE_LOG, { d: cast.declarationId, a: -1 })).toBe('BAD_USER_INPUT');
      expect(await page(cast.observer, cast.declarationId, 0, 1000)).toEqual(all);
    });

    // Last in this block: it adds an event after the replay.
    it('replays through the changes subscription exactly the events of the paged log after n, then the live ones', async () => {
      const fromStart = followChanges(cast.delegation, cast.declarationId, 0);
      const fromMiddle = followChanges(cast.stakeholder, cast.declarationId, 50);
      const fromEnd = followChanges(cast.observer, cast.declarationId, N);
      await fromStart.reached(N);
      await fromMiddle.reached(N);
      expect(fromStart.events, 'after: 0 replays the whole log').toEqual(all);
      expect(fromMiddle.events, 'after: 50 replays the log after seq 50').toEqual(await page(cast.observer, cast.declarationId, 50, 1000));

      const section = (await cast.coFacilitator.ok('query($d: ID!) { declaration(id: $d) { sections { id } } }', { d: cast.declarationId })).declaration.sections[0].id;
      await addParagraph(cast.coFacilitator, section, { text: 'Live.' });
      const [live] = await page(cast.observer, cast.declarationId, N);
      expect(live).toMatchObject({ seq: N + 1, kind: 'PARAGRAPH_ADDED', text: 'Live.' });
      for (const feed of [fromStart, fromMiddle, fromEnd]) await feed.reached(N + 1);
      expect(fromEnd.events, 'after: N replays nothing, then the live event').toEqual([live]);
      expect(fromStart.events.slice(N), 'then the live event, once').toEqual([live]);
      expect(fromMiddle.events.slice(N - 50)).toEqual([live]);
      for (const feed of [fromStart, fromMiddle, fromEnd]) feed.stop();
    });
  });
});
