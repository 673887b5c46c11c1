import { Field, ID, ObjectType } from 'type-graphql';
import type { StoredAnchor } from '../../collab/anchors.js';
import type { Amendment, ExplanationOfPosition } from '../../db/entities/index.js';
import { storedAnchor } from '../../drafting/anchoring.js';
import { DateTimeScalar } from '../scalars.js';
import { AmendmentStatus } from './enums.js';

@ObjectType('Amendment')
export class AmendmentType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Replacement text; "" proposes deletion of the range.' })
  text!: string;

  @Field(() => String, { nullable: true })
  rationale!: string | null;

  @Field(() => AmendmentStatus)
  status!: AmendmentStatus;

  @Field(() => String, { nullable: true })
  decisionReason!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
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

@ObjectType('ExplanationOfPosition')
export class ExplanationOfPositionType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  delegation!: string;

  @Field(() => String)
  text!: string;

  @Field(() => DateTimeScalar)
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
