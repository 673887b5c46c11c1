/**
 * The HTTP and WebSocket server, on one port:
 *
 *   POST/GET /graphql                   GraphQL over HTTP (Apollo Server 5 on Express 5);
 *                                       a browser's visit: explorerRoute.ts
 *   WS       /graphql                   graphql-ws protocol: subscriptions and any operation
 *   GET      /declarations/:id/export.* downloads (exportRoutes.ts)
 *   GET      /, /declarations/:id       the drafting room's page (web/staticRoutes.ts)
 *   GET      /healthz                   liveness
 *   GET      /readyz, /metrics          readiness and Prometheus (observability/routes.ts)
 *
 * Authentication: `Authorization: Bearer <token>` over HTTP; over WebSocket
 * the connection_init payload `{ "authorization": "Bearer <token>" }`. A
 * missing or unknown token is not refused at the door: the operation fails
 * with UNAUTHENTICATED, the same way over both transports.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { NoSchemaIntrospectionCustomRule, specifiedRules } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { corsMiddleware } from './auth/cors.js';
import { bearerToken } from './auth/tokens.js';
import type { Viewer } from './auth/policy.js';
import { createContext, viewerForToken, type Context } from './graphql/context.js';
import { DocumentCache } from './graphql/documentCache.js';
import { formatError } from './graphql/errorMapping.js';
import { queryLimitsRule } from './graphql/guards.js';
import { sharedSubscribe } from './graphql/sharedExecution.js';
import { draftroomSchema } from './graphql/schema.js';
import { mountExplorerRoute } from './explorerRoute.js';
import { mountExportRoutes } from './exportRoutes.js';
import { closeWhenUnavailable, unavailableAtTheDoor } from './runtime/refusals.js';
import { toleratingClosedWrites } from './observability/closedConnections.js';
import { mountOperationalRoutes } from './observability/routes.js';
import { requestLog } from './observability/requestLog.js';
import { watchedWsExecution } from './observability/wsOperations.js';
import { trustProxies } from './limits/clientAddress.js';
import { admitHttpRequest } from './limits/httpGuard.js';
import { RateLimits } from './limits/rateLimits.js';
import { SocketGuard } from './limits/socketGuard.js';
import type { Services } from './services.js';
import { mountWebRoutes } from './web/staticRoutes.js';

export interface HttpServerOptions {
  port: number;
  host: string;
  introspection: boolean;
  exposeErrorDetails: boolean;
  /** Origins answered with CORS headers (`*`: any); empty: none (see auth/cors.ts). */
  corsOrigins?: string[];
  /** Proxies whose X-Forwarded-For is believed (see limits/clientAddress.ts); none by default. */
  trustedProxies?: string[];
  /** A browser at /graphql gets the self-contained explorer (explorerRoute.ts); off: a line of text. */
  explorer?: boolean;
  /** WebSocket keepalive (ms): ping interval and pong timeout; default KEEPALIVE_MS. */
  keepAliveMs?: number;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

type SocketExtra = Record<PropertyKey, unknown> & {
  viewer?: Viewer | null;
  connectionId?: string;
};

/** Between two pings of a WebSocket, and the longest wait for its pong (deploy/nginx.conf's read timeout allows for it). */
const KEEPALIVE_MS = 30_000;

export async function startHttpServer(services: Services, options: HttpServerOptions): Promise<RunningHttpServer> {
  const schema = await draftroomSchema();
  const { limits, log } = services;
  // With introspection off, `__schema`/`__type` are refused over WebSocket as over HTTP (BAD_USER_INPUT).
  const validationRules = [queryLimitsRule(limits), ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  const documents = new DocumentCache(schema, [...specifiedRules, ...validationRules]);
  const app = express();
  app.disable('x-powered-by');
  // One rule for the client's address, `req.ip` over HTTP and the upgrade request over WebSocket.
  const trust = trustProxies(options.trustedProxies ?? []);
  app.set('trust proxy', trust);
  // Request id, request log, and the 503 of a draining instance, before anything else (see observability/, runtime/).
  app.use(requestLog(log, services.metrics), services.serving.gate);
  // Express's own error pages show stack traces unless its env is production.
  app.set('env', options.exposeErrorDetails ? 'development' : 'production');
  app.use(corsMiddleware(options.corsOrigins ?? []));
  // Requests per caller (HTTP and WebSocket share the buckets), connections
  // per caller, subscriptions per connection: see limits/.
  const rates = new RateLimits(limits);
  const guard = new SocketGuard(limits, rates, services.connections, trust);
  const httpServer = http.createServer(app);

  // Sockets whose connection goes away mid-write are closed connections, not errors (observability/closedConnections.ts).
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: limits.bodyBytes, WebSocket: toleratingClosedWrites(log) });
  services.serving.attach(httpServer, wsServer);
  const formatting = {
    log,
    exposeDetails: options.exposeErrorDetails,
    // "Did you mean ...?" names parts of the schema: only where the schema is
    // public (introspection on) and errors are detailed (not production).
    schemaHints: options.introspection && options.exposeErrorDetails,
    onRejected: (code: string) => services.metrics.reject(code),
  };
  const wsCleanup = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema,
      // Parse and validate here rather than in graphql-ws: a syntax error must
      // come back as an error message (BAD_USER_INPUT), not close the socket.
      onSubscribe(ctx, id, payload) {
        const tooFast = guard.refuseOperation(ctx);
        if (tooFast) return tooFast;
        const checked = documents.check(payload.query);
        if ('errors' in checked) return checked.errors;
        const tooMany = guard.refuseSubscription(ctx, id, checked.document, payload.operationName);
        if (tooMany) return tooMany;
        return { schema, document: checked.document, operationName: payload.operationName, variableValues: payload.variables };
      },
      async onConnect(ctx) {
        const token = bearerToken(ctx.connectionParams?.authorization);
        ctx.extra.viewer = await viewerForToken(services.orm.em.fork(), token).catch((error) => closeWhenUnavailable(ctx.extra.socket, error));
        ctx.extra.connectionId = randomUUID();
        return guard.admit(ctx.extra, token, ctx.extra.viewer);
      },
      ...watchedWsExecution(services, sharedSubscribe),
      onClose(ctx) {
        guard.closed(ctx.extra);
        if (ctx.extra.connectionId) services.presence.connectionClosed(ctx.extra.connectionId);
      },
      context: (ctx) =>
        createContext(services, ctx.extra.viewer ?? null, randomUUID(), ctx.extra.connectionId ?? null, rates.caller(guard.keyOf(ctx.extra))),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e, formatting)),
      onNext(_ctx, _id, _payload, _args, result) {
        if (!result.errors) return;
        return { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e, formatting)) };
      },
    },
    wsServer,
    // The one keepalive: graphql-ws pings every socket this often and
    // terminates one whose pong has not come back as long after (a laptop
    // lid closed, a proxy that dropped it), so its presence is released and
    // its subscriptions stop. Its timers go with the socket.
    options.keepAliveMs ?? KEEPALIVE_MS,
  );

  const apollo = new ApolloServer<Context>({
    // Signals belong to main.ts's graceful shutdown; Apollo would otherwise
    // stop itself on SIGTERM (outside NODE_ENV=test) and re-raise the signal.
    stopOnTerminationSignals: false,
    schema,
    introspection: options.introspection,
    validationRules,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => formatError(formatted, error, formatting),
    // No ApolloServerPluginDrainHttpServer: the serving state (runtime/serving.ts) drains
    // HTTP itself (listener closed at the start of the shutdown, answers given,
    // idle connections closed). That plugin's second `server.close()` would
    // wait for a 'close' event the already-closed, idle server has emitted
    // before: an idle instance then hung for the whole shutdown bound.
    plugins: [
      // Apollo's landing page loads its explorer from a CDN; explorerRoute.ts answers browsers instead.
      ApolloServerPluginLandingPageDisabled(),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  mountExportRoutes(app, services, rates);
  mountOperationalRoutes(app, services);
  mountWebRoutes(app); // the drafting room's page at / and /declarations/:id (web/dist)
  mountExplorerRoute(app, '/graphql', { explorer: options.explorer ?? false });
  app.use(
    '/graphql',
    express.json({ limit: limits.bodyBytes }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || randomUUID();
        const token = bearerToken(req.headers.authorization);
        const viewer = await viewerForToken(services.orm.em.fork(), token).catch(unavailableAtTheDoor);
        return createContext(services, viewer, requestId, null, admitHttpRequest(rates, token, viewer, req.ip));
      },
    }),
  );
  // Body too large or not JSON: answer as GraphQL would, with the contract's code.
  app.use((error: { status?: number; type?: string; message?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!error || !error.status || error.status >= 500) return next(error);
    const message =
      error.type === 'entity.too.large'
        ? `request body is larger than ${limits.bodyBytes} bytes (DRAFTROOM_MAX_BODY_BYTES)`
        : `malformed request: ${error.message ?? 'unreadable body'}`;
    res.status(error.status).json({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
  });

  await new Promise<void>((resolve) => httpServer.listen(options.port, options.host, resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    async close() {
      await apollo.stop();
      // Normally closed by the drain already; this covers a stop that skipped it.
      httpServer.closeAllConnections();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
