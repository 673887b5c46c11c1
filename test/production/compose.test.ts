/**
 * The production topology as the deployment files describe it: docker-compose.yml
 * (PostgreSQL 16, two draftroom instances on its one database, nginx in front on one
 * public port), deploy/nginx.conf and the Dockerfile. Docker does not run where the
 * tests run, so the files are read and their topology checked; topology.test.ts runs
 * the same topology without Docker.
 *
 * Each check is a problem it reports, and every kind of problem is shown to be caught:
 * the files as they are report none, and each broken variant below reports its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_LIMITS } from '../../server/src/config.js';
import {
  dockerFlags,
  dockerIgnored,
  execForm,
  findDirectives,
  interpolateAll,
  nginxBytes,
  nginxSeconds,
  parseDockerfile,
  parseNginx,
  stageImages,
  type DockerStage,
} from './deployFiles.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface DeployFiles {
  compose: string;
  nginx: string;
  dockerfile: string;
  dockerignore: string;
}

const FILES: DeployFiles = {
  compose: read('docker-compose.yml'),
  nginx: read('deploy/nginx.conf'),
  dockerfile: read('Dockerfile'),
  dockerignore: read('.dockerignore'),
};

/** What the operator sets: the one required variable, the rest left to their defaults. */
const ENV = { DRAFTROOM_BOOTSTRAP_TOKEN: 'bootstrap-token-for-the-topology-check' };

/** The server's keepalive: a socket may be silent this long between two pings. */
const KEEPALIVE_SECONDS = 30;

type Service = Record<string, any>;

function loadCompose(text: string, env: Record<string, string | undefined>): { services: Record<string, Service>; volumes?: Record<string, unknown> } {
  return interpolateAll(parse(text, { merge: true }), env);
}

/** Services built from this repository's Dockerfile: the draftroom instances. */
const instancesOf = (services: Record<string, Service>) => Object.entries(services).filter(([, s]) => s.build !== undefined);

const healthy = (service: Service, dependency: string) => service.depends_on?.[dependency]?.condition === 'service_healthy';

/** A stage's working directory: its last WORKDIR, else that of the stage it is built FROM. */
function workdirOf(stage: DockerStage, stages: DockerStage[]): string {
  const own = stage.instructions.filter((i) => i.keyword === 'WORKDIR').at(-1)?.rest;
  const parent = stages.find((s) => s.name === stage.from && s !== stage);
  return own ?? (parent ? workdirOf(parent, stages) : '/');
}

/** Where the final stage of the Dockerfile puts deploy/healthcheck.mjs (absolute), or null. */
function imageHealthcheckPath(dockerfile: string): string | null {
  const stages = parseDockerfile(dockerfile);
  const final = stages.at(-1);
  const copy = final?.instructions.find((i) => i.keyword === 'COPY' && i.rest.split(' ')[0] === 'deploy/healthcheck.mjs');
  return final && copy ? path.posix.resolve(workdirOf(final, stages), copy.rest.split(' ')[1]!) : null;
}

function composeProblems(files: DeployFiles): string[] {
  const problems: string[] = [];
  const { services, volumes } = loadCompose(files.compose, ENV);
  const postgres = services.postgres as Service | undefined;
  const instances = instancesOf(services);
  const proxy = Object.entries(services).find(([, s]) => /^nginx[:@]/.test(s.image ?? ''));

  if (!postgres) return ['no postgres service'];
  if (!/^postgres:16(\b|$)/.test(postgres.image ?? '')) problems.push(`postgres image is ${postgres.image}, expected postgres:16`);
  const dataVolume = (postgres.volumes ?? []).map(String).find((v: string) => v.endsWith(':/var/lib/postgresql/data'));
  const volumeName = dataVolume?.split(':')[0];
  if (!volumeName || !(volumes && volumeName in volumes)) problems.push('postgres keeps its data in no named volume');
  if (!JSON.stringify(postgres.healthcheck?.test ?? '').includes('pg_isready')) problems.push('postgres has no pg_isready healthcheck');

  if (instances.map(([name]) => name).sort().join() !== 'draftroom-1,draftroom-2') {
    problems.push(`instances built from the Dockerfile: ${instances.map(([name]) => name).join(', ')}, expected draftroom-1 and draftroom-2`);
  }
  const databaseUrls = new Set<string>();
  for (const [name, service] of instances) {
    const env = service.environment ?? {};
    const url = new URL(env.DATABASE_URL ?? 'missing://');
    if (url.hostname !== 'postgres') problems.push(`${name}: DATABASE_URL points at ${url.hostname}, not the postgres service`);
    const pg = postgres.environment ?? {};
    if (url.pathname !== `/${pg.POSTGRES_DB}` || url.username !== pg.POSTGRES_USER || decodeURIComponent(url.password) !== pg.POSTGRES_PASSWORD) {
      problems.push(`${name}: DATABASE_URL does not name postgres's database, user and password`);
    }
    databaseUrls.add(env.DATABASE_URL);
    if (env.NODE_ENV !== 'production') problems.push(`${name}: NODE_ENV is ${env.NODE_ENV}`);
    for (const variable of ['PORT', 'LOG_LEVEL', 'DRAFTROOM_BOOTSTRAP_TOKEN', 'DRAFTROOM_SEED_DEMO']) {
      if (!env[variable]) problems.push(`${name}: ${variable} is not set`);
    }
    if (env.DRAFTROOM_BOOTSTRAP_TOKEN !== ENV.DRAFTROOM_BOOTSTRAP_TOKEN) problems.push(`${name}: DRAFTROOM_BOOTSTRAP_TOKEN is not the host's`);
    if (!healthy(service, 'postgres')) problems.push(`${name}: does not wait for postgres to be healthy`);
    const probe = service.healthcheck?.test ?? [];
    if (probe[0] !== 'CMD' || probe[2] !== imageHealthcheckPath(files.dockerfile) || !/^\/(readyz|healthz)$/.test(probe[3])) {
      problems.push(`${name}: healthcheck ${JSON.stringify(probe)} does not run the image's probe on /readyz or /healthz`);
    }
    if (service.ports) problems.push(`${name}: publishes a port; only the proxy may`);
  }
  if (databaseUrls.size !== 1) problems.push(`the instances use ${databaseUrls.size} databases, expected one`);
  // Asked for the demo, at most one instance seeds it (an unset DRAFTROOM_SEED_DEMO means true).
  const asked = instancesOf(loadCompose(files.compose, { ...ENV, DRAFTROOM_SEED_DEMO: 'true' }).services);
  const seeding = asked.filter(([, s]) => /^(1|true|yes|on)$/i.test(String(s.environment?.DRAFTROOM_SEED_DEMO ?? 'true')));
  if (seeding.length > 1) problems.push('more than one instance may seed the demo (they would race on an empty database)');
  try {
    loadCompose(files.compose, {});
    problems.push('starts without DRAFTROOM_BOOTSTRAP_TOKEN (expected ${DRAFTROOM_BOOTSTRAP_TOKEN:?...})');
  } catch (error) {
    if (!String(error).includes('DRAFTROOM_BOOTSTRAP_TOKEN')) problems.push(`without DRAFTROOM_BOOTSTRAP_TOKEN: ${error}`);
  }

  if (!proxy) return [...problems, 'no nginx proxy service'];
  const [proxyName, proxyService] = proxy;
  const publishing = Object.entries(services).filter(([, s]) => s.ports?.length);
  if (publishing.length !== 1 || publishing[0]![0] !== proxyName || proxyService.ports.length !== 1) {
    problems.push(`published ports: ${publishing.map(([n, s]) => `${n} ${JSON.stringify(s.ports)}`).join('; ')}; expected one, on ${proxyName}`);
  }
  const mount = (proxyService.volumes ?? []).map(String).find((v: string) => v.split(':')[1] === '/etc/nginx/nginx.conf');
  if (mount !== './deploy/nginx.conf:/etc/nginx/nginx.conf:ro') problems.push(`${proxyName}: nginx.conf mounted as ${mount}, expected ./deploy/nginx.conf read-only`);
  for (const [name] of instances) {
    if (!healthy(proxyService, name)) problems.push(`${proxyName}: does not wait for ${name} to be healthy`);
  }
  return problems;
}


function nginxProblems(files: DeployFiles): string[] {
  const problems: string[] = [];
  const tree = parseNginx(files.nginx);
  const { services } = loadCompose(files.compose, ENV);
  const proxy = Object.values(services).find((s) => /^nginx[:@]/.test(s.image ?? ''));
  const containerPort = String(proxy?.ports?.[0] ?? '').split(':').at(-1)!.replace(/\/tcp$/, '');
  const listens = findDirectives(tree, 'listen').map(({ directive }) => directive.args[0]);
  if (!listens.includes(containerPort)) problems.push(`nginx listens on ${listens.join(', ')}; the proxy service publishes container port ${containerPort}`);

  const passes = findDirectives(tree, 'proxy_pass');
  if (passes.length !== 1) return [...problems, `${passes.length} proxy_pass directives, expected one (everything goes to the instances)`];
  const pass = passes[0]!;
  const upstreamName = /^http:\/\/([^/:]+)\/?$/.exec(pass.directive.args[0] ?? '')?.[1];
  const upstream = findDirectives(tree, 'upstream').find(({ directive }) => directive.args[0] === upstreamName);
  if (!upstream) {
    problems.push(`proxy_pass ${pass.directive.args[0]} names no upstream block`);
  } else {
    const servers = upstream.directive.block!.filter((d) => d.name === 'server').map((d) => d.args[0]).sort();
    const expected = instancesOf(services).map(([name, s]) => `${name}:${s.environment?.PORT}`).sort();
    if (servers.join() !== expected.join()) problems.push(`upstream ${upstreamName} lists ${servers.join(', ')}; expected ${expected.join(', ')}`);
  }

  // Settings of the proxying location, or inherited from the server or http block.
  const scopes = [...pass.around].reverse().map((block) => block.block!);
  const setting = (name: string) => scopes.map((scope) => scope.filter((d) => d.name === name)).find((found) => found.length > 0) ?? [];
  const headers = new Map(setting('proxy_set_header').map((d) => [d.args[0]!.toLowerCase(), d.args[1] ?? '']));
  const maps = new Map(findDirectives(tree, 'map').map(({ directive }) => [directive.args[1] ?? '', directive]));
  const mappedFrom = (variable: string | undefined, source: string) => maps.get(variable ?? '')?.args[0] === source;
  const mapDefault = (variable: string | undefined) => maps.get(variable ?? '')?.block?.find((d) => d.name === 'default')?.args[0];

  if (setting('proxy_http_version')[0]?.args[0] !== '1.1') problems.push('proxy_http_version is not 1.1 (WebSocket needs it)');
  if (headers.get('upgrade') !== '$http_upgrade') problems.push('the Upgrade header is not passed on');
  const connection = headers.get('connection');
  if (connection !== 'upgrade' && !(mappedFrom(connection, '$http_upgrade') && mapDefault(connection) === 'upgrade')) {
    problems.push(`the Connection header is ${connection}, which does not carry "upgrade" for a WebSocket handshake`);
  }
  const requestId = headers.get('x-request-id');
  if (!(requestId === '$http_x_request_id' || requestId === '$request_id' || mappedFrom(requestId, '$http_x_request_id'))) {
    problems.push('X-Request-Id is not forwarded');
  }
  const readTimeout = nginxSeconds(setting('proxy_read_timeout')[0]?.args[0] ?? '60s');
  if (readTimeout < 2 * KEEPALIVE_SECONDS) {
    problems.push(`proxy_read_timeout is ${readTimeout} s; a WebSocket may be silent ${KEEPALIVE_SECONDS} s between keepalives`);
  }
  const metrics = findDirectives(tree, 'location').find(({ directive }) => directive.args.join(' ') === '= /metrics')?.directive.block ?? [];
  if (!metrics.some((d) => (d.name === 'return' && /^4\d\d$/.test(d.args[0] ?? '')) || (d.name === 'deny' && d.args[0] === 'all'))) {
    problems.push('/metrics is served on the public port');
  }
  const bodyLimit = nginxBytes(setting('client_max_body_size')[0]?.args[0] ?? '1m');
  if (bodyLimit < DEFAULT_LIMITS.bodyBytes) {
    problems.push(`client_max_body_size is ${bodyLimit} bytes, less than the server's DRAFTROOM_MAX_BODY_BYTES (${DEFAULT_LIMITS.bodyBytes})`);
  }
  return problems;
}

function dockerfileProblems(files: DeployFiles): string[] {
  const problems: string[] = [];
  const stages = parseDockerfile(files.dockerfile);
  if (stages.length < 2) problems.push(`${stages.length} stage(s); expected a build stage and a smaller runtime stage`);
  const final = stages.at(-1);
  if (!final) return [...problems, 'no FROM'];
  const of = (keyword: string) => final.instructions.filter((i) => i.keyword === keyword);
  const env = Object.fromEntries(of('ENV').flatMap((i) => i.rest.split(' ').map((pair) => pair.split('=') as [string, string])));

  const user = of('USER').at(-1)?.rest.split(':')[0];
  if (!user || user === 'root' || user === '0') problems.push(`the final stage runs as ${user ?? 'root (no USER)'}`);
  if (env.NODE_ENV !== 'production') problems.push(`the final stage sets NODE_ENV=${env.NODE_ENV}`);

  const health = of('HEALTHCHECK').at(-1);
  const probe = health && /^CMD /.test(dockerFlags(health.rest).rest) ? execForm(dockerFlags(health.rest).rest.slice(4)) : null;
  if (!probe || probe[0] !== 'node' || probe[1] !== imageHealthcheckPath(files.dockerfile) || probe[2] !== '/healthz') {
    problems.push(`HEALTHCHECK ${health?.rest ?? '(none)'} does not probe GET /healthz with the image's healthcheck.mjs`);
  }
  const exposed = of('EXPOSE').flatMap((i) => i.rest.split(' '));
  if (!exposed.includes('4000') || env.PORT !== '4000') problems.push(`EXPOSE ${exposed.join(' ')} with PORT=${env.PORT}; expected 4000 for both`);

  // CMD runs, compiled, the entry point `npm start` runs (server/package.json), copied from the stage that compiles it.
  const command = execForm(of('CMD').at(-1)?.rest ?? '');
  const entry = command?.[0] === 'node' ? command.at(-1) : undefined;
  const compiler = stages.find((stage) => stage.instructions.some((i) => i.keyword === 'RUN' && i.rest.includes('esbuild')));
  const run = compiler?.instructions.find((i) => i.keyword === 'RUN' && i.rest.includes('esbuild'))?.rest ?? '';
  const outdir = /--outdir=(\S+)/.exec(run)?.[1];
  const outbase = /--outbase=(\S+)/.exec(run)?.[1];
  const startScript = (JSON.parse(read('server/package.json')).scripts.start as string).split(' ').at(-1)!;
  const startEntry = path.posix.join('server', startScript);
  const source = entry && outdir && outbase ? entry.replace(outdir, outbase).replace(/\.js$/, '.ts') : undefined;
  if (!command || command[0] !== 'node' || source !== startEntry) {
    problems.push(`CMD ${JSON.stringify(command)} does not start ${startEntry} compiled (esbuild --outdir=${outdir} --outbase=${outbase})`);
  }
  const copiesBuild = of('COPY').some((i) => {
    const { flags, rest } = dockerFlags(i.rest);
    return compiler && flags.from === compiler.name && rest.split(' ')[0] === path.posix.resolve(workdirOf(compiler, stages), outdir ?? '?');
  });
  if (!copiesBuild) problems.push(`the final stage does not copy ${outdir} from the ${compiler?.name} stage`);

  problems.push(...nodeVersionProblems(files.dockerfile, run));

  // What COPY takes from the context exists, and .dockerignore lets it through.
  for (const stage of stages) {
    for (const instruction of stage.instructions.filter((i) => i.keyword === 'COPY')) {
      const { flags, rest } = dockerFlags(instruction.rest);
      if (flags.from) continue;
      for (const source of rest.split(' ').slice(0, -1)) {
        const paths = walk(source);
        if (paths.length === 0) problems.push(`COPY ${source}: no such file in the repository`);
        // Build outputs in a copied folder (dist/, generated code) are made again in the image: leaving them out is right.
        const ignored = paths.filter((file) => dockerIgnored(files.dockerignore, file) && !/(^|\/)(dist|generated)\//.test(file));
        if (ignored.length) problems.push(`COPY ${source}: .dockerignore leaves out ${ignored.slice(0, 3).join(', ')}`);
      }
    }
  }
  // Nor does the context carry what must not be in an image: tokens under .data, installed modules, history.
  for (const kept of ['.data/bootstrap-token', 'node_modules/yjs/package.json', 'server/node_modules/x', '.git/HEAD', '.env']) {
    if (!dockerIgnored(files.dockerignore, kept)) problems.push(`.dockerignore lets ${kept} into the build context`);
  }
  return problems;
}

/**
 * The image runs a Node that CI tests: every stage on the same official node
 * image (so the platform packages npm picks match), of a major version the
 * root package.json's engines lists (the versions .ci/run runs the suite on),
 * and esbuild compiles for that same version (`--target=nodeN` in `esbuildRun`).
 */
function nodeVersionProblems(dockerfile: string, esbuildRun: string): string[] {
  const problems: string[] = [];
  const images = [...new Set(stageImages(dockerfile))];
  if (images.length !== 1) problems.push(`the stages are built on ${images.join(', ') || 'nothing'}; expected one node image for all`);
  const engines = JSON.parse(read('package.json')).engines.node as string;
  const tested = [...engines.matchAll(/\^(\d+)\./g)].map((m) => Number(m[1]));
  for (const image of images) {
    const major = Number(/^node:(\d+)(?:[.-]|$)/.exec(image)?.[1]);
    if (!tested.includes(major)) problems.push(`a stage is built on ${image}: not a node image of a version engines lists (${engines})`);
    const target = /--target=node(\d+)/.exec(esbuildRun)?.[1];
    if (Number(target) !== major) problems.push(`esbuild compiles for node${target ?? '?'}, the image runs ${image}`);
  }
  return problems;
}

/** The files at `relative` (itself if a file, everything under it if a folder), relative to the repository. */
function walk(relative: string): string[] {
  const absolute = path.join(ROOT, relative);
  if (!fs.existsSync(absolute)) return [];
  if (!fs.statSync(absolute).isDirectory()) return [relative];
  return fs.readdirSync(absolute).flatMap((name) => walk(path.posix.join(relative, name)));
}

const allProblems = (files: DeployFiles) => [...composeProblems(files), ...nginxProblems(files), ...dockerfileProblems(files)];

/** A way to break one of the files, and the problem that must be reported for it. */
interface Breakage {
  what: string;
  file: keyof DeployFiles;
  from: string | RegExp;
  to: string;
  caught: RegExp;
}

const BREAKAGES: Breakage[] = [
  // docker-compose.yml
  { what: 'PostgreSQL is not version 16', file: 'compose', from: 'image: postgres:16', to: 'image: postgres:15', caught: /postgres image is postgres:15/ },
  { what: 'PostgreSQL keeps its data inside the container', file: 'compose', from: '      - pgdata:/var/lib/postgresql/data\n', to: '', caught: /no named volume/ },
  { what: 'PostgreSQL has no pg_isready healthcheck', file: 'compose', from: /"CMD-SHELL", "pg_isready[^\]]*\]/, to: '"CMD", "true"]', caught: /no pg_isready/ },
  { what: 'the instances point at another database host', file: 'compose', from: '@postgres:5432/draftroom', to: '@localhost:5432/draftroom', caught: /points at localhost, not the postgres service/ },
  {
    what: 'the second instance uses another database',
    file: 'compose',
    from: '      DRAFTROOM_SEED_DEMO: "false"\n',
    to: '      DRAFTROOM_SEED_DEMO: "false"\n      DATABASE_URL: postgresql://draftroom:draftroom@postgres:5432/elsewhere\n',
    caught: /use 2 databases|does not name postgres's database/,
  },
  { what: 'an instance does not wait for PostgreSQL to be healthy', file: 'compose', from: /(draftroom-2:[\s\S]*?postgres:\n\s+condition: )service_healthy/, to: '$1service_started', caught: /draftroom-2: does not wait for postgres/ },
  { what: 'the bootstrap token gets a default', file: 'compose', from: '${DRAFTROOM_BOOTSTRAP_TOKEN:?', to: '${DRAFTROOM_BOOTSTRAP_TOKEN:-', caught: /starts without DRAFTROOM_BOOTSTRAP_TOKEN/ },
  { what: 'both instances seed the demo', file: 'compose', from: 'DRAFTROOM_SEED_DEMO: "false"', to: 'DRAFTROOM_SEED_DEMO: ${DRAFTROOM_SEED_DEMO:-false}', caught: /more than one instance may seed/ },
  { what: 'the instances do not run in production mode', file: 'compose', from: 'NODE_ENV: production', to: 'NODE_ENV: development', caught: /NODE_ENV is development/ },
  { what: 'an instance probes a script the image does not have', file: 'compose', from: '"/app/healthcheck.mjs", "/readyz"', to: '"/healthcheck.mjs", "/readyz"', caught: /does not run the image's probe/ },
  { what: 'an instance publishes its own port', file: 'compose', from: '  draftroom-2:\n    <<: *draftroom\n', to: '  draftroom-2:\n    <<: *draftroom\n    ports: ["4000:4000"]\n', caught: /draftroom-2: publishes a port/ },
  { what: 'the proxy publishes a second port', file: 'compose', from: '      - "${DRAFTROOM_HTTP_PORT:-8080}:80"\n', to: '      - "${DRAFTROOM_HTTP_PORT:-8080}:80"\n      - "8443:443"\n', caught: /published ports/ },
  { what: 'nginx.conf is mounted writable', file: 'compose', from: 'nginx.conf:/etc/nginx/nginx.conf:ro', to: 'nginx.conf:/etc/nginx/nginx.conf', caught: /read-only/ },
  { what: 'the proxy does not wait for an instance to be healthy', file: 'compose', from: /(  proxy:[\s\S]*draftroom-2:\n\s+condition: )service_healthy/, to: '$1service_started', caught: /proxy: does not wait for draftroom-2/ },
  {
    what: 'a third instance is not behind the proxy',
    file: 'compose',
    from: '  proxy:\n',
    to: '  draftroom-3:\n    <<: *draftroom\n    environment:\n      <<: *draftroom-env\n      DRAFTROOM_SEED_DEMO: "false"\n\n  proxy:\n',
    caught: /upstream draftroom lists draftroom-1:4000, draftroom-2:4000; expected .*draftroom-3:4000/,
  },
  // deploy/nginx.conf
  { what: 'the upstream leaves out draftroom-2', file: 'nginx', from: /\n\s*server draftroom-2:4000[^\n]*/, to: '', caught: /upstream draftroom lists draftroom-1:4000;/ },
  { what: 'the upstream names the wrong port', file: 'nginx', from: 'server draftroom-1:4000', to: 'server draftroom-1:4001', caught: /lists draftroom-1:4001/ },
  { what: 'nginx listens on another port than the published one', file: 'nginx', from: 'listen 80;', to: 'listen 8081;', caught: /listens on 8081/ },
  { what: 'nginx speaks HTTP/1.0 to the instances', file: 'nginx', from: 'proxy_http_version 1.1;', to: '', caught: /proxy_http_version/ },
  { what: 'the Upgrade header is dropped', file: 'nginx', from: 'proxy_set_header Upgrade $http_upgrade;', to: '', caught: /Upgrade header/ },
  { what: 'the Connection header is emptied', file: 'nginx', from: 'proxy_set_header Connection $connection_upgrade;', to: 'proxy_set_header Connection "";', caught: /Connection header/ },
  { what: 'the Connection map does not say upgrade', file: 'nginx', from: 'default upgrade;', to: 'default close;', caught: /Connection header/ },
  { what: 'X-Request-Id is not forwarded', file: 'nginx', from: /proxy_set_header X-Request-Id [^;]*;/, to: '', caught: /X-Request-Id is not forwarded/ },
  { what: 'idle WebSockets would be cut between keepalives', file: 'nginx', from: 'proxy_read_timeout 3600s;', to: 'proxy_read_timeout 30s;', caught: /proxy_read_timeout is 30 s/ },
  { what: 'the proxy serves /metrics to the public', file: 'nginx', from: /location = \/metrics \{[^}]*\}/, to: '', caught: /\/metrics is served on the public port/ },
  { what: 'the proxy refuses bodies the server accepts', file: 'nginx', from: 'client_max_body_size 8m;', to: 'client_max_body_size 1m;', caught: /client_max_body_size/ },
  // Dockerfile and .dockerignore
  { what: 'the Dockerfile has one stage', file: 'dockerfile', from: /FROM \$\{NODE_IMAGE\} AS deps[\s\S]*?(?=FROM \$\{NODE_IMAGE\} AS runtime)/, to: '', caught: /1 stage/ },
  { what: 'the image runs as root', file: 'dockerfile', from: 'USER node', to: 'USER root', caught: /runs as root/ },
  { what: 'the image names no user', file: 'dockerfile', from: 'USER node\n', to: '', caught: /root \(no USER\)/ },
  { what: 'the image has no HEALTHCHECK', file: 'dockerfile', from: /HEALTHCHECK [^\n]*\\\n[^\n]*\n/, to: '', caught: /HEALTHCHECK \(none\)/ },
  { what: 'the HEALTHCHECK probes another path', file: 'dockerfile', from: '"/app/healthcheck.mjs", "/healthz"', to: '"/app/healthcheck.mjs", "/graphql"', caught: /HEALTHCHECK/ },
  { what: 'the image exposes another port', file: 'dockerfile', from: 'EXPOSE 4000', to: 'EXPOSE 3000', caught: /EXPOSE 3000/ },
  { what: 'CMD starts another file', file: 'dockerfile', from: '"server/dist/main.js"', to: '"server/dist/app.js"', caught: /CMD .* does not start server\/src\/main.ts/ },
  { what: 'CMD goes through npm (which does not pass SIGTERM on)', file: 'dockerfile', from: /^CMD \["node"[^\n]*/m, to: 'CMD npm start', caught: /CMD null/ },
  { what: 'the compiled server is not copied into the final stage', file: 'dockerfile', from: 'COPY --from=build /app/server/dist ./server/dist\n', to: '', caught: /does not copy server\/dist from the build stage/ },
  { what: 'COPY names a file the repository lacks', file: 'dockerfile', from: 'COPY tsconfig.json ./', to: 'COPY tsconfig.build.json ./', caught: /COPY tsconfig.build.json: no such file/ },
  { what: '.dockerignore leaves out the sources', file: 'dockerignore', from: /$/, to: '\nserver/src/graphql\n', caught: /COPY server\/src: .dockerignore leaves out server\/src\/graphql/ },
  { what: '.dockerignore lets the tokens under .data in', file: 'dockerignore', from: '\n.data\n', to: '\n', caught: /lets .data\/bootstrap-token/ },
  { what: '.dockerignore lets node_modules in', file: 'dockerignore', from: '**/node_modules\n', to: '', caught: /lets node_modules\/yjs/ },
  { what: 'the image does not run in production mode', file: 'dockerfile', from: 'ENV NODE_ENV=production', to: 'ENV NODE_ENV=development', caught: /NODE_ENV=development/ },
  { what: 'the image runs a Node that CI does not test', file: 'dockerfile', from: 'ARG NODE_IMAGE=node:24-alpine', to: 'ARG NODE_IMAGE=node:22-alpine', caught: /built on node:22-alpine: not a node image of a version engines lists/ },
  { what: 'the runtime stage is on another base than the build', file: 'dockerfile', from: 'FROM ${NODE_IMAGE} AS runtime', to: 'FROM node:20-alpine AS runtime', caught: /built on node:24-alpine, node:20-alpine; expected one node image/ },
  { what: 'esbuild compiles for another Node than the image runs', file: 'dockerfile', from: '--target=node24', to: '--target=node20', caught: /esbuild compiles for node20, the image runs node:24-alpine/ },
];

function broken({ file, from, to }: Breakage): DeployFiles {
  const text = FILES[file];
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`this breakage no longer applies: ${String(from)} is not in the ${file} file`);
  return { ...FILES, [file]: changed };
}

describe('the production topology in the deployment files', () => {
  it('docker-compose.yml: PostgreSQL 16 with a volume and a healthcheck, two healthy instances on its one database, one proxy port', () => {
    expect(composeProblems(FILES)).toEqual([]);
  });

  it('deploy/nginx.conf: an upstream of exactly both instances on their PORT, WebSocket upgrade, X-Request-Id, a long read timeout, no public /metrics', () => {
    expect(nginxProblems(FILES)).toEqual([]);
  });

  it("Dockerfile: build and runtime stages, a non-root user, a HEALTHCHECK, npm start's entry point compiled as CMD", () => {
    expect(dockerfileProblems(FILES)).toEqual([]);
  });

  it("refuses to start without DRAFTROOM_BOOTSTRAP_TOKEN, and gives both instances the host's token and the same database", () => {
    expect(() => loadCompose(FILES.compose, {})).toThrow(/required variable DRAFTROOM_BOOTSTRAP_TOKEN is missing a value/);
    const { services } = loadCompose(FILES.compose, { DRAFTROOM_BOOTSTRAP_TOKEN: 'a-token-of-the-host-0123', POSTGRES_PASSWORD: 's3cret' });
    expect(instancesOf(services).map(([name, s]) => [name, s.environment.DRAFTROOM_BOOTSTRAP_TOKEN, s.environment.DATABASE_URL])).toEqual([
      ['draftroom-1', 'a-token-of-the-host-0123', 'postgresql://draftroom:s3cret@postgres:5432/draftroom'],
      ['draftroom-2', 'a-token-of-the-host-0123', 'postgresql://draftroom:s3cret@postgres:5432/draftroom'],
    ]);
    expect(services.postgres!.environment.POSTGRES_PASSWORD).toBe('s3cret');
  });

  describe('reports a broken topology', () => {
    it.each(BREAKAGES)('when $what', (breakage) => {
      const problems = allProblems(broken(breakage));
      expect(problems.some((problem) => breakage.caught.test(problem)), `problems reported: ${JSON.stringify(problems)}`).toBe(true);
    });
  });
});
