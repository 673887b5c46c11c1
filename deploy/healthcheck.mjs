/**
 * The container's health probe: `node healthcheck.mjs [path]` asks the
 * draftroom instance in the same container for `GET http://127.0.0.1:$PORT<path>`
 * (default `/healthz`, liveness; compose asks `/readyz`, database reachable)
 * and exits 0 on a 2xx answer, 1 on anything else or no answer within 3 s.
 *
 * A script rather than curl or wget: the runtime image has Node and nothing
 * else to count on, and Node (24 in the image) has fetch. It prints why it failed, which is
 * what `docker inspect` shows under State.Health.
 */
const path = process.argv[2] ?? '/healthz';
const url = `http://127.0.0.1:${process.env.PORT || '4000'}${path}`;

try {
  const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  if (!response.ok) {
    console.error(`${url} answered ${response.status}, expected 2xx`);
    process.exit(1);
  }
  process.exit(0);
} catch (error) {
  console.error(`${url} did not answer: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
