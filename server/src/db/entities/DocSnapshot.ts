import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** The compacted Yjs state of a declaration: every update up to and including `seq`. */
@Entity({ tableName: 'doc_snapshot' })
export class DocSnapshot {
  [OptionalProps]?: 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  declarationId!: string;

  @Property({ type: 'integer' })
  seq!: number;

  @Property({ type: 'blob' })
  state!: Buffer;

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();
}
