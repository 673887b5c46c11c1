import { Field, ID, InputType, Int } from 'type-graphql';
import { Role } from './enums.js';

@InputType('AnchorInput', {
  description: "A range of the paragraph's current text, as offsets in UTF-16 code units (as JS strings count): 0 <= start <= end <= the text's length, or BAD_USER_INPUT.",
})
export class AnchorInput {
  @Field(() => Int, { description: 'Where the range starts.' })
  start!: number;

  @Field(() => Int, { description: 'Where the range ends (exclusive); equal to start for a point.' })
  end!: number;
}

@InputType('CreateDeclarationInput', { description: 'A new declaration (createDeclaration).' })
export class CreateDeclarationInput {
  @Field(() => String, { description: 'Its title: not blank, trimmed, at most DRAFTROOM_MAX_TITLE_CHARS characters (500 by default).' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'The forum negotiating it, e.g. "IMRF 2026"; same limits as title. Absent or blank: none.' })
  forum?: string | null;
}

@InputType('InviteParticipantInput', { description: 'Who to invite (inviteParticipant).' })
export class InviteParticipantInput {
  @Field(() => String, { description: 'Their display name: not blank, trimmed, at most DRAFTROOM_MAX_NAME_CHARS characters (200 by default).' })
  name!: string;

  @Field(() => Role, { description: 'What they may do. SECRETARIAT makes another (global) secretariat.' })
  role!: Role;

  @Field(() => String, {
    nullable: true,
    description: 'The member state or organisation they speak for, e.g. "Mexico"; same limits as name. Absent or blank: none.',
  })
  delegation?: string | null;
}

@InputType('AddSectionInput', { description: 'A new section (addSection).' })
export class AddSectionInput {
  @Field(() => String, { description: 'Its heading: not blank, trimmed, at most DRAFTROOM_MAX_TITLE_CHARS characters.' })
  title!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The section it follows; absent: it becomes the last. BAD_USER_INPUT when not a section of this declaration.',
  })
  afterSectionId?: string | null;
}

@InputType('AddParagraphInput', { description: 'A new paragraph (addParagraph).' })
export class AddParagraphInput {
  @Field(() => ID, {
    nullable: true,
    description: 'The paragraph of the section it follows; absent: first in the section. BAD_USER_INPUT when not a paragraph of that section.',
  })
  afterParagraphId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Its initial text, kept as given (not trimmed); absent: empty. At most DRAFTROOM_MAX_PARAGRAPH_CHARS UTF-16 code units (100,000 by default).',
  })
  text?: string | null;

  @Field(() => [Int], { nullable: true, description: 'GCM objectives 1..23 it addresses (repeats dropped); absent: none.' })
  objectives?: number[] | null;
}

@InputType('MoveParagraphInput', { description: 'Where to move a paragraph (moveParagraph).' })
export class MoveParagraphInput {
  @Field(() => ID, { description: 'The section it goes to (its own or another of the declaration; BAD_USER_INPUT otherwise).' })
  sectionId!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The paragraph of that section it follows; absent: first in the section. Not the paragraph itself (BAD_USER_INPUT).',
  })
  afterParagraphId?: string | null;
}

@InputType('AddCommentInput', { description: 'A new comment, or a reply (addComment).' })
export class AddCommentInput {
  @Field(() => String, { description: 'What it says: not blank, trimmed, at most DRAFTROOM_MAX_COMMENT_CHARS characters (20,000 by default).' })
  body!: string;

  @Field(() => AnchorInput, {
    nullable: true,
    description: 'The range of the text it is about; absent: the whole paragraph. A reply takes its thread\'s anchor: none may be given (BAD_USER_INPUT).',
  })
  anchor?: AnchorInput | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The comment it replies to, on the same paragraph (BAD_USER_INPUT otherwise); a reply to a reply joins the same thread.',
  })
  replyTo?: string | null;
}

@InputType('ProposeAmendmentInput', { description: 'A new amendment (proposeAmendment).' })
export class ProposeAmendmentInput {
  @Field(() => AnchorInput, { nullable: true, description: 'The range to replace; absent: the whole paragraph.' })
  anchor?: AnchorInput | null;

  @Field(() => String, {
    description: 'Replacement text, kept as given; "" proposes deletion. At most DRAFTROOM_MAX_PARAGRAPH_CHARS UTF-16 code units.',
  })
  text!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Why: trimmed, at most DRAFTROOM_MAX_COMMENT_CHARS characters. Absent or blank: none.',
  })
  rationale?: string | null;
}
