/**
 * Live co-editing over GraphQL: the document (state, updates, subscription)
 * and presence. The protocol a client follows:
 *
 *   1. subscribe `documentUpdates(declarationId, stateVector)`: the first
 *      event (sync: true) is what the client lacks, at `seq`; then every
 *      committed update in seq order, each exactly once;
 *   2. send local edits with `applyUpdate` (one in flight at a time keeps
 *      them causally ready); the ack's seq means committed, durably;
 *      CONFLICT means the server lacks what the update builds on: resync
 *      (documentState with the local state vector) and resend;
 *   3. recognise echoes of its own updates by `origin`.
 */
import { Arg, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import * as Y from 'yjs';
import { authorize, requireViewer } from '../../auth/policy.js';
import { readUpdatesAfter, type StoredUpdate } from '../../collab/updateLog.js';
import { declarationOf, isId } from '../../drafting/lookup.js';
import { optionalText } from '../../drafting/validation.js';
import { badInput, notFound } from '../../errors.js';
import { Follower } from '../../feed/sequenceWindow.js';
import { mapAsync, PushIterator, startWith } from '../../feed/pushIterator.js';
import { publicConnectionId, type PresenceItem } from '../../collab/presence.js';
import type { Context } from '../context.js';
import { ID_ARG } from '../descriptions.js';
import { sharedEvent } from '../sharedExecution.js';
import { Base64Scalar } from '../scalars.js';
import { DocumentStateType, DocumentUpdateType, PresenceEventType, UpdateAckType } from '../types/Collab.js';
import { ParticipantType } from '../types/Participant.js';
import { readerOf, subscriberOf } from './access.js';
import { LimitName } from '../../../../client-sdk/src/protocol.js';

const MAX_CURSOR_BYTES = 1024;

const STATE_VECTOR_ARG =
  "The client's Y.encodeStateVector(doc), so that only what it lacks is sent; absent: everything. BAD_USER_INPUT when it does not decode.";

/** A state vector from the client, checked (BAD_USER_INPUT if it does not decode). */
function stateVectorOf(bytes: Uint8Array | null | undefined): Uint8Array | undefined {
  if (!bytes) return undefined;
  try {
    Y.decodeStateVector(bytes);
    return bytes;
  } catch {
    throw badInput('stateVector is not a Yjs state vector (Y.encodeStateVector)', { field: 'stateVector' });
  }
}

function documentUpdate(declarationId: string, stored: StoredUpdate, sync: boolean): DocumentUpdateType {
  return Object.assign(new DocumentUpdateType(), { declarationId, seq: stored.seq, update: stored.update, origin: stored.origin, sync });
}

/** A presence item as one subscriber sees it (`ownConnection`: about the connection it subscribed on). */
function presenceEvent(item: PresenceItem, subscriberConnection: string | null): PresenceEventType {
  return Object.assign(new PresenceEventType(), {
    participant: ParticipantType.from(item.participant as never),
    paragraphId: item.paragraphId,
    cursor: item.cursor,
    selectionAnchor: item.selectionAnchor,
    left: item.left,
    connectionId: publicConnectionId(item.connection),
    connectionClosed: item.connectionClosed,
    ownConnection: subscriberConnection !== null && item.connection === subscriberConnection,
  });
}

@Resolver()
export class CollabResolver {
  @Query(() => DocumentStateType, {
    description:
      "The declaration's Y.Doc as committed, for any role of it: what a client lacks given its state vector (all of it without one), to resync after CONFLICT or to open the text without subscribing.",
  })
  async documentState(
    @Arg('declarationId', () => ID, { description: ID_ARG.declaration }) declarationId: string,
    @Arg('stateVector', () => Base64Scalar, { nullable: true, description: STATE_VECTOR_ARG }) stateVector: Uint8Array | null,
    @Ctx() ctx: Context,
  ): Promise<DocumentStateType> {
    readerOf(ctx, declarationId);
    await declarationOf(ctx.em, 'declaration', declarationId);
    const sv = stateVectorOf(stateVector);
    return ctx.services.hub.withDocument(ctx.em, declarationId, async (live) =>
      Object.assign(new DocumentStateType(), {
        seq: live.seq,
        update: Y.encodeStateAsUpdate(live.doc, sv),
        stateVector: Y.encodeStateVector(live.doc),
      }),
    );
  }

  @Mutation(() => UpdateAckType, {
    description:
      "CO_FACILITATOR, while DRAFTING (CONFLICT after): applies a Yjs update to the declaration's text and answers once it is durably committed; subscribers see it only then. Refused whole, the document unchanged, when it does not decode, touches anything but the texts of existing OPEN paragraphs, or inserts NUL, a bidirectional control or an invisible character (U+202A–U+202E, U+2066–U+2069, U+200B, U+FEFF) (BAD_USER_INPUT, or CONFLICT for a paragraph no longer OPEN), or when it builds on changes the server lacks (CONFLICT: resync with documentState and resend). Rate-limited per token (DRAFTROOM_MAX_UPDATES_PER_SECOND: BAD_USER_INPUT with retryAfterMs).",
  })
  async applyUpdate(
    @Arg('declarationId', () => ID, { description: ID_ARG.declaration }) declarationId: string,
    @Arg('update', () => Base64Scalar, {
      description: 'A Yjs update (Y.encodeStateAsUpdate, or an update event of the client\'s Y.Doc), at most DRAFTROOM_MAX_UPDATE_BYTES bytes (1 MiB by default); a paragraph may not grow beyond DRAFTROOM_MAX_PARAGRAPH_CHARS.',
    })
    update: Uint8Array,
    @Arg('origin', () => String, {
      nullable: true,
      description: 'Any string (at most 200 characters) that comes back as DocumentUpdate.origin, so the client recognises its own update among the echoes.',
    })
    origin: string | null,
    @Ctx() ctx: Context,
  ): Promise<UpdateAckType> {
    const viewer = requireViewer(ctx.viewer);
    authorize(viewer, 'text.edit', { declarationId });
    // No lookup here: the group commit locks the declaration's row anyway, and
    // answers NOT_FOUND when there is none (one statement less per update).
    if (!isId(declarationId)) throw notFound('declaration', declarationId);
    const { limits } = ctx.services;
    if (update.length > limits.updateBytes) {
      throw badInput(`the update is ${update.length} bytes; the limit is ${limits.updateBytes} (DRAFTROOM_MAX_UPDATE_BYTES)`, {
        field: 'update',
        limit: LimitName.UPDATE_BYTES,
        maxBytes: limits.updateBytes,
      });
    }
    const checkedOrigin = optionalText('origin', origin, limits.originChars) === null ? null : origin;
    // Updates per token per second (limits/rateLimits.ts): refused before the
    // update reaches the group commit, so a refusal changes nothing.
    ctx.rates?.update();
    const seq = await ctx.services.committer.submit({ declarationId, update, origin: checkedOrigin, viewer });
    return Object.assign(new UpdateAckType(), { seq });
  }

  @Subscription(() => DocumentUpdateType, {
    description:
      "The declaration's document, live, for any role of it. First event: sync=true, what the client lacks given its stateVector (all of it without one); then every committed update in seq order, none missed, none repeated. Also announces the connection's presence (see presence).",
    subscribe: async ({ args, context }) => {
      const { ctx, declarationId, viewer } = await subscriberOf(context, args);
      const sv = stateVectorOf(args.stateVector as Uint8Array | null);
      const { hub, presence } = ctx.services;
      // Taken while holding the document: no committed update can slip
      // between the sync event and the follower's starting point.
      const { sync, follower } = await hub.withDocument(ctx.em, declarationId, async (live) => ({
        sync: documentUpdate(declarationId, { seq: live.seq, update: Y.encodeStateAsUpdate(live.doc, sv), origin: null }, true),
        follower: new Follower<StoredUpdate>(
          {
            window: live.window,
            fetchAfter: (after, limit) => readUpdatesAfter(ctx.services.orm.em.fork(), declarationId, after, limit),
            // The log after `after` was compacted away: send the whole state (Yjs ignores what the client has).
            recover: async () => {
              const current = await hub.current(ctx.services.orm.em.fork(), declarationId);
              return { seq: current.seq, update: Y.encodeStateAsUpdate(current.doc), origin: null };
            },
          },
          live.seq,
        ),
      }));
      if (ctx.connectionId) presence.join(declarationId, viewer, ctx.connectionId);
      const updates = mapAsync(follower, (stored) => sharedEvent(stored, (s) => documentUpdate(declarationId, s, false)));
      return startWith([sync], updates);
    },
  })
  documentUpdates(
    @Root() event: DocumentUpdateType,
    @Arg('declarationId', () => ID, { description: ID_ARG.declaration }) _declarationId: string,
    @Arg('stateVector', () => Base64Scalar, { nullable: true, description: STATE_VECTOR_ARG }) _stateVector: Uint8Array | null,
  ): DocumentUpdateType {
    return event;
  }

  @Mutation(() => Boolean, {
    description: 'Any role, ephemeral (never stored, no change event): tells the subscribers of presence where the caller is. Answers true.',
  })
  async updatePresence(
    @Arg('declarationId', () => ID, { description: ID_ARG.declaration }) declarationId: string,
    @Arg('paragraphId', () => ID, {
      nullable: true,
      description: 'The paragraph the caller is in (BAD_USER_INPUT when not one of this declaration); absent: none.',
    })
    paragraphId: string | null,
    @Arg('cursor', () => Base64Scalar, {
      nullable: true,
      description: 'The caret, an encoded Y.RelativePosition (opaque to the server), at most 1,024 bytes (BAD_USER_INPUT otherwise); absent: none.',
    })
    cursor: Uint8Array | null,
    @Arg('selectionAnchor', () => Base64Scalar, {
      nullable: true,
      description: 'The other end of a selection whose caret is `cursor` (an encoded Y.RelativePosition); absent: no selection.',
    })
    selectionAnchor: Uint8Array | null,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    const viewer = requireViewer(ctx.viewer);
    authorize(viewer, 'presence.update', { declarationId });
    await declarationOf(ctx.em, 'declaration', declarationId);
    if (paragraphId && (await declarationOf(ctx.em, 'paragraph', paragraphId).catch(() => null)) !== declarationId) {
      throw badInput(`paragraphId ${JSON.stringify(paragraphId)} is not a paragraph of this declaration`, { field: 'paragraphId' });
    }
    for (const [field, bytes] of [['cursor', cursor], ['selectionAnchor', selectionAnchor]] as const) {
      if (bytes && bytes.length > MAX_CURSOR_BYTES) throw badInput(`${field} must be at most ${MAX_CURSOR_BYTES} bytes`, { field });
    }
    ctx.services.presence.update({ declarationId, participant: viewer, paragraphId, cursor, selectionAnchor: selectionAnchor ?? null }, ctx.connectionId);
    return true;
  }

  @Subscription(() => PresenceEventType, {
    description: 'Who is where, per connection: first every connection present now, then every move, connectionClosed=true when a connection goes, left=true when it was the participant\'s last.',
    subscribe: async ({ args, context }) => {
      const { ctx, declarationId, viewer } = await subscriberOf(context, args);
      const { presence } = ctx.services;
      let unlisten = () => {};
      const iterator = new PushIterator<PresenceEventType>(() => unlisten());
      const own = ctx.connectionId;
      unlisten = presence.listen(declarationId, (item) => iterator.push(presenceEvent(item, own)));
      for (const item of presence.snapshot(declarationId)) iterator.push(presenceEvent(item, own));
      if (ctx.connectionId) presence.join(declarationId, viewer, ctx.connectionId);
      return iterator;
    },
  })
  presence(
    @Root() event: PresenceEventType,
    @Arg('declarationId', () => ID, { description: ID_ARG.declaration }) _declarationId: string,
  ): PresenceEventType {
    return event;
  }
}
