/**
 * The README's quick start runs as written: it is kept word for word as
 * examples/quick-start.ts, and that file is run against a real server.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addParagraph, addSection, createCast, type Cast } from '../../test/support/factories.js';
import { startServer, type TestServer } from '../../test/support/testServer.js';

const sdk = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);

function quickStartOfReadme(): string {
  const readme = fs.readFileSync(path.join(sdk, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const match = /```ts\n([\s\S]*?)```\n/.exec(section);
  if (!match) throw new Error('expected a ```ts block under "## Quick start" in client-sdk/README.md');
  return match[1]!;
}

describe("the README's quick start", () => {
  let server: TestServer;
  let cast: Cast;
  let paragraphId: string;

  beforeAll(async () => {
    server = await startServer();
    cast = await createCast(server);
    const section = await addSection(cast.coFacilitator, cast.declarationId);
    paragraphId = (await addParagraph(cast.coFacilitator, section.id, { text: 'We, the Ministers' })).id;
  });
  afterAll(() => server.stop({ dropDatabase: true }));

  it('is examples/quick-start.ts, word for word', () => {
    expect(fs.readFileSync(path.join(sdk, 'examples/quick-start.ts'), 'utf8')).toBe(quickStartOfReadme());
  });

  it('runs as written: reads, types, flushes and follows the feed', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(sdk, 'examples/quick-start.ts')], {
      env: { ...process.env, DRAFTROOM_URL: server.url, DRAFTROOM_TOKEN: cast.coFacilitator.token!, DECLARATION_ID: cast.declarationId },
      timeout: 60_000,
    });
    expect(stdout).toContain('Progress Declaration: paragraph 1 reads "We, the Ministers"');
    expect(stdout).toMatch(/committed at seq \d+: "We, the Ministers \(as revised\)"/);
    expect(stdout).toMatch(/#1 PARTICIPANT_INVITED: .*\n#2 .*\n#3 /);
    const { paragraph } = await cast.observer.ok('query($id: ID!) { paragraph(id: $id) { text } }', { id: paragraphId });
    expect(paragraph.text).toBe('We, the Ministers (as revised)');
  });

  it('reports a refused edit with its code when run with an observer token', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(sdk, 'examples/quick-start.ts')], {
      env: { ...process.env, DRAFTROOM_URL: server.url, DRAFTROOM_TOKEN: cast.observer.token!, DECLARATION_ID: cast.declarationId },
      timeout: 60_000,
    });
    expect(stdout).toContain('edit refused: FORBIDDEN');
  });
});
