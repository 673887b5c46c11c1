import { Migration } from '@mikro-orm/migrations';

/**
 * Live co-editing: which document update last changed a paragraph's text
 * (`text_doc_seq`), and up to which one the change feed has told about it
 * (`feed_doc_seq`). A paragraph with text_doc_seq > feed_doc_seq owes the
 * feed a PARAGRAPH_EDITED event; keeping that debt in the row (not only in a
 * timer) means a crash between the edit and the event cannot lose the event.
 */
export class Migration20261123Collab extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "paragraph" add column "text_doc_seq" int not null default 0, add column "feed_doc_seq" int not null default 0;`);
  }
}
