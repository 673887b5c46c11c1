import { Migration } from '@mikro-orm/migrations';

/**
 * Delegation, not delegate: an amendment position belongs to a delegation
 * (the participant's delegation, or its name when it names none), so the
 * key of `amendment_position` becomes (amendment, delegation), and
 * `participant_id` the delegate who last stated it.
 *
 * Rows written before may break the new rule, and are settled the way the
 * rule settles them now: of two delegates' positions for one delegation on
 * one amendment, the later stands (as when one delegate changes sides); a
 * position of the proposing delegation itself on its own amendment (a
 * second delegate of Mexico supporting Mexico's amendment) goes. The change
 * log keeps what was said at the time.
 */
export class Migration20261124DelegationPositions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "amendment_position" add column "delegation" text null;`);
    this.addSql(`update "amendment_position" as ap set "delegation" = coalesce(p."delegation", p."name") from "participant" as p where p."id" = ap."participant_id";`);
    this.addSql(`delete from "amendment_position" as ap using "amendment_position" as later
      where later."amendment_id" = ap."amendment_id" and later."delegation" = ap."delegation"
        and (later."at", later."participant_id") > (ap."at", ap."participant_id");`);
    this.addSql(`delete from "amendment_position" as ap using "amendment" as a, "participant" as proposer
      where a."id" = ap."amendment_id" and proposer."id" = a."proposer_id"
        and coalesce(proposer."delegation", proposer."name") = ap."delegation";`);
    this.addSql(`alter table "amendment_position" alter column "delegation" set not null;`);
    this.addSql(`alter table "amendment_position" drop constraint "amendment_position_pkey";`);
    this.addSql(`alter table "amendment_position" add constraint "amendment_position_pkey" primary key ("amendment_id", "delegation");`);
  }
}
