/**
 * The client's address, for the rate limits of anonymous callers and for
 * the logs.
 *
 * Behind a reverse proxy (nginx in deploy/) every connection comes from the
 * proxy, so every anonymous caller would share one bucket and every log line
 * would name the proxy. `X-Forwarded-For` names the client, but anyone can
 * send it: it is believed only from the proxies an operator lists in
 * DRAFTROOM_TRUSTED_PROXIES (addresses, CIDRs, or the names `loopback`,
 * `linklocal`, `uniquelocal`; none by default), hop by hop from the right,
 * as Express's `trust proxy` does. It is the same rule, compiled once by the
 * same package (proxy-addr), for Express (`req.ip`) and for the WebSocket
 * upgrade request, so a caller has one address over both transports.
 */
import type { IncomingHttpHeaders } from 'node:http';
import proxyaddr from 'proxy-addr';

/** Whether the peer at `address`, `hop` hops from this server, is a trusted proxy. */
export type TrustProxy = (address: string, hop: number) => boolean;

/** What is read of a request: its headers and the peer's address. */
export interface AddressedRequest {
  headers: IncomingHttpHeaders;
  socket: { remoteAddress?: string };
}

const TRUST_NONE: TrustProxy = () => false;

/** The trust rule of the configured list; throws TypeError naming a malformed entry. */
export function trustProxies(trusted: readonly string[]): TrustProxy {
  return trusted.length === 0 ? TRUST_NONE : proxyaddr.compile([...trusted]);
}

/**
 * The client's address: the peer's, unless the peer is a trusted proxy, in
 * which case the address it forwarded (and so on, while each hop is trusted).
 */
export function clientAddress(request: AddressedRequest, trust: TrustProxy): string | undefined {
  if (request.socket.remoteAddress === undefined) return undefined; // a socket already destroyed
  return proxyaddr(request, trust);
}
