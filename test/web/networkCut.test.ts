/**
 * One co-facilitator's network is cut while typing (a TCP proxy between that
 * page and the server): the page says "Offline", keeps the text, and once the
 * network is back says "Saved" with nothing lost; its change feed goes on
 * from where it was, with no repeat and no gap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeLog } from '../support/factories.js';
import { TcpProxy } from '../support/tcpProxy.js';
import { waitFor } from '../support/waitFor.js';
import {
  caretAt,
  changeFeed,
  Room,
  serverText,
  skipWithoutChromium,
  textbox,
  TEXTS,
  WAIT_MS,
  waitForEditorText,
  waitForSync,
  type Fixture,
} from './support/room.js';

describe.skipIf(skipWithoutChromium('test/web/networkCut.test.ts'))('a network cut in the browser', () => {
  let room: Room;
  let fixture: Fixture;
  let proxy: TcpProxy;

  beforeAll(async () => {
    room = await Room.open();
    fixture = await room.declaration();
    proxy = await TcpProxy.start([room.server.app.port]);
  });
  afterAll(async () => {
    await proxy?.close();
    await room?.close();
  });

  it('"Offline" while cut, typing goes on, then "Saved" with nothing lost, and the feed resumes without repeat or gap', async () => {
    // This page reaches the server only through the proxy (page and API alike).
    const diallo = await room.signIn(fixture.tokens.coFacilitator, fixture.title, { base: proxy.url('') });
    const voss = await room.signIn(fixture.tokens.coFacilitator2, fixture.title);
    await waitForSync(diallo, 'Saved');

    await caretAt(diallo, '3', 'end');
    await diallo.keyboard.type(' Before.');
    await waitForSync(diallo, 'Saved');
    const seqBeforeCut = (await changeLog(fixture.clients.observer, fixture.declarationId)).at(-1)!.seq;
    proxy.cut();
    await waitForSync(diallo, 'Offline');
    await diallo.keyboard.type(' During the cut.');
    // The other co-facilitator types meanwhile, into the same paragraph.
    await caretAt(voss, '3', 'start');
    await voss.keyboard.type('Sadly, ');
    await waitForSync(voss, 'Saved');
    expect((await serverText(fixture.clients.observer, fixture.paragraphs['3']!))).not.toContain('During the cut');

    proxy.restore();
    await waitForSync(diallo, 'Saved');
    const expected = `Sadly, ${TEXTS['3']} Before. During the cut.`;
    expect(await serverText(fixture.clients.observer, fixture.paragraphs['3']!)).toBe(expected);
    for (const page of [diallo, voss]) await waitForEditorText(textbox(page, '3'), 'every edit on both pages', (text) => text === expected);

    // The feed after the reconnect: what was recorded during and after the cut arrives, #1..#n, no repeat, no gap.
    const feed = changeFeed(diallo).getByRole('listitem');
    await waitFor('an edit of paragraph 3 recorded after the cut', async () =>
      (await changeLog(fixture.clients.observer, fixture.declarationId)).some((e) => e.seq > seqBeforeCut && /edited paragraph 3$/.test(e.summary)),
    { timeoutMs: WAIT_MS });
    const log = await changeLog(fixture.clients.observer, fixture.declarationId);
    await waitFor('the page\'s feed to reach the last event', async () => (await feed.count()) >= log.length, { timeoutMs: WAIT_MS });
    const lines = (await feed.allTextContents()).map((line) => line.trim());
    const seqs = lines.map((line) => Number(/^#(\d+)/.exec(line)?.[1]));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    log.forEach((event, i) => expect(lines[i]).toContain(`#${event.seq} ${event.summary}`));
    expect(room.pageErrors.filter((e) => !/WebSocket|ERR_CONNECTION|Failed to load resource|net::/.test(e))).toEqual([]);
  });
});
