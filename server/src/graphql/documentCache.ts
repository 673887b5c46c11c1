/**
 * Parsed and validated operations, remembered by their text.
 *
 * Clients send the same few operations again and again (an editor sends
 * `applyUpdate` for every keystroke batch); parsing and validating each one
 * anew costs more than executing it. Apollo keeps such a cache for HTTP;
 * this is the one for WebSocket. Bounded: the least recently used entry goes
 * first, and a text longer than `maxTextLength` is never kept.
 */
import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';

export type CheckedDocument = { document: DocumentNode } | { errors: readonly GraphQLError[] };

export class DocumentCache {
  private readonly entries = new Map<string, CheckedDocument>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[],
    private readonly capacity = 1_000,
    private readonly maxTextLength = 20_000,
  ) {}

  /** The parsed document, or the errors that parsing or validation found. */
  check(query: string): CheckedDocument {
    const hit = this.entries.get(query);
    if (hit) {
      // Map order is insertion order: re-insert to mark it recently used.
      this.entries.delete(query);
      this.entries.set(query, hit);
      return hit;
    }
    const checked = this.checkUncached(query);
    if (query.length <= this.maxTextLength) {
      this.entries.set(query, checked);
      if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    }
    return checked;
  }

  private checkUncached(query: string): CheckedDocument {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return { errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))] };
    }
    const errors = validate(this.schema, document, this.rules);
    return errors.length > 0 ? { errors } : { document };
  }
}
