import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Declaration } from './Declaration.js';
import { Paragraph } from './Paragraph.js';
import { Participant } from './Participant.js';

/**
 * A comment on a paragraph, or a reply in a comment's thread. An anchored
 * comment stores two encoded Y.RelativePositions, so the anchor follows the
 * text through everyone's edits, plus the quoted text as it was selected.
 */
@Entity({ tableName: 'comment' })
export class Comment {
  [OptionalProps]?: 'replyTo' | 'anchorStart' | 'anchorEnd' | 'anchorQuote' | 'resolved' | 'createdAt' | 'editedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Declaration, ref: true, deleteRule: 'cascade' })
  @Index()
  declaration!: Ref<Declaration>;

  @ManyToOne({ entity: () => Paragraph, ref: true, deleteRule: 'cascade' })
  @Index()
  paragraph!: Ref<Paragraph>;

  @ManyToOne({ entity: () => Participant, ref: true })
  author!: Ref<Participant>;

  /** The thread's first comment; null for a top-level comment. */
  @ManyToOne({ entity: () => Comment, ref: true, nullable: true, deleteRule: 'cascade' })
  @Index()
  replyTo: Ref<Comment> | null = null;

  @Property({ type: 'text' })
  body!: string;

  @Property({ type: 'blob', nullable: true })
  anchorStart: Buffer | null = null;

  @Property({ type: 'blob', nullable: true })
  anchorEnd: Buffer | null = null;

  @Property({ type: 'text', nullable: true })
  anchorQuote: string | null = null;

  @Property({ type: 'boolean' })
  resolved: boolean = false;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  editedAt: Date | null = null;
}
