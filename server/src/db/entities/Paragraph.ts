import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Declaration } from './Declaration.js';
import { ParagraphStatus } from './enums.js';
import { Section } from './Section.js';

/**
 * A paragraph. Its text lives in the declaration's Y.Doc as
 * `doc.getText(id)`; `text` is the committed content of that Y.Text, written
 * in the same transaction as every update that changes it, so reads never
 * need the document.
 */
@Entity({ tableName: 'paragraph' })
@Index({ properties: ['section', 'position'] })
export class Paragraph {
  [OptionalProps]?: 'fixedLabel' | 'status' | 'objectives' | 'text' | 'textDocSeq' | 'feedDocSeq' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Declaration, ref: true, deleteRule: 'cascade' })
  @Index()
  declaration!: Ref<Declaration>;

  @ManyToOne({ entity: () => Section, ref: true, deleteRule: 'cascade' })
  section!: Ref<Section>;

  /** Order key inside the section: 1-based, dense. */
  @Property({ type: 'integer' })
  position!: number;

  /** The label fixed by a published revision; null until then (the label is derived). */
  @Property({ type: 'text', nullable: true })
  fixedLabel: string | null = null;

  @Enum({ items: () => ParagraphStatus, type: 'text' })
  status: ParagraphStatus = ParagraphStatus.OPEN;

  @Property({ type: 'json' })
  objectives: number[] = [];

  @Property({ type: 'text' })
  text: string = '';

  /** Seq of the last document update that changed `text`. */
  @Property({ type: 'integer' })
  textDocSeq: number = 0;

  /** Seq of the last document update the change feed has reported (PARAGRAPH_ADDED/EDITED). */
  @Property({ type: 'integer' })
  feedDocSeq: number = 0;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();
}
