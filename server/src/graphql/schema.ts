/**
 * Builds the executable schema from the resolvers (type-graphql, types given
 * explicitly: decorator metadata is off); `printSchemaFile` gives the SDL
 * committed as schema/schema.graphql (`npm run schema`, checked by
 * test/schema.test.ts against the committed file and the contract).
 */
import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import './types/enums.js';
import { AmendmentResolver, ParagraphAmendmentsResolver } from './resolvers/AmendmentResolver.js';
import { ChangeLogResolver } from './resolvers/ChangeLogResolver.js';
import { ChangesResolver } from './resolvers/ChangesResolver.js';
import { CollabResolver } from './resolvers/CollabResolver.js';
import { CommentResolver } from './resolvers/CommentResolver.js';
import { DeclarationResolver } from './resolvers/DeclarationResolver.js';
import { ExportResolver } from './resolvers/ExportResolver.js';
import { ExplanationResolver, SilenceResolver } from './resolvers/SilenceResolver.js';
import { ParagraphResolver } from './resolvers/ParagraphResolver.js';
import { DeclarationRevisionsResolver, RevisionResolver } from './resolvers/RevisionResolver.js';
import { SectionResolver } from './resolvers/SectionResolver.js';
import { ViewerResolver } from './resolvers/ViewerResolver.js';
import { ROOT_DESCRIPTIONS } from './descriptions.js';
import { Base64Scalar, DateTimeScalar } from './scalars.js';

let built: Promise<GraphQLSchema> | null = null;

/** The schema (built once per process: type-graphql's metadata is global). */
export function draftroomSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [
      ViewerResolver,
      DeclarationResolver,
      SectionResolver,
      ParagraphResolver,
      CommentResolver,
      ChangeLogResolver,
      ChangesResolver,
      CollabResolver,
      RevisionResolver,
      DeclarationRevisionsResolver,
      AmendmentResolver,
      ParagraphAmendmentsResolver,
      SilenceResolver,
      ExplanationResolver,
      ExportResolver,
    ],
    scalarsMap: [
      { type: Date, scalar: DateTimeScalar },
      { type: Uint8Array, scalar: Base64Scalar },
    ],
    // Every subscription brings its own `subscribe` (sequence followers and
    // presence); type-graphql's topic-based pub/sub is never used.
    pubSub: {
      publish: () => {
        throw new Error('draftroom subscriptions do not use type-graphql pub/sub');
      },
      subscribe: () => {
        throw new Error('draftroom subscriptions do not use type-graphql pub/sub');
      },
    },
    validate: false,
    emitSchemaFile: false,
  }).then(describeRoots);
  return built;
}

/** type-graphql has no option for the descriptions of Query, Mutation and Subscription: set them on the built types. */
function describeRoots(schema: GraphQLSchema): GraphQLSchema {
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (root) root.description = ROOT_DESCRIPTIONS[root.name as keyof typeof ROOT_DESCRIPTIONS];
  }
  return schema;
}

/** The SDL committed as schema/schema.graphql: sorted, so that diffs stay readable. */
export function printSchemaFile(schema: GraphQLSchema): string {
  return `# Emitted by draftroom (npm run schema). Do not edit: change the resolvers and re-emit.\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
}
