import { Field, ID, ObjectType } from 'type-graphql';
import type { StoredAnchor } from '../../collab/anchors.js';
import type { Amendment, ExplanationOfPosition } from '../../db/entities/index.js';
import { storedAnchor } from '../../drafting/anchoring.js';
import { CREATED_AT } from '../descriptions.js';
import { DateTimeScalar } from '../scalars.js';
import { AmendmentStatus } from './enums.js';

@ObjectType('Amendment', {
  description:
    'A change a delegation tables to a paragraph ("replace X with Y", "delete", "add"), supported or opposed by other delegations, then accepted or rejected by a co-facilitator. Readable by every participant of the declaration.',
})
export class AmendmentType {
  @Field(() => ID, { description: "The amendment's id." })
  id!: string;

  @Field(() => String, { description: 'Replacement text for the anchored range (or the whole paragraph); "" proposes deletion of the range.' })
  text!: string;

  @Field(() => String, { nullable: true, description: 'Why the delegation proposes it; null when not given.' })
  rationale!: string | null;

  @Field(() => AmendmentStatus, { description: 'PENDING until accepted, rejected or withdrawn.' })
  status!: AmendmentStatus;

  @Field(() => String, { nullable: true, description: 'The reason a co-facilitator gave when rejecting it; null otherwise.' })
  decisionReason!: string | null;

  @Field(() => DateTimeScalar, { description: CREATED_AT })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was accepted, rejected or withdrawn; null while PENDING.' })
  decidedAt!: Date | null;

  declarationId!: string;
  paragraphId!: string;
  proposerId!: string;
  storedAnchor!: StoredAnchor | null;

  static from(a: Amendment): AmendmentType {
    return Object.assign(new AmendmentType(), {
      id: a.id,
      text: a.text,
      rationale: a.rationale,
      status: a.status,
      decisionReason: a.decisionReason,
      createdAt: a.createdAt,
      decidedAt: a.decidedAt,
      declarationId: a.declaration.id,
      paragraphId: a.paragraph.id,
      proposerId: a.proposer.id,
      storedAnchor: storedAnchor(a),
    });
  }
}

@ObjectType('ExplanationOfPosition', {
  description: "A delegation's statement on the adopted declaration (what it joins, what it dissociates from), added after adoption.",
})
export class ExplanationOfPositionType {
  @Field(() => ID, { description: "The explanation's id." })
  id!: string;

  @Field(() => String, { description: 'The member state it speaks for, e.g. "Mexico": the author\'s delegation (their name if they have none) when it was made.' })
  delegation!: string;

  @Field(() => String, { description: 'The explanation itself (trimmed; at most DRAFTROOM_MAX_COMMENT_CHARS characters).' })
  text!: string;

  @Field(() => DateTimeScalar, { description: CREATED_AT })
  createdAt!: Date;

  authorId!: string;

  static from(e: ExplanationOfPosition): ExplanationOfPositionType {
    return Object.assign(new ExplanationOfPositionType(), {
      id: e.id,
      delegation: e.delegation,
      text: e.text,
      createdAt: e.createdAt,
      authorId: e.author.id,
    });
  }
}
