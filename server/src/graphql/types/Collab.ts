import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Base64Scalar } from '../scalars.js';
import { ParticipantType } from './Participant.js';

@ObjectType('DocumentState')
export class DocumentStateType {
  @Field(() => Int, { description: 'Last document update included.' })
  seq!: number;

  @Field(() => Base64Scalar, { description: 'Y.encodeStateAsUpdate(serverDoc, stateVector).' })
  update!: Uint8Array;

  @Field(() => Base64Scalar, { description: "The server's state vector." })
  stateVector!: Uint8Array;
}

@ObjectType('DocumentUpdate')
export class DocumentUpdateType {
  @Field(() => ID)
  declarationId!: string;

  @Field(() => Int, { description: 'Per declaration, increasing; the sync event carries the last seq it includes.' })
  seq!: number;

  @Field(() => Base64Scalar)
  update!: Uint8Array;

  @Field(() => String, { nullable: true, description: 'The origin string given to applyUpdate, so a client can recognise its own.' })
  origin!: string | null;

  @Field(() => Boolean, { description: 'True only on the first event of a subscription.' })
  sync!: boolean;
}

@ObjectType('UpdateAck')
export class UpdateAckType {
  @Field(() => Int, { description: 'Returned only once the update is durably committed.' })
  seq!: number;
}

@ObjectType('PresenceEvent')
export class PresenceEventType {
  @Field(() => ParticipantType)
  participant!: ParticipantType;

  @Field(() => ID, { nullable: true })
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
