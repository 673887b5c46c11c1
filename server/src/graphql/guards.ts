/**
 * Validation rules that bound what one operation may ask for, applied over
 * HTTP and WebSocket alike:
 *  - depth: the deepest selection (the standard introspection query nests
 *    about 15 levels; fields under `__schema`/`__type` do not count toward
 *    depth, only toward fields and aliases; graphql-js's own
 *    MaxIntrospectionDepthRule bounds how introspection may nest);
 *  - fields: how many fields the operation selects, fragments expanded (a
 *    stand-in for cost: a fragment spread ten times costs ten times);
 *  - aliases: how many aliased fields (the classic way to multiply work).
 * Each failure is a GraphQLError with code BAD_USER_INPUT that names the
 * limit, its value, and the environment variable that sets it.
 */
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

export interface QueryLimits {
  queryDepth: number;
  queryFields: number;
  queryAliases: number;
}

interface Measure {
  depth: number;
  fields: number;
  aliases: number;
}

function measure(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  depth: number,
  visiting: Set<string>,
  out: Measure,
  budget: number,
  introspection = false,
): void {
  for (const selection of selectionSet.selections) {
    if (out.fields > budget) return; // already over: stop walking a hostile document
    if (selection.kind === Kind.FIELD) {
      out.fields += 1;
      if (selection.alias) out.aliases += 1;
      // Introspection (`__schema`, `__type` and all below them) is exempt from the depth limit only.
      const exempt = introspection || selection.name.value.startsWith('__');
      if (!exempt) out.depth = Math.max(out.depth, depth);
      if (selection.selectionSet) measure(selection.selectionSet, fragments, depth + 1, visiting, out, budget, exempt);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      measure(selection.selectionSet, fragments, depth, visiting, out, budget, introspection);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment || visiting.has(name)) continue; // unknown or cyclic: graphql's own rules report it
      visiting.add(name);
      measure(fragment.selectionSet, fragments, depth, visiting, out, budget, introspection);
      visiting.delete(name);
    }
  }
}

/** A validation rule enforcing `limits` on every operation of a document. */
export function queryLimitsRule(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const document = context.getDocument();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    return {
      OperationDefinition(operation) {
        const out: Measure = { depth: 0, fields: 0, aliases: 0 };
        measure(operation.selectionSet, fragments, 1, new Set(), out, limits.queryFields);
        const report = (what: string, value: string, limit: number, variable: string) =>
          context.reportError(
            new GraphQLError(`operation ${what} ${value}; the limit is ${limit} (${variable})`, {
              nodes: [operation],
              extensions: { code: 'BAD_USER_INPUT' },
            }),
          );
        if (out.depth > limits.queryDepth) report('nests', `${out.depth} levels deep`, limits.queryDepth, 'DRAFTROOM_MAX_QUERY_DEPTH');
        if (out.fields > limits.queryFields) report('selects', `more than ${limits.queryFields} fields`, limits.queryFields, 'DRAFTROOM_MAX_QUERY_FIELDS');
        if (out.aliases > limits.queryAliases) report('uses', `${out.aliases} aliases`, limits.queryAliases, 'DRAFTROOM_MAX_QUERY_ALIASES');
      },
    };
  };
}
