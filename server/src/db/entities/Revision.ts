import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Declaration } from './Declaration.js';
import type { ParagraphStatus } from './enums.js';
import { Participant } from './Participant.js';

/** One paragraph as a revision recorded it. */
export interface RevisionParagraphRecord {
  paragraphId: string;
  sectionId: string;
  sectionTitle: string;
  label: string;
  number: number | null;
  text: string;
  status: ParagraphStatus;
}

/**
 * A published revision ("Zero draft", "Rev.1", ..., "Adopted text"): the
 * whole text as it stood, stored whole so that it never changes afterwards.
 */
@Entity({ tableName: 'revision' })
@Unique({ properties: ['declaration', 'sequence'] })
export class Revision {
  [OptionalProps]?: 'publishedAt' | 'publishedBy';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Declaration, ref: true, deleteRule: 'cascade' })
  declaration!: Ref<Declaration>;

  /** 0 for the first revision, then 1, 2, ... */
  @Property({ type: 'integer' })
  sequence!: number;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'datetime' })
  publishedAt: Date = new Date();

  /** Null when the server published it (adoption at the deadline). */
  @ManyToOne({ entity: () => Participant, ref: true, nullable: true })
  publishedBy: Ref<Participant> | null = null;

  @Property({ type: 'json' })
  paragraphs!: RevisionParagraphRecord[];
}
