/** The long-lived parts of a running server that commands and resolvers use. */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { DocumentHub } from './collab/documentHub.js';
import type { Limits } from './config.js';
import type { ChangeFeed } from './feed/changeFeed.js';
import type { Logger } from './logger.js';

export interface Services {
  orm: MikroORM;
  hub: DocumentHub;
  feed: ChangeFeed;
  limits: Limits;
  log: Logger;
}
