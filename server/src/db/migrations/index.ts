/**
 * The committed migrations, in order. They are listed here (not discovered
 * from the file system) so that they run the same under tsx, vitest and any
 * bundle. Add a new one at the end; never edit one that has shipped.
 */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123Collab } from './Migration20261123Collab.js';
import { Migration20261123Initial } from './Migration20261123Initial.js';
import { Migration20261123Negotiation } from './Migration20261123Negotiation.js';
import { Migration20261123Revocation } from './Migration20261123Revocation.js';
import { Migration20261124DelegationPositions } from './Migration20261124DelegationPositions.js';

export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261123Initial', class: Migration20261123Initial },
  { name: 'Migration20261123Collab', class: Migration20261123Collab },
  { name: 'Migration20261123Negotiation', class: Migration20261123Negotiation },
  { name: 'Migration20261123Revocation', class: Migration20261123Revocation },
  { name: 'Migration20261124DelegationPositions', class: Migration20261124DelegationPositions },
];
