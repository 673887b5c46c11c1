import { Migration } from '@mikro-orm/migrations';

/**
 * The negotiation: published revisions (stored whole), amendments with the
 * delegations supporting or opposing them, explanations of position.
 */
export class Migration20261123Negotiation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "explanation_of_position" ("id" uuid not null, "declaration_id" uuid not null, "author_id" uuid not null, "delegation" text not null, "text" text not null, "created_at" timestamptz not null, constraint "explanation_of_position_pkey" primary key ("id"));`);
    this.addSql(`create index "explanation_of_position_declaration_id_index" on "explanation_of_position" ("declaration_id");`);
    this.addSql(`create table "revision" ("id" uuid not null, "declaration_id" uuid not null, "sequence" int not null, "name" text not null, "published_at" timestamptz not null, "published_by_id" uuid null, "paragraphs" jsonb not null, constraint "revision_pkey" primary key ("id"));`);
    this.addSql(`alter table "revision" add constraint "revision_declaration_id_sequence_unique" unique ("declaration_id", "sequence");`);
    this.addSql(`create table "amendment" ("id" uuid not null, "declaration_id" uuid not null, "paragraph_id" uuid not null, "proposer_id" uuid not null, "anchor_start" bytea null, "anchor_end" bytea null, "anchor_quote" text null, "text" text not null, "rationale" text null, "status" text check ("status" in ('PENDING', 'ACCEPTED', 'REJECTED', 'WITHDRAWN')) not null default 'PENDING', "decision_reason" text null, "created_at" timestamptz not null, "decided_at" timestamptz null, "decided_by_id" uuid null, constraint "amendment_pkey" primary key ("id"));`);
    this.addSql(`create index "amendment_declaration_id_index" on "amendment" ("declaration_id");`);
    this.addSql(`create index "amendment_paragraph_id_index" on "amendment" ("paragraph_id");`);
    this.addSql(`create table "amendment_position" ("amendment_id" uuid not null, "participant_id" uuid not null, "stance" text check ("stance" in ('SUPPORT', 'OPPOSE')) not null, "at" timestamptz not null, constraint "amendment_position_pkey" primary key ("amendment_id", "participant_id"));`);
    this.addSql(`alter table "explanation_of_position" add constraint "explanation_of_position_declaration_id_foreign" foreign key ("declaration_id") references "declaration" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "explanation_of_position" add constraint "explanation_of_position_author_id_foreign" foreign key ("author_id") references "participant" ("id") on update cascade;`);
    this.addSql(`alter table "revision" add constraint "revision_declaration_id_foreign" foreign key ("declaration_id") references "declaration" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "revision" add constraint "revision_published_by_id_foreign" foreign key ("published_by_id") references "participant" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "amendment" add constraint "amendment_declaration_id_foreign" foreign key ("declaration_id") references "declaration" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "amendment" add constraint "amendment_paragraph_id_foreign" foreign key ("paragraph_id") references "paragraph" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "amendment" add constraint "amendment_proposer_id_foreign" foreign key ("proposer_id") references "participant" ("id") on update cascade;`);
    this.addSql(`alter table "amendment" add constraint "amendment_decided_by_id_foreign" foreign key ("decided_by_id") references "participant" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "amendment_position" add constraint "amendment_position_amendment_id_foreign" foreign key ("amendment_id") references "amendment" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "amendment_position" add constraint "amendment_position_participant_id_foreign" foreign key ("participant_id") references "participant" ("id") on update cascade;`);
  }
}
