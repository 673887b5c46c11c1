import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { DeclarationStatus } from './enums.js';

/**
 * A text under negotiation. Its row is also the declaration's lock: every
 * write to the declaration (structure, comments, Yjs updates) first takes
 * `SELECT ... FOR UPDATE` on it, which is what keeps `lastEventSeq` and
 * `lastDocSeq` gapless across concurrent requests and server instances.
 */
@Entity({ tableName: 'declaration' })
export class Declaration {
  [OptionalProps]?: 'forum' | 'status' | 'silenceDeadline' | 'lastEventSeq' | 'lastDocSeq' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text' })
  title!: string;

  @Property({ type: 'text', nullable: true })
  forum: string | null = null;

  @Enum({ items: () => DeclarationStatus, type: 'text' })
  status: DeclarationStatus = DeclarationStatus.DRAFTING;

  @Property({ type: 'datetime', nullable: true })
  silenceDeadline: Date | null = null;

  /** Seq of the last ChangeEvent written; the next one is this + 1. */
  @Property({ type: 'integer' })
  lastEventSeq: number = 0;

  /** Seq of the last Yjs update committed; the next one is this + 1. */
  @Property({ type: 'integer' })
  lastDocSeq: number = 0;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();
}
