/**
 * The request limit over HTTP: each GraphQL request takes one token from its
 * caller's request bucket (the same bucket the caller's WebSocket operations
 * take from) while its context is built, before anything runs. Over the
 * limit, the whole request is answered with HTTP 429, `Retry-After` and one
 * error: BAD_USER_INPUT with `extensions: { limit: 'requestsPerSecond',
 * retryAfterMs }`.
 */
import { GraphQLError } from 'graphql';
import type { Viewer } from '../auth/policy.js';
import { callerKey, RateLimitError, type CallerRates, type RateLimits } from './rateLimits.js';

/**
 * Takes the request's token and gives the caller's buckets for its context;
 * throws (a GraphQLError Apollo answers with 429) when over the limit.
 */
export function admitHttpRequest(rates: RateLimits, token: string | null, viewer: Viewer | null, clientAddress: string | undefined): CallerRates {
  const key = callerKey(token, viewer !== null, clientAddress);
  try {
    rates.request(key);
  } catch (error) {
    // A GraphQLError, so that Apollo neither prefixes its message nor hides
    // it; its extensions (from the RateLimitError) carry the 429 status.
    if (error instanceof RateLimitError) throw new GraphQLError(error.message, { originalError: error });
    throw error;
  }
  return rates.caller(key);
}
