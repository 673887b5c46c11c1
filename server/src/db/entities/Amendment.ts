import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Declaration } from './Declaration.js';
import { AmendmentStatus } from './enums.js';
import { Paragraph } from './Paragraph.js';
import { Participant } from './Participant.js';

/**
 * A delegation's proposal to replace a range of a paragraph (or the whole
 * paragraph) with `text` ("" proposes deletion). The anchor is kept as Yjs
 * relative positions, like a comment's, so it follows the text.
 */
@Entity({ tableName: 'amendment' })
export class Amendment {
  [OptionalProps]?: 'anchorStart' | 'anchorEnd' | 'anchorQuote' | 'rationale' | 'status' | 'decisionReason' | 'createdAt' | 'decidedAt' | 'decidedBy';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Declaration, ref: true, deleteRule: 'cascade' })
  @Index()
  declaration!: Ref<Declaration>;

  @ManyToOne({ entity: () => Paragraph, ref: true, deleteRule: 'cascade' })
  @Index()
  paragraph!: Ref<Paragraph>;

  @ManyToOne({ entity: () => Participant, ref: true })
  proposer!: Ref<Participant>;

  @Property({ type: 'blob', nullable: true })
  anchorStart: Buffer | null = null;

  @Property({ type: 'blob', nullable: true })
  anchorEnd: Buffer | null = null;

  @Property({ type: 'text', nullable: true })
  anchorQuote: string | null = null;

  @Property({ type: 'text' })
  text!: string;

  @Property({ type: 'text', nullable: true })
  rationale: string | null = null;

  @Enum({ items: () => AmendmentStatus, type: 'text' })
  status: AmendmentStatus = AmendmentStatus.PENDING;

  @Property({ type: 'text', nullable: true })
  decisionReason: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  decidedAt: Date | null = null;

  @ManyToOne({ entity: () => Participant, ref: true, nullable: true })
  decidedBy: Ref<Participant> | null = null;
}
