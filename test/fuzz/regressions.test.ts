/**
 * Bugs the fuzzer found, each reduced to a plain test that reads as the
 * sentence it asserts. The fuzz case that found it is quoted above it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addParagraph, addSection, changeLog, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';

describe('regressions found by the fuzzer', () => {
  let server: TestServer;
  let cast: Cast;
  let section: string;
  let paragraph: string;

  beforeAll(async () => {
    server = await startServer();
    cast = await createCast(server);
    section = (await addSection(cast.coFacilitator, cast.declarationId)).id;
    paragraph = (await addParagraph(cast.coFacilitator, section, { text: 'We reaffirm the Global Compact.' })).id;
  });

  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  /**
   * Fuzz seed 2: `setParagraphObjectives(paragraphId: <id in upper case>)`
   * answered INTERNAL_SERVER_ERROR ("Cannot read properties of undefined
   * (reading 'paragraph')"): PostgreSQL's uuid type found the row, then the
   * command looked the id up, as sent, among the lower-case ids it had
   * loaded. An id is the string the server gave; any other spelling names
   * nothing.
   */
  describe('an id spelled in upper case', () => {
    const UPPER_CASE_TARGETS: [string, string, (p: string, s: string) => Record<string, unknown>][] = [
      ['setParagraphObjectives', 'mutation($p: ID!) { setParagraphObjectives(paragraphId: $p, objectives: [1]) { id } }', (p) => ({ p })],
      ['setParagraphStatus', 'mutation($p: ID!) { setParagraphStatus(paragraphId: $p, status: AGREED) { id } }', (p) => ({ p })],
      ['moveParagraph', 'mutation($p: ID!, $s: ID!) { moveParagraph(paragraphId: $p, input: { sectionId: $s }) { id } }', (p, s) => ({ p, s })],
      ['addParagraph', 'mutation($s: ID!) { addParagraph(sectionId: $s, input: { text: "New." }) { id } }', (_p, s) => ({ s })],
      ['addComment', 'mutation($p: ID!) { addComment(paragraphId: $p, input: { body: "Hello." }) { id } }', (p) => ({ p })],
      ['proposeAmendment', 'mutation($p: ID!) { proposeAmendment(paragraphId: $p, input: { text: "Other." }) { id } }', (p) => ({ p })],
      ['paragraph', 'query($p: ID!) { paragraph(id: $p) { id } }', (p) => ({ p })],
    ];

    it.each(UPPER_CASE_TARGETS)('is NOT_FOUND to %s, which changes nothing', async (name, query, variables) => {
      const client = name === 'proposeAmendment' ? cast.delegation : cast.coFacilitator;
      const before = await changeLog(cast.secretariat, cast.declarationId);
      const result = await client.query(query, variables(paragraph.toUpperCase(), section.toUpperCase()));
      expect(result.errors?.map((e) => e.extensions?.code), JSON.stringify(result)).toEqual(['NOT_FOUND']);
      expect(await changeLog(cast.secretariat, cast.declarationId)).toEqual(before);
    });

    it('is NOT_FOUND to documentState, even for the secretariat', async () => {
      const result = await cast.secretariat.query('query($d: ID!) { documentState(declarationId: $d) { seq } }', { d: cast.declarationId.toUpperCase() });
      expect(result.errors?.map((e) => e.extensions?.code), JSON.stringify(result)).toEqual(['NOT_FOUND']);
    });
  });
});
