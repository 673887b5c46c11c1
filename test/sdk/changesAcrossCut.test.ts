/**
 * `client.changes()` across network cuts: an observer reads the change feed
 * through a TCP proxy while a delegation, connected directly, keeps
 * commenting; the proxy is cut and restored twice mid-stream. The iterator
 * delivers every seq from 1 to the last exactly once, in order, and the
 * events are the server's (compared with `changeLog`).
 */
import { AddCommentDocument, ChangeLogDocument, type ChangeEvent, type DraftroomClient } from '@draftroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addParagraph, addSection, createCast, type Cast } from '../support/factories.js';
import { TcpProxy } from '../support/tcpProxy.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { sdkClient } from './sdkSupport.js';

const COMMENTS = 60;

describe('the change iterator across network cuts', () => {
  let server: TestServer;
  let proxy: TcpProxy;
  let cast: Cast;
  let paragraphId: string;
  let reader: DraftroomClient;
  let writer: DraftroomClient;
  beforeAll(async () => {
    server = await startServer();
    proxy = await TcpProxy.start([server.app.port]);
    cast = await createCast(server);
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    paragraphId = (await addParagraph(cast.coFacilitator, section.id, { text: 'We note progress.' })).id;
    reader = sdkClient(proxy.url('/graphql'), cast.observer.token!);
    writer = sdkClient(server.url, cast.delegation.token!);
  });
  afterAll(async () => {
    reader?.close();
    writer?.close();
    await proxy?.close();
    await server?.stop({ dropDatabase: true });
  });

  it('delivers every seq once, in order, while the proxy is cut and restored twice', async () => {
    const delivered: ChangeEvent[] = [];
    let readerError: unknown = null;
    const feed = reader.changes(cast.declarationId, { after: 0 });
    const reading = (async () => {
      for await (const event of feed) delivered.push(event);
    })().catch((error) => (readerError = error));
    /** Waits until the reader holds the event of comment `i` (it is reading live, mid-stream). */
    const readerHasComment = (i: number) =>
      waitFor(`the reader to hold the event of comment ${i}`, () => {
        if (readerError) throw readerError;
        return delivered.some((e) => e.kind === 'COMMENT_ADDED' && e.commentId && commentIds[i - 1] === e.commentId);
      });

    const commentIds: string[] = [];
    for (let i = 1; i <= COMMENTS; i++) {
      const { addComment } = await writer.request(AddCommentDocument, { paragraphId, input: { body: `Comment ${i}` } });
      commentIds.push(addComment.id);
      // Cut 1 once live events flow; cut 2 once the reader has resumed after cut 1 and read past it.
      if (i === 15) await readerHasComment(10);
      if (i === 40) await readerHasComment(30);
      if (i === 15 || i === 40) proxy.cut();
      if (i === 25 || i === 50) proxy.restore();
    }

    const log = (await writer.request(ChangeLogDocument, { declarationId: cast.declarationId, after: 0, first: 1000 })).changeLog;
    const expectedLast = log.at(-1)!.seq;
    await waitFor(`the reader to reach seq ${expectedLast}`, () => {
      if (readerError) throw readerError;
      return (delivered.at(-1)?.seq ?? 0) >= expectedLast;
    });
    await feed.return!();
    await reading;
    expect(readerError).toBeNull();

    expect(delivered.map((e) => e.seq)).toEqual(Array.from({ length: expectedLast }, (_, i) => i + 1));
    expect(delivered.filter((e) => e.kind === 'COMMENT_ADDED')).toHaveLength(COMMENTS);
    expect(delivered).toEqual(log);
    expect(feed.lastSeq).toBe(expectedLast);
    // The socket through the proxy was opened again after each cut.
    expect(proxy.servedBy.get(server.app.port)).toBeGreaterThanOrEqual(3);
  });
});
