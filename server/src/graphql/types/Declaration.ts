import { Field, ID, ObjectType } from 'type-graphql';
import type { Declaration } from '../../db/entities/index.js';
import { CREATED_AT } from '../descriptions.js';
import { DateTimeScalar } from '../scalars.js';
import { DeclarationStatus } from './enums.js';

@ObjectType('Declaration', {
  description:
    'An outcome document under negotiation, e.g. the Progress Declaration of the IMRF: its sections and paragraphs (text live in one Y.Doc), revisions and lifecycle. Readable by every participant of it, and by the secretariat.',
})
export class DeclarationType {
  @Field(() => ID, { description: "The declaration's id." })
  id!: string;

  @Field(() => String, { description: 'Its title, e.g. "Progress Declaration of the International Migration Review Forum".' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'The forum that negotiates it, e.g. "IMRF 2026"; null when not given.' })
  forum!: string | null;

  @Field(() => DeclarationStatus, { description: 'Where the negotiation stands (DRAFTING, SILENCE_PROCEDURE, ADOPTED).' })
  status!: DeclarationStatus;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the silence procedure ends (adoption follows unless silence is broken); null unless it was started.',
  })
  silenceDeadline!: Date | null;

  @Field(() => DateTimeScalar, { description: CREATED_AT })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When anything of it last changed: a committed text update, or any change the feed records (structure, comments, amendments, lifecycle...).' })
  updatedAt!: Date;

  static from(d: Declaration): DeclarationType {
    return Object.assign(new DeclarationType(), {
      id: d.id,
      title: d.title,
      forum: d.forum,
      status: d.status,
      silenceDeadline: d.silenceDeadline,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
    });
  }
}
