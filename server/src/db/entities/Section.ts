import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Declaration } from './Declaration.js';

/** A part of the declaration ("Introduction", ...); `position` is 1-based and dense. */
@Entity({ tableName: 'section' })
export class Section {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Declaration, ref: true, deleteRule: 'cascade' })
  @Index()
  declaration!: Ref<Declaration>;

  @Property({ type: 'text' })
  title!: string;

  @Property({ type: 'integer' })
  position!: number;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
