/**
 * Delegation, not delegate: support, opposition and "your own amendment"
 * are by delegation. Two delegates of Mexico are one Mexico:
 *   - neither may support or oppose Mexico's amendment (BAD_USER_INPUT, as
 *     for its proposer), and either may withdraw it;
 *   - Morocco's support counts once however many of its delegates give it:
 *     the second changes nothing, not even the change log;
 *   - a delegate of Morocco opposing after the other supported changes
 *     Morocco's one position (the latest statement stands, and the change log
 *     says who made it);
 *   - supporters, opponents and the compilation text list each delegation
 *     once.
 * And the migration that keys positions by delegation settles rows written
 * before (two delegates of one delegation, a delegation on its own
 * amendment) the way the rule does.
 */
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ormConfig } from '../../server/src/db/orm.js';
import type { GraphQLTestClient } from '../support/client.js';
import { addParagraph, addSection, changeLog, createCast, invite, type Cast } from '../support/factories.js';
import { createTestDatabase, dropTestDatabase, startServer, type TestServer } from '../support/testServer.js';
import * as N from './negotiation.js';

const AMENDMENT = `query($p: ID!) { paragraph(id: $p) { amendments { id status supporters { id delegation } opponents { id delegation } } } }`;
const EVENTS = `query($d: ID!) { changeLog(declarationId: $d, first: 1000) { seq kind amendmentId summary actor { id } } }`;

describe('delegation, not delegate', () => {
  let server: TestServer;
  let cast: Cast;
  /** Mexico: cast.delegation and mexico2; Morocco: cast.delegation2 and morocco2; the Philippines. */
  let mexico2: { client: GraphQLTestClient; id: string };
  let morocco2: { client: GraphQLTestClient; id: string };
  let philippines: { client: GraphQLTestClient; id: string };
  let section: string;

  beforeAll(async () => {
    server = await startServer();
    cast = await createCast(server);
    mexico2 = await invite(server, cast.declarationId, 'DELEGATION', 'Second delegate of Mexico', 'Mexico');
    morocco2 = await invite(server, cast.declarationId, 'DELEGATION', 'Second delegate of Morocco', 'Morocco');
    philippines = await invite(server, cast.declarationId, 'DELEGATION', 'Delegate of the Philippines', 'Philippines');
    section = (await addSection(cast.coFacilitator, cast.declarationId, 'Introduction')).id;
  });

  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  let paragraphs = 0;

  /** A paragraph of its own, with an amendment tabled by the first delegate of Mexico. */
  async function mexicanAmendment(): Promise<{ paragraph: string; amendment: string; text: string }> {
    const text = `We note the progress made (${++paragraphs}).`;
    const paragraph = (await addParagraph(cast.coFacilitator, section, { text })).id;
    const data = await cast.delegation.ok(N.PROPOSE, { p: paragraph, i: { text: 'We welcome the progress made.' } });
    return { paragraph, amendment: data.proposeAmendment.id, text };
  }

  async function positions(paragraph: string) {
    const data = await cast.observer.ok(AMENDMENT, { p: paragraph });
    return data.paragraph.amendments[0] as {
      status: string;
      supporters: { id: string; delegation: string }[];
      opponents: { id: string; delegation: string }[];
    };
  }

  async function eventsOf(amendment: string) {
    const data = await cast.observer.ok(EVENTS, { d: cast.declarationId });
    return (data.changeLog as { kind: string; amendmentId: string | null; summary: string; actor: { id: string } | null }[]).filter(
      (e) => e.amendmentId === amendment,
    );
  }

  it("refuses a second delegate of Mexico supporting or opposing Mexico's own amendment, and changes nothing", async () => {
    const { paragraph, amendment } = await mexicanAmendment();
    const before = { positions: await positions(paragraph), log: await changeLog(cast.observer, cast.declarationId) };
    for (const mutation of [N.SUPPORT, N.OPPOSE]) {
      const result = await mexico2.client.query(mutation, { a: amendment });
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.message).toBe('Mexico tabled this amendment: a delegation cannot support or oppose its own amendment');
    }
    expect({ positions: await positions(paragraph), log: await changeLog(cast.observer, cast.declarationId) }).toEqual(before);
  });

  it("counts two delegates of Morocco supporting Mexico's amendment once: the second changes nothing", async () => {
    const { paragraph, amendment } = await mexicanAmendment();
    await cast.delegation2.ok(N.SUPPORT, { a: amendment });
    const log = await changeLog(cast.observer, cast.declarationId);
    const second = await morocco2.client.ok(N.SUPPORT, { a: amendment });
    expect(second.supportAmendment.supporters).toEqual([{ delegation: 'Morocco' }]);
    const read = await positions(paragraph);
    expect(read.supporters).toEqual([{ id: cast.ids.delegation2, delegation: 'Morocco' }]);
    expect(read.opponents).toEqual([]);
    expect(await changeLog(cast.observer, cast.declarationId)).toEqual(log);
    expect((await eventsOf(amendment)).map((e) => e.kind)).toEqual(['AMENDMENT_PROPOSED', 'AMENDMENT_SUPPORTED']);
  });

  it("lets a delegate of Morocco change Morocco's position after the other supported: one opposition, by the latest delegate", async () => {
    const { paragraph, amendment } = await mexicanAmendment();
    await cast.delegation2.ok(N.SUPPORT, { a: amendment });
    await morocco2.client.ok(N.OPPOSE, { a: amendment });
    const read = await positions(paragraph);
    expect(read.supporters).toEqual([]);
    expect(read.opponents).toEqual([{ id: morocco2.id, delegation: 'Morocco' }]);
    const events = await eventsOf(amendment);
    expect(events.map((e) => [e.kind, e.actor?.id])).toEqual([
      ['AMENDMENT_PROPOSED', cast.ids.delegation],
      ['AMENDMENT_SUPPORTED', cast.ids.delegation2],
      ['AMENDMENT_OPPOSED', morocco2.id],
    ]);
    expect(events[2]!.summary).toMatch(/^Morocco opposed Mexico's amendment to paragraph /);
    // And back: the first delegate's support replaces the opposition, still one Morocco.
    await cast.delegation2.ok(N.SUPPORT, { a: amendment });
    expect(await positions(paragraph)).toMatchObject({ supporters: [{ id: cast.ids.delegation2, delegation: 'Morocco' }], opponents: [] });
  });

  it("lets any delegate of Mexico withdraw Mexico's amendment, and no delegate of another delegation", async () => {
    const { paragraph, amendment } = await mexicanAmendment();
    expect(await cast.delegation2.errorCode(N.WITHDRAW, { a: amendment })).toBe('FORBIDDEN');
    expect(await morocco2.client.errorCode(N.WITHDRAW, { a: amendment })).toBe('FORBIDDEN');
    expect((await positions(paragraph)).status).toBe('PENDING');
    const withdrawn = await mexico2.client.ok(N.WITHDRAW, { a: amendment });
    expect(withdrawn.withdrawAmendment.status).toBe('WITHDRAWN');
  });

  it('lists each delegation once in supporters, opponents and the compilation text', async () => {
    const { paragraph, amendment, text } = await mexicanAmendment();
    await cast.delegation2.ok(N.SUPPORT, { a: amendment });
    await philippines.client.ok(N.SUPPORT, { a: amendment });
    await morocco2.client.ok(N.SUPPORT, { a: amendment });
    await mexico2.client.query(N.SUPPORT, { a: amendment }); // refused: Mexico's own
    const read = await positions(paragraph);
    expect(read.supporters.map((p) => p.delegation)).toEqual(['Morocco', 'Philippines']);
    const exported = await cast.observer.ok(N.EXPORT, { d: cast.declarationId, f: 'COMPILATION', r: null });
    // Blocks: the paragraph, then the list of its pending amendments.
    const blocks = (exported.export as string).split('\n\n');
    const items = blocks[blocks.findIndex((b) => b.includes(text)) + 1]!;
    expect(items.split('\n').map((l) => l.replace(/\\$/, '').trim())).toContain('Proposed by Mexico; supported by Morocco, Philippines.');
  });
});

describe('the migration keying positions by delegation', () => {
  let databaseUrl: string;
  let orm: MikroORM;
  let db: pg.Client;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    orm = await MikroORM.init(ormConfig({ databaseUrl }));
    await orm.getMigrator().up({ to: 'Migration20261123Revocation' });
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await orm?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('keeps the later of two delegates\' positions for one delegation, and drops a delegation\'s own on its amendment', async () => {
    // Rows as the schema before allowed them: one per delegate.
    await db.query(`
      insert into declaration (id, title, created_at, updated_at) values ('00000000-0000-4000-8000-000000000001', 'Old', now(), now());
      insert into section (id, declaration_id, title, position, created_at)
        values ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'Introduction', 0, now());
      insert into paragraph (id, declaration_id, section_id, position, objectives, created_at, updated_at)
        values ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', 0, '[]', now(), now());
      insert into participant (id, declaration_id, name, role, delegation, token_hash, created_at) values
        ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', 'Delegate of Mexico', 'DELEGATION', 'Mexico', 'h1', now()),
        ('00000000-0000-4000-8000-0000000000a2', '00000000-0000-4000-8000-000000000001', 'Second delegate of Mexico', 'DELEGATION', 'Mexico', 'h2', now()),
        ('00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-000000000001', 'Delegate of Morocco', 'DELEGATION', 'Morocco', 'h3', now()),
        ('00000000-0000-4000-8000-0000000000b2', '00000000-0000-4000-8000-000000000001', 'Second delegate of Morocco', 'DELEGATION', 'Morocco', 'h4', now()),
        ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-000000000001', 'Philippines', 'DELEGATION', null, 'h5', now());
      insert into amendment (id, declaration_id, paragraph_id, proposer_id, text, created_at) values
        ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-0000000000a1', 'Mexico''s text', now());
      insert into amendment_position (amendment_id, participant_id, stance, at) values
        ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-0000000000a2', 'SUPPORT', '2026-11-20T10:00:00Z'),
        ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-0000000000b1', 'SUPPORT', '2026-11-20T10:00:00Z'),
        ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-0000000000b2', 'OPPOSE', '2026-11-20T11:00:00Z'),
        ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-0000000000c1', 'SUPPORT', '2026-11-20T09:00:00Z');
    `);
    await orm.getMigrator().up();
    const rows = await db.query('select delegation, participant_id, stance from amendment_position order by delegation');
    expect(rows.rows).toEqual([
      { delegation: 'Morocco', participant_id: '00000000-0000-4000-8000-0000000000b2', stance: 'OPPOSE' },
      { delegation: 'Philippines', participant_id: '00000000-0000-4000-8000-0000000000c1', stance: 'SUPPORT' },
    ]);
    // The new key holds: a second row for Morocco is refused by the database itself.
    await expect(
      db.query(
        `insert into amendment_position (amendment_id, delegation, participant_id, stance, at)
         values ('00000000-0000-4000-8000-0000000000e1', 'Morocco', '00000000-0000-4000-8000-0000000000b1', 'SUPPORT', now())`,
      ),
    ).rejects.toThrow(/amendment_position_pkey/);
  });
});
