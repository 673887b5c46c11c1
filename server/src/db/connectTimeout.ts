/**
 * Longest wait for a new connection to PostgreSQL (ms), for every client we
 * open: the ORM's pool (orm.ts), the start-up lock (startupLock.ts) and the
 * LISTEN connection (collab/instanceNews.ts). A file of its own so that none
 * of them imports another for it.
 */
export const CONNECT_TIMEOUT_MS = 5_000;
