import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Declaration } from './Declaration.js';
import { ChangeKind } from './enums.js';
import { Participant } from './Participant.js';

/**
 * One entry of a declaration's change feed, written in the same transaction
 * as the change it records. `seq` is 1, 2, 3, ... per declaration with no
 * gaps: it comes from `Declaration.lastEventSeq`, incremented under the
 * declaration's row lock, so a rolled-back change leaves no hole.
 */
@Entity({ tableName: 'change_event' })
@Unique({ properties: ['declaration', 'seq'] })
export class ChangeEvent {
  [OptionalProps]?: 'actor' | 'paragraphId' | 'commentId' | 'amendmentId' | 'revisionId' | 'text' | 'at';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Declaration, ref: true, deleteRule: 'cascade' })
  declaration!: Ref<Declaration>;

  @Property({ type: 'integer' })
  seq!: number;

  @Enum({ items: () => ChangeKind, type: 'text' })
  kind!: ChangeKind;

  @ManyToOne({ entity: () => Participant, ref: true, nullable: true })
  actor: Ref<Participant> | null = null;

  @Property({ type: 'uuid', nullable: true })
  paragraphId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  commentId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  amendmentId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  revisionId: string | null = null;

  @Property({ type: 'text', nullable: true })
  text: string | null = null;

  @Property({ type: 'text' })
  summary!: string;

  @Property({ type: 'datetime' })
  at: Date = new Date();
}
