/**
 * The context of one GraphQL operation: who is asking, a forked
 * EntityManager of its own, and the request's loaders. Built per HTTP
 * request and per WebSocket operation (a subscription keeps its own for its
 * whole life).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/policy.js';
import { Participant } from '../db/entities/index.js';
import { hashToken } from '../auth/tokens.js';
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
}

/** The participant holding `token`, or null. Looked up by hash: the token itself is never stored. */
export async function viewerForToken(em: EntityManager, token: string | null): Promise<Viewer | null> {
  if (!token) return null;
  const participant = await em.findOne(Participant, { tokenHash: hashToken(token) });
  if (!participant) return null;
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
export function createContext(services: Services, viewer: Viewer | null, requestId: string, connectionId: string | null = null): Context {
  let em: EntityManager | null = null;
  let loaders: Loaders | null = null;
  return {
    viewer,
    services,
    requestId,
    connectionId,
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
