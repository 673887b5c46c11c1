/** Small helpers the resolvers share: who is asking, may they read it, run a command as them. */
import { authorize, requireViewer, type Viewer } from '../../auth/policy.js';
import type { Command } from '../../drafting/command.js';
import { runCommand } from '../../drafting/runCommand.js';
import { declarationOf } from '../../drafting/lookup.js';
import type { Context } from '../context.js';

/** The viewer, after checking they may read `declarationId` (NOT_FOUND otherwise). */
export function readerOf(ctx: Context, declarationId: string, target?: { what: string; id: string }): Viewer {
  const viewer = requireViewer(ctx.viewer);
  authorize(viewer, 'declaration.read', { declarationId, target });
  return viewer;
}

/** Runs a command as the (required) viewer, in its own transaction. */
export function command<T>(ctx: Context, body: (command: Command) => Promise<T>): Promise<T> {
  const viewer = requireViewer(ctx.viewer);
  return runCommand(ctx.em, ctx.services, viewer, body);
}

/**
 * The start of every subscription on a declaration: the context, the
 * declaration's id, and its reader (NOT_FOUND when it does not exist or is
 * not theirs, UNAUTHENTICATED without a token).
 */
export async function subscriberOf(context: unknown, args: Record<string, unknown>) {
  const ctx = context as Context;
  const declarationId = args.declarationId as string;
  const viewer = readerOf(ctx, declarationId);
  await declarationOf(ctx.em, 'declaration', declarationId);
  return { ctx, declarationId, viewer };
}
