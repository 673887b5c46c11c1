/**
 * `client.close()` while the client is still trying to reach the server (a
 * network that refuses connections: a TcpProxy that is cut).
 *
 *   - The process must not crash: in Node, an unhandled promise rejection
 *     ends the process, so a failed connection attempt that `close()`
 *     leaves behind must be handled inside the SDK.
 *   - An `openDeclaration()` still waiting for the network must settle
 *     (reject), not hang forever: the application is told the session will
 *     never open.
 */
import type { DraftroomClient } from '@draftroom/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCast, type Cast } from '../support/factories.js';
import { TcpProxy } from '../support/tcpProxy.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { pause, recordingWebSocket, sdkClient } from './sdkSupport.js';

describe('closing a client that is still trying to connect', () => {
  let server: TestServer;
  let proxy: TcpProxy;
  let cast: Cast;
  let client: DraftroomClient | null = null;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(async () => {
    server = await startServer();
    proxy = await TcpProxy.start([server.app.port]);
    cast = await createCast(server);
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    client?.close();
    client = null;
    proxy.restore();
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await proxy?.close();
    await server?.stop({ dropDatabase: true });
  });

  /** A client through the cut proxy, how many connections it has tried, and how many of its sockets are not closed yet. */
  async function cutOffClient() {
    proxy.cut();
    const attempts = { count: 0 };
    const sockets = { unclosed: 0 };
    const RecordingWebSocket = recordingWebSocket([], attempts);
    client = sdkClient(proxy.url('/graphql'), cast.coFacilitator.token!, {
      webSocketImpl: class extends RecordingWebSocket {
        constructor(...args: ConstructorParameters<typeof RecordingWebSocket>) {
          super(...args);
          sockets.unclosed += 1;
          this.addEventListener('close', () => (sockets.unclosed -= 1));
        }
      },
    });
    return { client, attempts, sockets };
  }

  it('leaves no unhandled rejection behind (which would end a Node process)', async () => {
    const { client, attempts, sockets } = await cutOffClient();
    let settled = false;
    const opening = client.openDeclaration(cast.declarationId).then(
      () => (settled = true),
      () => (settled = true),
    );
    await waitFor('a connection attempt to be under way', () => attempts.count >= 1, { intervalMs: 1 });
    client.close();
    // The close is over once the refused attempt has failed (its socket's
    // 'close' event: a rejection it causes comes from there) and the pending
    // openDeclaration has been told. Node reports an unhandled rejection at
    // the end of the task it happened in, before this wait's next poll.
    await waitFor('every socket closed and openDeclaration settled', () => sockets.unclosed === 0 && settled, { intervalMs: 1 });
    await opening;
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled.map((reason) => String((reason as Error)?.message ?? reason))).toEqual([]);
  });

  it('rejects an openDeclaration that is still waiting for the network', async () => {
    const { client, attempts } = await cutOffClient();
    const opening = client.openDeclaration(cast.declarationId).then(
      () => 'opened',
      (error: { code?: string }) => `rejected: ${error.code}`,
    );
    await waitFor('a connection attempt', () => attempts.count >= 1);
    client.close();
    // A bounded wait: a promise that never settles is the failure this test is about.
    const outcome = await Promise.race([opening, pause(3_000).then(() => 'still pending 3 s after close()')]);
    expect(outcome).toBe('rejected: NETWORK_ERROR');
  });
});
