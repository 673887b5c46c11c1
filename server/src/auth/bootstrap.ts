/**
 * The first secretariat. Its token comes from DRAFTROOM_BOOTSTRAP_TOKEN: at
 * start the server makes sure a SECRETARIAT participant holds it, so an
 * operator can create the first declaration and invite everyone else.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Participant, Role } from '../db/entities/index.js';
import { hashToken, sameTokenHash } from './tokens.js';

export const BOOTSTRAP_MIN_LENGTH = 16;

export async function ensureBootstrapSecretariat(em: EntityManager, token: string): Promise<Participant> {
  if (token.length < BOOTSTRAP_MIN_LENGTH) {
    throw new Error(`DRAFTROOM_BOOTSTRAP_TOKEN must be at least ${BOOTSTRAP_MIN_LENGTH} characters (got ${token.length})`);
  }
  const tokenHash = hashToken(token);
  // Found by hash (see graphql/context.ts viewerForToken for why that lookup
  // may take ordinary time), confirmed in constant time. A revoked bootstrap
  // secretariat stays revoked across restarts: set a new token to get a new one.
  const existing = await em.findOne(Participant, { tokenHash });
  if (existing && sameTokenHash(existing.tokenHash, tokenHash)) return existing;
  // A second instance may insert the same token at the same moment: the
  // unique index on token_hash lets exactly one of them win.
  await em.execute(
      `insert into participant (id, name, role, token_hash, created_at) values (?, 'Secretariat', ?, ?, now()) on conflict (token_hash) do nothing`,
      [randomUUID(), Role.SECRETARIAT, tokenHash],
    );
  return (await em.findOne(Participant, { tokenHash }))!;
}
