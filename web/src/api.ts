/**
 * The page's one `DraftroomClient` (per signed-in token), and how a failure
 * is put into words for the people in the room: the server's message and its
 * code, never a stack.
 */
import { DraftroomClient, DraftroomError } from '@draftroom/client';

/** The API is served by the same server as the page. */
export function apiUrl(): string {
  return new URL('/graphql', location.href).href;
}

export function createClient(token: string): DraftroomClient {
  return new DraftroomClient({ url: apiUrl(), token });
}

/** "paragraph 21 is AGREED: its text is frozen (CONFLICT)" */
export function describeError(error: unknown): string {
  if (error instanceof DraftroomError) return `${error.message} (${error.code})`;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function errorCode(error: unknown): string | null {
  return error instanceof DraftroomError ? error.code : null;
}
