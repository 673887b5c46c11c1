/**
 * Domain errors. Every refusal the server makes is a `DomainError` carrying
 * one of the contract's codes; `graphql/errorMapping.ts` turns it into a
 * GraphQL error in one place. Messages say what was expected and what arrived.
 */

export enum ErrorCode {
  /** No token, or a token the server does not know. */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** The caller's role may not do this, or not on this declaration. */
  FORBIDDEN = 'FORBIDDEN',
  /** Malformed or out-of-range input. */
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  /** Nothing of that id is visible to the caller. */
  NOT_FOUND = 'NOT_FOUND',
  /** The lifecycle forbids it now (frozen text, agreed paragraph, decided amendment...). */
  CONFLICT = 'CONFLICT',
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const unauthenticated = (message = 'a valid bearer token is required') =>
  new DomainError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message: string) => new DomainError(ErrorCode.FORBIDDEN, message);
export const badInput = (message: string, details?: Record<string, unknown>) =>
  new DomainError(ErrorCode.BAD_USER_INPUT, message, details);
export const notFound = (what: string, id: string) =>
  new DomainError(ErrorCode.NOT_FOUND, `no ${what} with id ${JSON.stringify(id)} is visible to you`);
export const conflict = (message: string) => new DomainError(ErrorCode.CONFLICT, message);
