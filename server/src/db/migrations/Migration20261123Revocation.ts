import { Migration } from '@mikro-orm/migrations';

/**
 * Revocation: a participant's token can be revoked (`revoked_at`), which is
 * recorded in the feed as PARTICIPANT_REVOKED.
 */
export class Migration20261123Revocation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "participant" add column "revoked_at" timestamptz null;`);
    this.addSql(`alter table "change_event" drop constraint if exists "change_event_kind_check";`);
    this.addSql(`alter table "change_event" add constraint "change_event_kind_check" check("kind" in ('SECTION_ADDED', 'PARAGRAPH_ADDED', 'PARAGRAPH_EDITED', 'PARAGRAPH_MOVED', 'PARAGRAPH_STATUS_CHANGED', 'COMMENT_ADDED', 'COMMENT_RESOLVED', 'COMMENT_REOPENED', 'AMENDMENT_PROPOSED', 'AMENDMENT_SUPPORTED', 'AMENDMENT_OPPOSED', 'AMENDMENT_WITHDRAWN', 'AMENDMENT_ACCEPTED', 'AMENDMENT_REJECTED', 'REVISION_PUBLISHED', 'SILENCE_STARTED', 'SILENCE_BROKEN', 'DECLARATION_ADOPTED', 'EXPLANATION_ADDED', 'PARTICIPANT_INVITED', 'PARAGRAPH_OBJECTIVES_CHANGED', 'COMMENT_EDITED', 'PARTICIPANT_REVOKED'));`);
  }
}
