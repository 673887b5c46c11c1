/**
 * The schema for its readers: every type, field, argument, input field and
 * enum value the server emits says what it is (who may read or call it, the
 * error codes, units and limits, where it applies), so that a client author
 * reading schema/schema.graphql, or an explorer's documentation pane, needs
 * nothing else. Built-in scalars and introspection types are graphql-js's.
 */
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { draftroomSchema } from '../server/src/graphql/schema.js';

/** Every describable element of `schema`, by schema coordinate, with its description. */
function describedElements(schema: GraphQLSchema): Map<string, string | null | undefined> {
  const elements = new Map<string, string | null | undefined>();
  const ours = Object.values(schema.getTypeMap()).filter(
    (type: GraphQLNamedType) => !type.name.startsWith('__') && !isSpecifiedScalarType(type),
  );
  for (const type of ours) {
    elements.set(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        elements.set(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) elements.set(`${type.name}.${field.name}(${arg.name}:)`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) elements.set(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) elements.set(`${type.name}.${value.name}`, value.description);
    }
  }
  return elements;
}

describe('the emitted schema, for its readers', () => {
  let elements: Map<string, string | null | undefined>;

  beforeAll(async () => {
    elements = describedElements(await draftroomSchema());
  });

  it('has a description for every type, field, argument, input field and enum value', () => {
    const lacking = [...elements].filter(([, description]) => !description?.trim()).map(([coordinate]) => coordinate);
    expect(lacking, `${lacking.length} of ${elements.size} elements have no description:\n  ${lacking.join('\n  ')}`).toEqual([]);
  });

  it('walks the whole schema (the roots, an argument, an input field and an enum value are among what it checks)', () => {
    for (const coordinate of ['Query', 'Mutation.applyUpdate(update:)', 'AddCommentInput.body', 'Role.OBSERVER', 'DateTime']) {
      expect(elements.has(coordinate), coordinate).toBe(true);
    }
    expect(elements.has('String')).toBe(false);
    expect(elements.has('__Schema')).toBe(false);
  });
});
