/**
 * The full declaration query costs a fixed handful of SQL statements,
 * whatever the size of the declaration: here the size of the 2022 Progress
 * Declaration (3 sections, 77 paragraphs) with 300 comments, 100 of them
 * replies, anchored or not, by many authors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLTestClient } from '../support/client.js';
import { addParagraph, addSection, createCast, invite, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';

const MAX_STATEMENTS = 12;

const FULL_DECLARATION = `query($d: ID!) {
  declaration(id: $d) {
    id title status
    participants { id name role delegation }
    sections {
      id title position
      paragraphs {
        id number label text status objectives
        comments {
          id body resolved createdAt
          anchor { start end quote orphaned }
          author { id name role delegation }
          replies { id body createdAt author { id name role delegation } }
        }
      }
    }
  }
}`;

const ADD_COMMENT = 'mutation($p: ID!, $i: AddCommentInput!) { addComment(paragraphId: $p, input: $i) { id } }';

/** Runs the tasks twenty at a time. */
async function inChunks<T>(tasks: (() => Promise<T>)[], size = 20): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < tasks.length; i += size) results.push(...(await Promise.all(tasks.slice(i, i + size).map((task) => task()))));
  return results;
}

describe('the full declaration query', () => {
  let server: TestServer;
  let cast: Cast;
  const SECTIONS = [
    { title: 'Introduction', paragraphs: 20 },
    { title: 'Progress, challenges and gaps in implementing the Global Compact', paragraphs: 30 },
    { title: 'Recommended actions to accelerate implementation', paragraphs: 27 },
  ];

  beforeAll(async () => {
    server = await startServer();
    cast = await createCast(server, 'Progress Declaration of the International Migration Review Forum');
    const moreDelegations = await Promise.all(
      ['Bangladesh', 'Philippines', 'Ecuador', 'Germany', 'Ghana', 'Senegal'].map(
        async (country) => (await invite(server, cast.declarationId, 'DELEGATION', `Delegate of ${country}`, country)).client,
      ),
    );
    const authors: GraphQLTestClient[] = [cast.delegation, cast.delegation2, cast.stakeholder, cast.coFacilitator, cast.secretariat, ...moreDelegations];

    // Paragraphs: each section's paragraphs in order, the three sections side by side.
    const sections: { id: string; paragraphIds: string[] }[] = [];
    for (const spec of SECTIONS) sections.push({ id: (await addSection(cast.coFacilitator, cast.declarationId, spec.title)).id, paragraphIds: [] });
    let number = 0;
    const numbersBefore = SECTIONS.map((_, i) => SECTIONS.slice(0, i).reduce((n, s) => n + s.paragraphs, 0));
    await Promise.all(
      SECTIONS.map(async (spec, s) => {
        const section = sections[s]!;
        for (let i = 0; i < spec.paragraphs; i++) {
          const n = numbersBefore[s]! + i + 1;
          const paragraph = await addParagraph(s % 2 ? cast.coFacilitator2 : cast.coFacilitator, section.id, {
            text: `Paragraph ${n}: we commit to implement the Global Compact for Safe, Orderly and Regular Migration.`,
            afterParagraphId: section.paragraphIds.at(-1) ?? null,
            objectives: [(n % 23) + 1],
          });
          section.paragraphIds.push(paragraph.id);
          number += 1;
        }
      }),
    );
    expect(number).toBe(77);
    const paragraphIds = sections.flatMap((s) => s.paragraphIds);

    // 200 top-level comments, every third one anchored, then 100 replies.
    const threads = await inChunks(
      Array.from({ length: 200 }, (_, i) => async () => {
        const input = { body: `Comment ${i}`, anchor: i % 3 === 0 ? { start: 0, end: 9 + (i % 5) } : undefined };
        const data = await authors[i % authors.length]!.ok(ADD_COMMENT, { p: paragraphIds[i % 77], i: input });
        return { id: data.addComment.id as string, paragraphId: paragraphIds[i % 77]! };
      }),
    );
    await inChunks(
      Array.from({ length: 100 }, (_, i) => async () => {
        const thread = threads[(i * 7) % threads.length]!;
        await authors[(i + 3) % authors.length]!.ok(ADD_COMMENT, { p: thread.paragraphId, i: { body: `Reply ${i}`, replyTo: thread.id } });
      }),
    );
  });

  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it(`costs at most ${MAX_STATEMENTS} SQL statements, and is correct`, async () => {
    const before = server.statements;
    const data = await cast.coFacilitator.ok(FULL_DECLARATION, { d: cast.declarationId });
    const statements = server.statements - before;
    console.log(`full declaration query (3 sections, 77 paragraphs, 300 comments): ${statements} SQL statements`);

    const { declaration } = data;
    expect(declaration.sections.map((s: any) => [s.title, s.position, s.paragraphs.length])).toEqual(
      SECTIONS.map((s, i) => [s.title, i + 1, s.paragraphs]),
    );
    const paragraphs = declaration.sections.flatMap((s: any) => s.paragraphs);
    expect(paragraphs.map((p: any) => p.number)).toEqual(Array.from({ length: 77 }, (_, i) => i + 1));
    expect(paragraphs.map((p: any) => p.label)).toEqual(Array.from({ length: 77 }, (_, i) => String(i + 1)));
    expect(paragraphs.every((p: any, i: number) => p.text.startsWith(`Paragraph ${i + 1}:`) && p.objectives[0] === ((i + 1) % 23) + 1)).toBe(true);

    const threads = paragraphs.flatMap((p: any) => p.comments);
    const replies = threads.flatMap((c: any) => c.replies);
    expect(threads).toHaveLength(200);
    expect(replies).toHaveLength(100);
    expect(threads.length + replies.length).toBe(300);
    const anchored = paragraphs.flatMap((p: any) => p.comments.filter((c: any) => c.anchor).map((c: any) => ({ text: p.text, ...c.anchor })));
    expect(anchored).toHaveLength(67);
    for (const a of anchored) {
      expect(a).toMatchObject({ start: 0, orphaned: false });
      expect(a.quote).toBe(a.text.slice(a.start, a.end));
    }
    expect(new Set([...threads, ...replies].map((c: any) => c.author.name)).size).toBe(11);
    expect(declaration.participants).toHaveLength(6 + 6);

    expect(statements).toBeGreaterThan(0);
    expect(statements).toBeLessThanOrEqual(MAX_STATEMENTS);
  });
});
