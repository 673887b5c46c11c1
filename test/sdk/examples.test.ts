/**
 * The SDK's examples, run as an application runs them: child processes
 * (`node --import tsx`, as `npx tsx` does) configured by environment
 * variables, against a test server.
 *
 *   - observe-changes.ts follows the change feed through a TCP proxy that is
 *     cut and restored while it runs: it prints every event once, in seq
 *     order, including those made while it was cut off; then SIGTERM ends
 *     it cleanly.
 *   - type-into-paragraph.ts types its sentence into a paragraph and prints
 *     the seq it flushed at: the server's text then ends with the sentence,
 *     and the observer prints the PARAGRAPH_EDITED that carries it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addParagraph, addSection, changeLog, createCast, type Cast } from '../support/factories.js';
import { TcpProxy } from '../support/tcpProxy.js';
import { startServer, type TestServer } from '../support/testServer.js';
import { waitFor } from '../support/waitFor.js';
import { documentState } from '../support/yjsClient.js';
import { sdkClient, serverText } from './sdkSupport.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const example = (name: string) => path.join(ROOT, 'client-sdk/examples', name);

interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

/** Starts an example with `env`; collects its output line by line. */
function run(file: string, env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', example(file)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => stdout.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout, stderr, exited };
}

describe('the examples', () => {
  let server: TestServer;
  let proxy: TcpProxy;
  let cast: Cast;
  let paragraphId: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    server = await startServer({ editQuietMs: 200, editMaxMs: 1_000 });
    proxy = await TcpProxy.start([server.app.port]);
    cast = await createCast(server);
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    paragraphId = (await addParagraph(cast.coFacilitator, section.id, { text: 'We reaffirm the Global Compact.' })).id;
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await proxy?.close();
    await server?.stop({ dropDatabase: true });
  });

  it('observe-changes prints the feed once, in order, across a cut; type-into-paragraph types and flushes', async () => {
    const observer = run('observe-changes.ts', {
      DRAFTROOM_URL: proxy.url('/graphql'),
      DRAFTROOM_TOKEN: cast.observer.token!,
      DECLARATION_ID: cast.declarationId,
    });
    children.push(observer.child);
    const printed = () => observer.stdout.map((line) => ({ seq: Number(line.split(' ')[0]), kind: line.split(' ')[1], line }));
    const setUp = await changeLog(cast.coFacilitator, cast.declarationId);
    await waitFor(`the observer to print the ${setUp.length} set-up events (stderr: ${observer.stderr.join(' | ')})`, () => printed().length >= setUp.length);

    // Cut off while a comment is made; the observer catches up after the restore.
    proxy.cut();
    await cast.delegation.ok('mutation($p: ID!) { addComment(paragraphId: $p, input: { body: "Mexico welcomes this." }) { id } }', { p: paragraphId });
    proxy.restore();

    const sentence = ' We commit to act.';
    const typist = run('type-into-paragraph.ts', {
      DRAFTROOM_URL: server.url,
      DRAFTROOM_TOKEN: cast.coFacilitator.token!,
      DECLARATION_ID: cast.declarationId,
      PARAGRAPH_ID: paragraphId,
      TEXT: sentence,
      DELAY_MS: '5',
    });
    children.push(typist.child);
    expect(await typist.exited, `typist stderr: ${typist.stderr.join('\n')}`).toBe(0);
    const flushedLine = typist.stdout.find((line) => line.startsWith('flushed at seq '));
    expect(flushedLine).toBeDefined();
    const seq = Number(flushedLine!.slice('flushed at seq '.length));
    const expected = `We reaffirm the Global Compact.${sentence}`;
    expect(typist.stdout).toContain(`after: ${expected}`);
    const reader = sdkClient(server.url, cast.observer.token!);
    const onServer = await serverText(reader, cast.declarationId, paragraphId).finally(() => reader.close());
    expect(onServer.doc).toBe(expected);
    expect(onServer.paragraph).toBe(expected);
    expect(seq).toBeGreaterThan(0);
    expect(seq).toBeLessThanOrEqual((await documentState(cast.observer, cast.declarationId)).seq);

    await waitFor('the observer to print the PARAGRAPH_EDITED carrying the sentence', () => printed().some((e) => e.kind === 'PARAGRAPH_EDITED'));
    const log = await changeLog(cast.coFacilitator, cast.declarationId);
    await waitFor(`the observer to print all ${log.length} events`, () => printed().length >= log.length);
    observer.child.kill('SIGTERM');
    expect(await observer.exited, `observer stderr: ${observer.stderr.join('\n')}`).toBe(0);

    expect(printed().map((e) => e.seq)).toEqual(log.map((e) => e.seq));
    expect(printed().map((e) => e.kind)).toEqual(log.map((e) => e.kind));
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: log.length }, (_, i) => i + 1));
    expect(printed().map((e) => e.kind)).toContain('COMMENT_ADDED');
    expect(log.filter((e) => e.kind === 'PARAGRAPH_EDITED').at(-1)?.text).toBe(expected);
  });

  it('type-into-paragraph exits with the error code when the token may not type', async () => {
    const typist = run('type-into-paragraph.ts', {
      DRAFTROOM_URL: server.url,
      DRAFTROOM_TOKEN: cast.observer.token!,
      DECLARATION_ID: cast.declarationId,
      PARAGRAPH_ID: paragraphId,
      TEXT: ' no',
      DELAY_MS: '0',
    });
    children.push(typist.child);
    expect(await typist.exited).toBe(1);
    expect(typist.stderr.join('\n')).toMatch(/^FORBIDDEN: /m);
  });
});
