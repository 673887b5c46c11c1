/**
 * A TCP proxy on 127.0.0.1 in front of one or more upstream ports: the
 * network between a client and the server, made breakable.
 *
 *   - every accepted connection is piped to the next upstream, round robin
 *     (one upstream: a plain relay; several: a small load balancer, as nginx
 *     in front of two instances); an upstream that refuses the connection (a
 *     stopped instance) is skipped for the one after it, as nginx passes a
 *     request on to the next server; when every upstream refuses, the client's
 *     connection is destroyed;
 *   - `cut()` destroys every open connection at once, both ways, as a cable
 *     pulled out would, and refuses new ones until `restore()`: a refused
 *     connection is accepted and destroyed at once (ECONNRESET on the client),
 *     not left hanging;
 *   - `servedBy` counts the connections each upstream took (refused attempts
 *     do not count).
 *
 *     const proxy = await TcpProxy.start([server.app.port]);
 *     const url = proxy.url('/graphql');   // give this to the client
 *     proxy.cut(); ...; proxy.restore();
 *     await proxy.close();
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export class TcpProxy {
  /** Connections each upstream port took since the start. */
  readonly servedBy = new Map<number, number>();
  private readonly open = new Set<net.Socket>();
  private next = 0;
  private refusing = false;

  private constructor(
    private readonly server: net.Server,
    readonly upstreams: number[],
  ) {}

  /** Listens on a free port of 127.0.0.1, relaying to `upstreams` (ports on 127.0.0.1). */
  static async start(upstreams: number[]): Promise<TcpProxy> {
    if (upstreams.length === 0) throw new Error('TcpProxy needs at least one upstream port, got none');
    const server = net.createServer();
    const proxy = new TcpProxy(server, upstreams);
    server.on('connection', (client) => proxy.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `http://127.0.0.1:<port><path>` */
  url(path = '/graphql'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Connections open through the proxy right now (each client-side socket counts once). */
  get connections(): number {
    return this.open.size;
  }

  /** Breaks every open connection and refuses new ones until `restore()`. */
  cut(): void {
    this.refusing = true;
    for (const socket of this.open) socket.destroy();
    this.open.clear();
  }

  /** Accepts and relays connections again. */
  restore(): void {
    this.refusing = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const first = this.next++;
    let upstream: net.Socket | null = null;
    // Both sides are tracked under the client socket: destroying one destroys the other.
    this.open.add(client);
    const end = () => {
      this.open.delete(client);
      client.destroy();
      upstream?.destroy();
    };
    client.on('error', end).on('close', end);
    // Until an upstream has connected, the client's bytes wait in its socket (nothing reads them).
    const attempt = (tried: number) => {
      if (client.destroyed) return;
      if (tried === this.upstreams.length) return end();
      const port = this.upstreams[(first + tried) % this.upstreams.length]!;
      const candidate = net.connect(port, '127.0.0.1');
      let connected = false;
      upstream = candidate;
      candidate.on('error', () => {
        if (connected) return end();
        candidate.destroy();
        attempt(tried + 1);
      });
      candidate.on('close', () => connected && end());
      candidate.once('connect', () => {
        connected = true;
        this.servedBy.set(port, (this.servedBy.get(port) ?? 0) + 1);
        client.pipe(candidate);
        candidate.pipe(client);
      });
    };
    attempt(0);
  }
}
