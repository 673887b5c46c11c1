import { Entity, OptionalProps, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

/**
 * The Yjs update log: one row per committed update, `seq` per declaration
 * (from `Declaration.lastDocSeq`). Rows at or below the declaration's
 * snapshot seq are folded into `DocSnapshot` and deleted by compaction.
 * The hot path reads and writes this table with plain SQL (see collab/).
 */
@Entity({ tableName: 'doc_update' })
export class DocUpdate {
  [OptionalProps]?: 'origin' | 'actorId' | 'createdAt';

  [PrimaryKeyProp]?: ['declarationId', 'seq'];

  @PrimaryKey({ type: 'uuid' })
  declarationId!: string;

  @PrimaryKey({ type: 'integer' })
  seq!: number;

  @Property({ type: 'blob' })
  update!: Buffer;

  @Property({ type: 'text', nullable: true })
  origin: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  actorId: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
