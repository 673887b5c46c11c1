/** The part of proxy-addr (Express's `trust proxy`, installed with Express) that limits/clientAddress.ts uses. */
declare module 'proxy-addr' {
  import type { IncomingMessage } from 'node:http';

  type Trust = (address: string, hop: number) => boolean;
  type Request = Pick<IncomingMessage, 'headers'> & { socket: { remoteAddress?: string } };

  function proxyaddr(request: Request, trust: Trust): string;
  namespace proxyaddr {
    /** Compiles addresses, CIDRs and the names loopback, linklocal, uniquelocal; throws TypeError on a malformed one. */
    function compile(trusted: string | string[]): Trust;
  }
  export default proxyaddr;
}
