/**
 * A field the caller may not read refuses that field only: the rest of what
 * they asked for is answered. `Declaration.participants` is readable by the
 * secretariat and the co-facilitators; for anyone else it is null, with one
 * FORBIDDEN error whose path names the field (the contract declares it
 * nullable for exactly this). Before, the field was non-null in the emitted
 * schema, so its refusal nulled the whole `declaration`: an observer who
 * asked for the title and the participants got neither.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCast, type Cast } from '../support/factories.js';
import { startServer, type TestServer } from '../support/testServer.js';

const TITLE_AND_PARTICIPANTS = 'query($d: ID!) { declaration(id: $d) { id title participants { id name role } } }';

describe('a field the caller may not read', () => {
  let server: TestServer;
  let cast: Cast;

  beforeAll(async () => {
    server = await startServer();
    cast = await createCast(server, 'Progress Declaration of the IMRF');
  });
  afterAll(async () => {
    await server?.stop({ dropDatabase: true });
  });

  it.each(['observer', 'stakeholder', 'delegation'] as const)(
    'an %s asking for the title and the participants gets the title, participants null, and FORBIDDEN at [declaration, participants]',
    async (who) => {
      const answer = await cast[who].query(TITLE_AND_PARTICIPANTS, { d: cast.declarationId });
      expect(answer.status).toBe(200);
      expect(answer.data).toEqual({
        declaration: { id: cast.declarationId, title: 'Progress Declaration of the IMRF', participants: null },
      });
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors?.[0]).toMatchObject({ path: ['declaration', 'participants'], extensions: { code: 'FORBIDDEN' } });
      expect(answer.errors?.[0]?.message).toMatch(/may not list participants/);
    },
  );

  it('over WebSocket the same: the declaration is answered, the field is refused alone', async () => {
    const answer = await cast.observer.overSocket(TITLE_AND_PARTICIPANTS, { d: cast.declarationId });
    expect(answer.data?.declaration).toEqual({ id: cast.declarationId, title: 'Progress Declaration of the IMRF', participants: null });
    expect(answer.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['declaration', 'participants'], 'FORBIDDEN']]);
    await cast.observer.close();
  });

  it('in a list of declarations, the refused field does not drop the declaration from the list either', async () => {
    const answer = await cast.observer.query('{ declarations { title participants { id } } }');
    expect(answer.data).toEqual({ declarations: [{ title: 'Progress Declaration of the IMRF', participants: null }] });
    expect(answer.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['declarations', 0, 'participants'], 'FORBIDDEN']]);
  });

  it('a co-facilitator reads the same query whole, with no error', async () => {
    const answer = await cast.coFacilitator.query(TITLE_AND_PARTICIPANTS, { d: cast.declarationId });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.declaration.title).toBe('Progress Declaration of the IMRF');
    expect(answer.data.declaration.participants.map((p: { role: string }) => p.role).sort()).toEqual([
      'CO_FACILITATOR',
      'CO_FACILITATOR',
      'DELEGATION',
      'DELEGATION',
      'OBSERVER',
      'STAKEHOLDER',
    ]);
  });
});
