import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Section } from '../../db/entities/index.js';

@ObjectType('Section', {
  description: 'A part of the declaration ("Introduction", "Recommended actions"...), holding paragraphs in order. Sections are added by co-facilitators and never removed.',
})
export class SectionType {
  @Field(() => ID, { description: "The section's id." })
  id!: string;

  @Field(() => String, { description: 'Its heading.' })
  title!: string;

  @Field(() => Int, { description: 'Its place among the sections of the declaration, 1-based.' })
  position!: number;

  declarationId!: string;

  static from(s: Section): SectionType {
    return Object.assign(new SectionType(), { id: s.id, title: s.title, position: s.position, declarationId: s.declaration.id });
  }
}
