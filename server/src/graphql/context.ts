/**
 * The context of one GraphQL operation: who is asking, a forked
 * EntityManager of its own, and the request's loaders. Built per HTTP
 * request and per WebSocket operation (a subscription keeps its own for its
 * whole life).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/policy.js';
import { Participant } from '../db/entities/index.js';
import { hashToken, sameTokenHash } from '../auth/tokens.js';
import type { CallerRates } from '../limits/rateLimits.js';
import type { Services } from '../services.js';
import { createLoaders, type Loaders } from './loaders.js';

export interface Context {
  viewer: Viewer | null;
  em: EntityManager;
  services: Services;
  loaders: Loaders;
  requestId: string;
  /** The WebSocket connection the operation came on; null over HTTP. */
  connectionId: string | null;
  /** The caller's rate limits (`applyUpdate` takes from its update bucket); null: none apply. */
  rates: CallerRates | null;
}

/**
 * The participant holding `token`, or null (also once revoked). Looked up by
 * hash: the token itself is never stored.
 *
 * Why the lookup by hash may compare in PostgreSQL's ordinary (not constant)
 * time: the index compares SHA-256(token), not the token. Timing could at
 * most tell an attacker how many leading bytes of the hash of their guess
 * match a stored hash; they can choose guesses whose hashes have any prefix
 * they like, but learning a stored hash brings them no closer to a token that
 * hashes to it (that is a preimage of a 256-bit random input). The row found
 * is still checked in constant time, so no JS comparison of secrets is ever
 * early-exit.
 */
export async function viewerForToken(em: EntityManager, token: string | null): Promise<Viewer | null> {
  if (!token) return null;
  const tokenHash = hashToken(token);
  const participant = await em.findOne(Participant, { tokenHash, revokedAt: null });
  if (!participant || !sameTokenHash(participant.tokenHash, tokenHash)) return null;
  return {
    id: participant.id,
    name: participant.name,
    role: participant.role,
    delegation: participant.delegation,
    declarationId: participant.declaration?.id ?? null,
  };
}

/**
 * A context whose EntityManager fork and loaders are made on first use: a
 * subscription that only follows a sequence, or an `applyUpdate` that goes
 * straight to the group commit, never pays for (or holds on to) them.
 */
export function createContext(
  services: Services,
  viewer: Viewer | null,
  requestId: string,
  connectionId: string | null = null,
  rates: CallerRates | null = null,
): Context {
  let em: EntityManager | null = null;
  let loaders: Loaders | null = null;
  return {
    viewer,
    services,
    requestId,
    connectionId,
    rates,
    get em() {
      em ??= services.orm.em.fork();
      return em;
    },
    get loaders() {
      loaders ??= createLoaders(this.em, services);
      return loaders;
    },
  };
}
