/**
 * Rows written straight into a test database, and commands run on them
 * without a server: a rule can be tested in the state it is about (an
 * AGREED paragraph, a declaration under silence or past its deadline, a
 * decided amendment) without driving the API there first.
 *
 *     const db = await openCommandDatabase();
 *     const declaration = await db.rows.declaration({ status: DeclarationStatus.SILENCE_PROCEDURE });
 *     const mexico = await db.rows.participant(declaration, Role.DELEGATION, { delegation: 'Mexico' });
 *     await db.run(mexico.viewer, (c) => breakSilence(c, declaration.id, 'Not yet.'));
 *
 * The database is real (a database of its own on the test cluster, migrated
 * as the server migrates it), and so are the command's transaction, lock and
 * the parts of the server it is given (document hub, change feed, live
 * connections).
 */
import { randomBytes } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Viewer } from '../../server/src/auth/policy.js';
import { LiveConnections } from '../../server/src/auth/liveConnections.js';
import { hashToken } from '../../server/src/auth/tokens.js';
import { DocumentHub } from '../../server/src/collab/documentHub.js';
import { DEFAULT_LIMITS, type Limits } from '../../server/src/config.js';
import { openDatabase } from '../../server/src/db/orm.js';
import {
  Amendment,
  AmendmentStatus,
  ChangeEvent,
  ChangeKind,
  Comment,
  Declaration,
  DeclarationStatus,
  Paragraph,
  ParagraphStatus,
  Participant,
  Role,
  Section,
} from '../../server/src/db/entities/index.js';
import type { Command } from '../../server/src/drafting/command.js';
import { runCommand, type CommandRunner } from '../../server/src/drafting/runCommand.js';
import { ChangeFeed } from '../../server/src/feed/changeFeed.js';
import { createLogger } from '../../server/src/logger.js';
import { expect } from 'vitest';
import { createTestDatabase, dropTestDatabase } from './testServer.js';

export interface CommandDatabase {
  orm: MikroORM;
  services: CommandRunner;
  rows: Rows;
  /** Runs `body` as `viewer`, in a transaction of its own, as a resolver would. */
  run<T>(viewer: Viewer, body: (command: Command) => Promise<T>): Promise<T>;
  /** A fresh entity manager, to read what a command left (nothing cached from before). */
  em(): EntityManager;
  close(): Promise<void>;
}

export async function openCommandDatabase(limits: Limits = DEFAULT_LIMITS): Promise<CommandDatabase> {
  const databaseUrl = await createTestDatabase();
  const orm = await openDatabase({ databaseUrl });
  const services: CommandRunner = {
    limits,
    hub: new DocumentHub(orm),
    feed: new ChangeFeed(orm),
    connections: new LiveConnections(limits.connectionsPerToken),
    log: createLogger('silent'),
  };
  return {
    orm,
    services,
    rows: new Rows(orm),
    run: (viewer, body) => runCommand(orm.em, services, viewer, body),
    em: () => orm.em.fork(),
    async close() {
      await orm.close();
      await dropTestDatabase(databaseUrl);
    },
  };
}

/** A participant row and the viewer a request with its token would have. */
export interface ParticipantRow {
  participant: Participant;
  viewer: Viewer;
}

/** Each method writes one row (and flushes it), with defaults for what the test does not care about. */
export class Rows {
  constructor(private readonly orm: MikroORM) {}

  private async insert<T extends object>(entity: T): Promise<T> {
    const em = this.orm.em.fork();
    em.persist(entity);
    await em.flush();
    return entity;
  }

  declaration(props: { status?: DeclarationStatus; silenceDeadline?: Date | null; title?: string } = {}): Promise<Declaration> {
    return this.insert(Object.assign(new Declaration(), { title: 'Progress Declaration', ...props }));
  }

  async participant(declaration: Declaration, role: Role, props: { name?: string; delegation?: string | null } = {}): Promise<ParticipantRow> {
    const em = this.orm.em.fork();
    const participant = em.create(Participant, {
      declaration: role === Role.SECRETARIAT ? null : declaration.id,
      name: props.name ?? `${role} ${randomBytes(3).toString('hex')}`,
      role,
      delegation: props.delegation ?? null,
      tokenHash: hashToken(randomBytes(16).toString('hex')),
    });
    await em.flush();
    const viewer: Viewer = {
      id: participant.id,
      name: participant.name,
      role,
      delegation: participant.delegation,
      declarationId: role === Role.SECRETARIAT ? null : declaration.id,
    };
    return { participant, viewer };
  }

  async section(declaration: Declaration, position = 1): Promise<Section> {
    const em = this.orm.em.fork();
    const section = em.create(Section, { declaration: declaration.id, title: 'Commitments', position });
    await em.flush();
    return section;
  }

  /** A paragraph row (its text is not in the Yjs document: for commands that leave the text alone). */
  async paragraph(section: Section, props: { status?: ParagraphStatus; position?: number } = {}): Promise<Paragraph> {
    const em = this.orm.em.fork();
    const paragraph = em.create(Paragraph, {
      declaration: section.declaration.id,
      section: section.id,
      position: props.position ?? 1,
      status: props.status ?? ParagraphStatus.OPEN,
    });
    await em.flush();
    return paragraph;
  }

  async comment(paragraph: Paragraph, author: ParticipantRow, body = 'A view.'): Promise<Comment> {
    const em = this.orm.em.fork();
    const comment = em.create(Comment, { declaration: paragraph.declaration.id, paragraph: paragraph.id, author: author.participant.id, body });
    await em.flush();
    return comment;
  }

  async amendment(paragraph: Paragraph, proposer: ParticipantRow, props: { status?: AmendmentStatus } = {}): Promise<Amendment> {
    const em = this.orm.em.fork();
    const amendment = em.create(Amendment, {
      declaration: paragraph.declaration.id,
      paragraph: paragraph.id,
      proposer: proposer.participant.id,
      text: 'We resolve to cooperate.',
      status: props.status ?? AmendmentStatus.PENDING,
    });
    await em.flush();
    return amendment;
  }

  /**
   * A change event, numbered after the declaration's last (and the
   * declaration's counter moved on), as if a command had recorded it.
   */
  async changeEvent(declaration: Declaration, kind: ChangeKind, actor: ParticipantRow | null, summary = String(kind)): Promise<ChangeEvent> {
    const em = this.orm.em.fork();
    const row = await em.findOneOrFail(Declaration, { id: declaration.id });
    row.lastEventSeq += 1;
    const event = em.create(ChangeEvent, { declaration: row.id, seq: row.lastEventSeq, kind, actor: actor?.participant.id ?? null, summary });
    await em.flush();
    return event;
  }
}

/** The refusal's code and message: the command must have thrown. */
export async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e as { code: string; message: string },
  );
  expect(error, 'the command should have been refused').not.toBeNull();
  return { code: error!.code, message: error!.message };
}
