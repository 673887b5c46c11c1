/**
 * Refusing at the door when PostgreSQL is unreachable: the caller's token
 * cannot even be checked. Over HTTP the answer is 503 with a GraphQL error
 * UNAVAILABLE (not Apollo's "context creation failed", a 500); over
 * WebSocket the connection is closed with 1013 Try Again Later (not
 * graphql-ws's 4500 Internal Server Error). Any other failure is a bug and
 * goes on as one.
 */
import { GraphQLError } from 'graphql';
import type { WebSocket } from 'ws';
import { isDatabaseUnavailable } from '../errors.js';
import { CLOSE_TRY_AGAIN_LATER, CLOSE_TRY_AGAIN_LATER_REASON } from './closeCodes.js';

const MESSAGE = 'the database is unavailable right now: the request was not run; retry shortly';

/** For an HTTP request's context: an unreachable database becomes 503 UNAVAILABLE. */
export function unavailableAtTheDoor(error: unknown): never {
  if (isDatabaseUnavailable(error)) {
    throw new GraphQLError(MESSAGE, { extensions: { code: 'UNAVAILABLE', http: { status: 503 } } });
  }
  throw error;
}

/** For a WebSocket's connection_init: an unreachable database closes the socket with 1013; the viewer is then none. */
export function closeWhenUnavailable(socket: unknown, error: unknown): null {
  if (!isDatabaseUnavailable(error)) throw error;
  (socket as WebSocket | undefined)?.close(CLOSE_TRY_AGAIN_LATER, CLOSE_TRY_AGAIN_LATER_REASON);
  return null;
}
