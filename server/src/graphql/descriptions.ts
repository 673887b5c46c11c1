/**
 * Descriptions the schema says in many places (ids given as arguments, the
 * roots), written once so that the same thing reads the same everywhere.
 * Each type, field and argument describes itself beside its decorator; only
 * what repeats lives here. `test/schemaDescriptions.test.ts` checks that
 * nothing of the emitted schema is left undescribed.
 */

/** An id argument: what happens when it names nothing the caller may see. */
function idOf(what: string): string {
  return `Id of the ${what}. NOT_FOUND when there is no such ${what}, or it belongs to a declaration the caller is not part of (the answer is the same, so that ids of other declarations reveal nothing).`;
}

export const ID_ARG = {
  declaration: idOf('declaration'),
  section: idOf('section'),
  paragraph: idOf('paragraph'),
  comment: idOf('comment'),
  amendment: idOf('amendment'),
  revision: idOf('revision'),
  participant: idOf('participant'),
} as const;

export const CREATED_AT = 'When it was created (server clock).';

/** The roots: type-graphql builds them without a description; schema.ts sets these. */
export const ROOT_DESCRIPTIONS = {
  Query:
    'Reads, over HTTP (POST /graphql) or WebSocket. Every field needs a token (`Authorization: Bearer <token>`): UNAUTHENTICATED without one, or with an unknown or revoked one. A participant sees only their own declaration (the secretariat sees every one): anything else is NOT_FOUND.',
  Mutation:
    'Writes, over HTTP or WebSocket. Each runs in one transaction: it changes all it says, with its change events, or, when refused, nothing at all. Errors (`extensions.code`): UNAUTHENTICATED (no, unknown or revoked token), FORBIDDEN (the role may not; each field says who may), NOT_FOUND (no such id visible to the caller), BAD_USER_INPUT (malformed or out-of-range input, or text holding NUL, a lone surrogate, a bidirectional control or an invisible character: U+202A–U+202E, U+2066–U+2069, U+200B, U+FEFF are refused, never stripped; `extensions.field` names it), CONFLICT (the lifecycle forbids it now: text frozen, paragraph agreed, amendment decided, anchor orphaned...), UNAVAILABLE (database unreachable or instance shutting down: nothing was done, retry).',
  Subscription:
    'Live streams, over WebSocket only (graphql-ws protocol on /graphql; the token in the connection_init payload `{ "authorization": "Bearer <token>" }`). Every role of the declaration may subscribe; NOT_FOUND for a declaration that is not the caller\'s. At most DRAFTROOM_MAX_SUBSCRIPTIONS_PER_CONNECTION subscriptions per connection.',
} as const;
