import { Field, ID, InputType, Int } from 'type-graphql';
import { Role } from './enums.js';

@InputType('AnchorInput', { description: "Offsets into the paragraph's current text, start <= end." })
export class AnchorInput {
  @Field(() => Int)
  start!: number;

  @Field(() => Int)
  end!: number;
}

@InputType('CreateDeclarationInput')
export class CreateDeclarationInput {
  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  forum?: string | null;
}

@InputType('InviteParticipantInput')
export class InviteParticipantInput {
  @Field(() => String)
  name!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => String, { nullable: true })
  delegation?: string | null;
}

@InputType('AddSectionInput')
export class AddSectionInput {
  @Field(() => String)
  title!: string;

  @Field(() => ID, { nullable: true, description: 'No afterSectionId: last.' })
  afterSectionId?: string | null;
}

@InputType('AddParagraphInput')
export class AddParagraphInput {
  @Field(() => ID, { nullable: true, description: 'No afterParagraphId: first in the section.' })
  afterParagraphId?: string | null;

  @Field(() => String, { nullable: true })
  text?: string | null;

  @Field(() => [Int], { nullable: true })
  objectives?: number[] | null;
}

@InputType('MoveParagraphInput')
export class MoveParagraphInput {
  @Field(() => ID)
  sectionId!: string;

  @Field(() => ID, { nullable: true, description: 'No afterParagraphId: first in the section.' })
  afterParagraphId?: string | null;
}

@InputType('AddCommentInput')
export class AddCommentInput {
  @Field(() => String)
  body!: string;

  @Field(() => AnchorInput, { nullable: true })
  anchor?: AnchorInput | null;

  @Field(() => ID, { nullable: true })
  replyTo?: string | null;
}

@InputType('ProposeAmendmentInput')
export class ProposeAmendmentInput {
  @Field(() => AnchorInput, { nullable: true, description: 'The range to replace; absent: the whole paragraph.' })
  anchor?: AnchorInput | null;

  @Field(() => String, { description: 'Replacement text; "" proposes deletion.' })
  text!: string;

  @Field(() => String, { nullable: true })
  rationale?: string | null;
}
