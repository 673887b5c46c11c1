/** The contract's scalars: `DateTime` (ISO-8601) and `Base64` (standard base64 of bytes). */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An ISO-8601 date and time, e.g. "2026-11-23T09:30:00.000Z".',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new TypeError(`DateTime cannot represent ${String(value)}`);
    return date.toISOString();
  },
  parseValue(value) {
    return parseDate(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badInput(`DateTime expects an ISO-8601 string, got a ${ast.kind}`);
    return parseDate(ast.value);
  },
});

function parseDate(value: unknown): Date {
  // A full date and time with a zone: "2026-12-01T12:00:00Z" or "...+01:00".
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw badInput(`DateTime expects an ISO-8601 date and time with a zone, got ${JSON.stringify(value)}`);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badInput(`DateTime ${JSON.stringify(value)} is not a valid date`);
  return date;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const Base64Scalar = new GraphQLScalarType<Uint8Array, string>({
  name: 'Base64',
  description: 'Standard base64 (RFC 4648, with padding) of a binary value: Yjs updates and state vectors.',
  serialize(value) {
    if (!(value instanceof Uint8Array)) throw new TypeError('Base64 serializes bytes');
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  },
  parseValue(value) {
    return parseBase64(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badInput(`Base64 expects a string, got a ${ast.kind}`);
    return parseBase64(ast.value);
  },
});

function parseBase64(value: unknown): Uint8Array {
  if (typeof value !== 'string' || !BASE64.test(value)) {
    throw badInput('Base64 expects standard base64 with padding (A-Z a-z 0-9 + /, length a multiple of 4)');
  }
  return new Uint8Array(Buffer.from(value, 'base64'));
}
