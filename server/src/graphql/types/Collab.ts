import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Base64Scalar } from '../scalars.js';
import { ParticipantType } from './Participant.js';

@ObjectType('DocumentState', {
  description: "What `documentState` returns: the declaration's Y.Doc as committed, or what a client lacks of it, to apply with Y.applyUpdate.",
})
export class DocumentStateType {
  @Field(() => Int, { description: 'The seq of the last committed document update included.' })
  seq!: number;

  @Field(() => Base64Scalar, {
    description: "Y.encodeStateAsUpdate(serverDoc, stateVector): everything when no stateVector was given, otherwise only what the client's state vector lacks.",
  })
  update!: Uint8Array;

  @Field(() => Base64Scalar, { description: "The server's state vector (Y.encodeStateVector), to send back the client's own changes the server lacks." })
  stateVector!: Uint8Array;
}

@ObjectType('DocumentUpdate', {
  description: 'An event of `documentUpdates`: a committed Yjs update of the declaration\'s document (or, first, the sync of what the subscriber lacks).',
})
export class DocumentUpdateType {
  @Field(() => ID, { description: 'The declaration whose document this is.' })
  declarationId!: string;

  @Field(() => Int, { description: 'Per declaration, increasing; the sync event carries the last seq it includes.' })
  seq!: number;

  @Field(() => Base64Scalar, { description: 'The Yjs update (Y.applyUpdate it); on the sync event, everything the subscriber lacked.' })
  update!: Uint8Array;

  @Field(() => String, { nullable: true, description: 'The origin string given to applyUpdate, so a client can recognise its own.' })
  origin!: string | null;

  @Field(() => Boolean, { description: 'True only on the first event of a subscription.' })
  sync!: boolean;
}

@ObjectType('UpdateAck', { description: 'What `applyUpdate` returns, only once the update is durably committed to PostgreSQL.' })
export class UpdateAckType {
  @Field(() => Int, { description: "The update's seq in the declaration's document log; returned only once it is durably committed." })
  seq!: number;
}

@ObjectType('PresenceEvent', { description: 'An event of `presence`: where one connection of a participant is in the text, or that it went. Ephemeral: never stored.' })
export class PresenceEventType {
  @Field(() => ParticipantType, { description: 'Whose presence this is.' })
  participant!: ParticipantType;

  @Field(() => ID, { nullable: true, description: 'The paragraph they are in; null: none (reading, or gone).' })
  paragraphId!: string | null;

  @Field(() => Base64Scalar, { nullable: true, description: 'An encoded Y.RelativePosition, opaque to the server.' })
  cursor!: Uint8Array | null;

  @Field(() => Base64Scalar, {
    nullable: true,
    description: 'The other end of the selection whose caret is `cursor` (an encoded Y.RelativePosition, opaque to the server); null: no selection.',
  })
  selectionAnchor!: Uint8Array | null;

  @Field(() => Boolean, { description: "The participant's last connection closed." })
  left!: boolean;

  @Field(() => ID, {
    nullable: true,
    description:
      'Which of the participant\'s connections this is about (one per WebSocket: two browser tabs are two connections, each with its own cursor). Opaque, stable while the connection lasts. Null for an announcement made over HTTP.',
  })
  connectionId!: string | null;

  @Field(() => Boolean, { description: 'This connection closed (true also when `left` is).' })
  connectionClosed!: boolean;

  @Field(() => Boolean, { description: "The event is about the subscriber's own connection (the WebSocket this subscription runs on)." })
  ownConnection!: boolean;
}
