import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, PrimaryKeyProp, Property, type Ref } from '@mikro-orm/core';
import { Amendment } from './Amendment.js';
import { Participant } from './Participant.js';

export enum Stance {
  SUPPORT = 'SUPPORT',
  OPPOSE = 'OPPOSE',
}

/**
 * A delegation's support of or opposition to an amendment. Delegation, not
 * delegate: the key is the delegation (the participant's `delegation`, or
 * its name when it names none: see `speakerName`), so two delegates of
 * Mexico hold one position for Mexico, never both stances nor two votes.
 * `participant` is the delegate who last stated it.
 */
@Entity({ tableName: 'amendment_position' })
export class AmendmentPosition {
  [PrimaryKeyProp]?: ['amendment', 'delegation'];
  [OptionalProps]?: 'at';

  @ManyToOne({ entity: () => Amendment, ref: true, primary: true, deleteRule: 'cascade' })
  amendment!: Ref<Amendment>;

  @PrimaryKey({ type: 'text' })
  delegation!: string;

  @ManyToOne({ entity: () => Participant, ref: true })
  participant!: Ref<Participant>;

  @Enum({ items: () => Stance, type: 'text' })
  stance!: Stance;

  @Property({ type: 'datetime' })
  at: Date = new Date();
}
