import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Section } from '../../db/entities/index.js';

@ObjectType('Section')
export class SectionType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => Int, { description: '1-based.' })
  position!: number;

  declarationId!: string;

  static from(s: Section): SectionType {
    return Object.assign(new SectionType(), { id: s.id, title: s.title, position: s.position, declarationId: s.declaration.id });
  }
}
