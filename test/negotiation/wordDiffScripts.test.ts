/**
 * The word diff between two revisions, through the API, in three of the six
 * UN languages that are not written in Latin letters: a word changed by an
 * accepted amendment is one DELETE and one INSERT of whole words (Cyrillic
 * used to come out letter by letter), and the hunks rebuild both texts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import * as N from './negotiation.js';

const PARAGRAPHS = [
  {
    language: 'Russian',
    text: 'Мы признаём прогресс, достигнутый в осуществлении Глобального договора о безопасной, упорядоченной и легальной миграции.',
    before: 'признаём',
    after: 'приветствуем',
  },
  {
    language: 'Arabic',
    text: 'نؤكد من جديد التزامنا بتنفيذ الاتفاق العالمي من أجل الهجرة الآمنة والمنظمة والنظامية.',
    before: 'التزامنا',
    after: 'تعهدنا',
  },
  {
    language: 'Chinese',
    text: '我们重申致力于执行《安全、有序和正常移民全球契约》。',
    before: '正常',
    after: '正规',
  },
];

describe('the word diff of revisions in Russian, Arabic and Chinese', () => {
  let server: TestServer;
  let cast: Cast;
  let older: string;
  let newer: string;
  const ids: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    cast = await createCast(server);
    const section = await addSection(cast.coFacilitator, cast.declarationId, 'Введение · مقدمة · 导言');
    let after: string | null = null;
    for (const { text } of PARAGRAPHS) {
      const paragraph = await addParagraph(cast.coFacilitator, section.id, { text, afterParagraphId: after });
      ids.push(paragraph.id);
      after = paragraph.id;
    }
    older = (await N.publish(cast.coFacilitator, cast.declarationId, 'Zero draft')).id;
    // Each word is changed the way the room changes text: an amendment on that word, accepted.
    for (const [i, { text, before, after: replacement }] of PARAGRAPHS.entries()) {
      const start = text.indexOf(before);
      const amendment = await cast.delegation.ok(N.PROPOSE, {
        p: ids[i],
        i: { anchor: { start, end: start + before.length }, text: replacement },
      });
      await cast.coFacilitator.ok(N.ACCEPT, { a: amendment.proposeAmendment.id });
    }
    newer = (await N.publish(cast.coFacilitator, cast.declarationId, 'Rev.1')).id;
  });

  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it.each(PARAGRAPHS.map((p, i) => ({ ...p, i })))('shows the $language word changed as one DELETE and one INSERT', async ({ i, text, before, after }) => {
    const result = (await N.diff(cast.observer, newer, older)).find((d) => d.paragraphId === ids[i]);
    const changed = text.replace(before, after);
    expect(result?.change).toBe('MODIFIED');
    expect(result!.hunks).toEqual([
      { op: 'EQUAL', text: text.slice(0, text.indexOf(before)) },
      { op: 'DELETE', text: before },
      { op: 'INSERT', text: after },
      { op: 'EQUAL', text: text.slice(text.indexOf(before) + before.length) },
    ]);
    expect(N.rebuild(result!.hunks, 'old')).toBe(text);
    expect(N.rebuild(result!.hunks, 'new')).toBe(changed);
  });
});
