import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Declaration } from './Declaration.js';
import { Role } from './enums.js';

/**
 * Someone holding a token. A SECRETARIAT participant is global; every other
 * role belongs to exactly one declaration and sees nothing of any other.
 * Only a SHA-256 hash of the token is stored. A revoked participant keeps
 * its row (the history names it) and `revokedAt`; its token works no more.
 */
@Entity({ tableName: 'participant' })
export class Participant {
  [OptionalProps]?: 'declaration' | 'delegation' | 'createdAt' | 'revokedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Declaration, ref: true, nullable: true, deleteRule: 'cascade' })
  @Index()
  declaration: Ref<Declaration> | null = null;

  @Property({ type: 'text' })
  name!: string;

  @Enum({ items: () => Role, type: 'text' })
  role!: Role;

  @Property({ type: 'text', nullable: true })
  delegation: string | null = null;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  /** When the secretariat revoked the token; null while it works. */
  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;
}
