import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Declaration } from './Declaration.js';
import { Participant } from './Participant.js';

/** What a delegation says for the record after adoption. */
@Entity({ tableName: 'explanation_of_position' })
export class ExplanationOfPosition {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Declaration, ref: true, deleteRule: 'cascade' })
  @Index()
  declaration!: Ref<Declaration>;

  @ManyToOne({ entity: () => Participant, ref: true })
  author!: Ref<Participant>;

  @Property({ type: 'text' })
  delegation!: string;

  @Property({ type: 'text' })
  text!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
