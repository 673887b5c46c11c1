import { Field, ID, ObjectType } from 'type-graphql';
import type { Declaration } from '../../db/entities/index.js';
import { DateTimeScalar } from '../scalars.js';
import { DeclarationStatus } from './enums.js';

@ObjectType('Declaration')
export class DeclarationType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  forum!: string | null;

  @Field(() => DeclarationStatus)
  status!: DeclarationStatus;

  @Field(() => DateTimeScalar, { nullable: true })
  silenceDeadline!: Date | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar)
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
