/**
 * Failures reach an application as `DraftroomError`s carrying the contract's
 * code: from `client.request`, from `openDeclaration`, and from a session
 * whose edits the server refuses for good (`flushed()` rejects, the session
 * emits 'error', and the server's text is unchanged).
 */
import { randomUUID } from 'node:crypto';
import {
  AddParagraphDocument,
  DeclarationDocument,
  DraftroomError,
  ParagraphDocument,
  SetParagraphObjectivesDocument,
  SetParagraphStatusDocument,
  ViewerDocument,
  type DraftroomClient,
} from '@draftroom/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { sdkClient, serverText } from './sdkSupport.js';

/** The DraftroomError a promise rejects with (fails the test if it resolves or rejects with something else). */
async function refusal(promise: Promise<unknown>): Promise<DraftroomError> {
  const outcome = await promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => ({ rejected: error }),
  );
  if (!('rejected' in outcome)) throw new Error(`expected a DraftroomError, got a result: ${JSON.stringify(outcome.resolved)}`);
  expect(outcome.rejected).toBeInstanceOf(DraftroomError);
  return outcome.rejected as DraftroomError;
}

describe('errors as DraftroomError with the contract’s codes', () => {
  let server: TestServer;
  let cast: Cast;
  let sectionId: string;
  let paragraphId: string;
  let clients: DraftroomClient[] = [];
  const client = (token: string) => {
    const made = sdkClient(server.url, token);
    clients.push(made);
    return made;
  };
  beforeAll(async () => {
    server = await startServer();
    cast = await createCast(server);
    sectionId = (await addSection(cast.coFacilitator, cast.declarationId)).id;
    paragraphId = (await addParagraph(cast.coFacilitator, sectionId, { text: 'We note progress.' })).id;
  });
  afterEach(() => {
    for (const made of clients) made.close();
    clients = [];
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  describe('client.request', () => {
    it('rejects an observer’s mutation with FORBIDDEN', async () => {
      const error = await refusal(client(cast.observer.token!).request(AddParagraphDocument, { sectionId, input: { text: 'Observers cannot write.' } }));
      expect(error.code).toBe('FORBIDDEN');
      expect(error.message).not.toBe('');
      expect(error.path).toEqual(['addParagraph']);
    });

    it('rejects an unknown paragraph id with NOT_FOUND', async () => {
      const error = await refusal(client(cast.coFacilitator.token!).request(ParagraphDocument, { id: randomUUID() }));
      expect(error.code).toBe('NOT_FOUND');
    });

    it('rejects an unknown declaration id with NOT_FOUND', async () => {
      const error = await refusal(client(cast.coFacilitator.token!).request(DeclarationDocument, { id: randomUUID() }));
      expect(error.code).toBe('NOT_FOUND');
    });

    it('rejects out-of-range input with BAD_USER_INPUT, and changes nothing', async () => {
      const coFacilitator = client(cast.coFacilitator.token!);
      const error = await refusal(coFacilitator.request(SetParagraphObjectivesDocument, { paragraphId, objectives: [24] }));
      expect(error.code).toBe('BAD_USER_INPUT');
      const { paragraph } = await coFacilitator.request(ParagraphDocument, { id: paragraphId });
      expect(paragraph?.objectives).toEqual([]);
    });

    it('rejects an unknown token with UNAUTHENTICATED', async () => {
      const error = await refusal(client('drt_not-a-token-of-this-server').request(ViewerDocument));
      expect(error.code).toBe('UNAUTHENTICATED');
      expect(error.retryable).toBe(false);
    });

    it('rejects with NETWORK_ERROR when nothing answers', async () => {
      const error = await refusal(sdkClient('http://127.0.0.1:9/graphql', cast.coFacilitator.token!).request(ViewerDocument));
      expect(error.code).toBe('NETWORK_ERROR');
      expect(error.retryable).toBe(true);
    });
  });

  describe('openDeclaration', () => {
    it('rejects an unknown declaration id with NOT_FOUND', async () => {
      const error = await refusal(client(cast.coFacilitator.token!).openDeclaration(randomUUID()));
      expect(error.code).toBe('NOT_FOUND');
    });

    it('rejects an unknown token with UNAUTHENTICATED', async () => {
      const error = await refusal(client('drt_not-a-token-of-this-server').openDeclaration(cast.declarationId));
      expect(error.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('client.changes', () => {
    /** The error the feed's loop throws (fails the test if the loop ends without one). */
    const feedFailure = async (feed: AsyncIterable<unknown>) => {
      const delivered: unknown[] = [];
      const error = await refusal(
        (async () => {
          for await (const event of feed) delivered.push(event);
          return delivered;
        })(),
      );
      expect(delivered).toEqual([]);
      return error;
    };

    it('throws NOT_FOUND from the loop for an unknown declaration', async () => {
      const error = await feedFailure(client(cast.observer.token!).changes(randomUUID(), { after: 0 }));
      expect(error.code).toBe('NOT_FOUND');
    });

    it('throws UNAUTHENTICATED from the loop for an unknown token', async () => {
      const error = await feedFailure(client('drt_not-a-token-of-this-server').changes(cast.declarationId, { after: 0 }));
      expect(error.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('a session whose edits are refused', () => {
    it('rejects flushed() with FORBIDDEN for an observer’s edit, emits the error, and the server’s text is unchanged', async () => {
      const observer = client(cast.observer.token!);
      const session = await observer.openDeclaration(cast.declarationId);
      const errors: DraftroomError[] = [];
      session.on('error', (error) => errors.push(error));
      expect(session.text(paragraphId).toString()).toBe('We note progress.');

      session.text(paragraphId).insert(0, 'Observers cannot type: ');
      const error = await refusal(session.flushed());
      expect(error.code).toBe('FORBIDDEN');
      await waitFor('the session to emit the error', () => errors.length > 0);
      expect(errors[0]!.code).toBe('FORBIDDEN');
      expect(session.failure?.code).toBe('FORBIDDEN');
      // A later flushed() does not pretend the edit went through.
      expect((await refusal(session.flushed())).code).toBe('FORBIDDEN');

      const onServer = await serverText(client(cast.coFacilitator.token!), cast.declarationId, paragraphId);
      expect(onServer.doc).toBe('We note progress.');
      expect(onServer.paragraph).toBe('We note progress.');
    });

    it('rejects flushed() with CONFLICT for an edit of a DELETED paragraph, and the server’s text is unchanged', async () => {
      const coFacilitator = client(cast.coFacilitator.token!);
      const closed = (await addParagraph(cast.coFacilitator, sectionId, { text: 'To be deleted.' })).id;
      await coFacilitator.request(SetParagraphStatusDocument, { paragraphId: closed, status: 'DELETED' });
      const session = await coFacilitator.openDeclaration(cast.declarationId);
      session.text(closed).insert(0, 'Too late: ');
      const error = await refusal(session.flushed());
      expect(error.code).toBe('CONFLICT');
      expect(error.extensions.reason).not.toBe('MISSING_DEPENDENCIES');
      expect(session.failure?.code).toBe('CONFLICT');
      expect((await serverText(coFacilitator, cast.declarationId, closed)).doc).toBe('To be deleted.');
    });
  });
});
