import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, PrimaryKeyProp, Property, type Ref } from '@mikro-orm/core';
import { Amendment } from './Amendment.js';
import { Participant } from './Participant.js';

export enum Stance {
  SUPPORT = 'SUPPORT',
  OPPOSE = 'OPPOSE',
}

/** A delegation's support of or opposition to an amendment: one row per delegation, so never both. */
@Entity({ tableName: 'amendment_position' })
export class AmendmentPosition {
  [PrimaryKeyProp]?: ['amendment', 'participant'];
  [OptionalProps]?: 'at';

  @ManyToOne({ entity: () => Amendment, ref: true, primary: true, deleteRule: 'cascade' })
  amendment!: Ref<Amendment>;

  @ManyToOne({ entity: () => Participant, ref: true, primary: true })
  participant!: Ref<Participant>;

  @Enum({ items: () => Stance, type: 'text' })
  stance!: Stance;

  @Property({ type: 'datetime' })
  at: Date = new Date();
}
