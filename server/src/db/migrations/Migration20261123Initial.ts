import { Migration } from '@mikro-orm/migrations';

/**
 * The foundation: declarations, participants, sections, paragraphs,
 * comments, the change feed and the Yjs update log with its snapshots.
 */
export class Migration20261123Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "declaration" ("id" uuid not null, "title" text not null, "forum" text null, "status" text check ("status" in ('DRAFTING', 'SILENCE_PROCEDURE', 'ADOPTED')) not null default 'DRAFTING', "silence_deadline" timestamptz null, "last_event_seq" int not null default 0, "last_doc_seq" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "declaration_pkey" primary key ("id"));`);
    this.addSql(`create table "doc_snapshot" ("declaration_id" uuid not null, "seq" int not null, "state" bytea not null, "updated_at" timestamptz not null, constraint "doc_snapshot_pkey" primary key ("declaration_id"));`);
    this.addSql(`create table "doc_update" ("declaration_id" uuid not null, "seq" int not null, "update" bytea not null, "origin" text null, "actor_id" uuid null, "created_at" timestamptz not null, constraint "doc_update_pkey" primary key ("declaration_id", "seq"));`);
    this.addSql(`create table "participant" ("id" uuid not null, "declaration_id" uuid null, "name" text not null, "role" text check ("role" in ('SECRETARIAT', 'CO_FACILITATOR', 'DELEGATION', 'STAKEHOLDER', 'OBSERVER')) not null, "delegation" text null, "token_hash" text not null, "created_at" timestamptz not null, constraint "participant_pkey" primary key ("id"));`);
    this.addSql(`create index "participant_declaration_id_index" on "participant" ("declaration_id");`);
    this.addSql(`alter table "participant" add constraint "participant_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create table "change_event" ("id" uuid not null, "declaration_id" uuid not null, "seq" int not null, "kind" text check ("kind" in ('SECTION_ADDED', 'PARAGRAPH_ADDED', 'PARAGRAPH_EDITED', 'PARAGRAPH_MOVED', 'PARAGRAPH_STATUS_CHANGED', 'COMMENT_ADDED', 'COMMENT_RESOLVED', 'COMMENT_REOPENED', 'AMENDMENT_PROPOSED', 'AMENDMENT_SUPPORTED', 'AMENDMENT_OPPOSED', 'AMENDMENT_WITHDRAWN', 'AMENDMENT_ACCEPTED', 'AMENDMENT_REJECTED', 'REVISION_PUBLISHED', 'SILENCE_STARTED', 'SILENCE_BROKEN', 'DECLARATION_ADOPTED', 'EXPLANATION_ADDED', 'PARTICIPANT_INVITED', 'PARAGRAPH_OBJECTIVES_CHANGED', 'COMMENT_EDITED')) not null, "actor_id" uuid null, "paragraph_id" uuid null, "comment_id" uuid null, "amendment_id" uuid null, "revision_id" uuid null, "text" text null, "summary" text not null, "at" timestamptz not null, constraint "change_event_pkey" primary key ("id"));`);
    this.addSql(`alter table "change_event" add constraint "change_event_declaration_id_seq_unique" unique ("declaration_id", "seq");`);
    this.addSql(`create table "section" ("id" uuid not null, "declaration_id" uuid not null, "title" text not null, "position" int not null, "created_at" timestamptz not null, constraint "section_pkey" primary key ("id"));`);
    this.addSql(`create index "section_declaration_id_index" on "section" ("declaration_id");`);
    this.addSql(`create table "paragraph" ("id" uuid not null, "declaration_id" uuid not null, "section_id" uuid not null, "position" int not null, "fixed_label" text null, "status" text check ("status" in ('OPEN', 'AGREED_AD_REF', 'AGREED', 'DELETED')) not null default 'OPEN', "objectives" jsonb not null, "text" text not null default '', "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "paragraph_pkey" primary key ("id"));`);
    this.addSql(`create index "paragraph_declaration_id_index" on "paragraph" ("declaration_id");`);
    this.addSql(`create index "paragraph_section_id_position_index" on "paragraph" ("section_id", "position");`);
    this.addSql(`create table "comment" ("id" uuid not null, "declaration_id" uuid not null, "paragraph_id" uuid not null, "author_id" uuid not null, "reply_to_id" uuid null, "body" text not null, "anchor_start" bytea null, "anchor_end" bytea null, "anchor_quote" text null, "resolved" boolean not null default false, "created_at" timestamptz not null, "edited_at" timestamptz null, constraint "comment_pkey" primary key ("id"));`);
    this.addSql(`create index "comment_declaration_id_index" on "comment" ("declaration_id");`);
    this.addSql(`create index "comment_paragraph_id_index" on "comment" ("paragraph_id");`);
    this.addSql(`create index "comment_reply_to_id_index" on "comment" ("reply_to_id");`);
    this.addSql(`alter table "participant" add constraint "participant_declaration_id_foreign" foreign key ("declaration_id") references "declaration" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "change_event" add constraint "change_event_declaration_id_foreign" foreign key ("declaration_id") references "declaration" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "change_event" add constraint "change_event_actor_id_foreign" foreign key ("actor_id") references "participant" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "section" add constraint "section_declaration_id_foreign" foreign key ("declaration_id") references "declaration" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "paragraph" add constraint "paragraph_declaration_id_foreign" foreign key ("declaration_id") references "declaration" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "paragraph" add constraint "paragraph_section_id_foreign" foreign key ("section_id") references "section" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "comment" add constraint "comment_declaration_id_foreign" foreign key ("declaration_id") references "declaration" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "comment" add constraint "comment_paragraph_id_foreign" foreign key ("paragraph_id") references "paragraph" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "comment" add constraint "comment_author_id_foreign" foreign key ("author_id") references "participant" ("id") on update cascade;`);
    this.addSql(`alter table "comment" add constraint "comment_reply_to_id_foreign" foreign key ("reply_to_id") references "comment" ("id") on update cascade on delete cascade;`);
  }
}
