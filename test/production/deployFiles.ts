/**
 * Readers for the deployment files, small enough to trust, for the topology
 * checks in compose.test.ts (Docker does not run where the tests run, so the
 * files are read, not executed):
 *
 *   - `interpolate`: Compose's `${VAR}`, `${VAR:-default}`, `${VAR:?message}`;
 *   - `parseNginx`: nginx.conf as a tree of directives (`name args;` or
 *     `name args { ... }`), comments dropped, quotes removed;
 *   - `parseDockerfile`: instructions (continuation lines joined) grouped into
 *     stages at each FROM; `dockerArgDefaults`: the ARGs before the first FROM;
 *   - `dockerIgnored`: whether .dockerignore keeps a path out of the build
 *     context (Docker's rules: the last matching pattern wins, `!` re-includes,
 *     a pattern that matches a folder matches what is in it).
 */

/** Replaces Compose's variables in `text` with values from `env`; throws on `${VAR:?message}` with VAR unset or empty. */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (_match, name: string, operator: string | undefined, argument = '') => {
    const value = env[name];
    const missing = operator?.startsWith(':') ? !value : value === undefined;
    if (!missing) return value!;
    if (operator?.endsWith('?')) throw new Error(`required variable ${name} is missing a value: ${argument}`);
    return operator ? argument : '';
  });
}

/** Every string of a parsed YAML document interpolated (keys stay as they are). */
export function interpolateAll<T>(value: T, env: Record<string, string | undefined>): T {
  if (typeof value === 'string') return interpolate(value, env) as T;
  if (Array.isArray(value)) return value.map((item) => interpolateAll(item, env)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateAll(item, env)])) as T;
  }
  return value;
}

export interface NginxDirective {
  name: string;
  args: string[];
  block?: NginxDirective[];
}

/** nginx.conf as directives; throws on unbalanced braces or a directive without its `;`. */
export function parseNginx(text: string): NginxDirective[] {
  const tokens: string[] = [];
  const pattern = /\s+|#[^\n]*|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([;{}])|([^\s;{}'"#]+)/gy;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < text.length && (match = pattern.exec(text))) {
    const [, single, double, punctuation, word] = match;
    if (single !== undefined || double !== undefined) tokens.push(`\u0000${single ?? double}`);
    else if (punctuation ?? word) tokens.push((punctuation ?? word)!);
  }
  if (pattern.lastIndex < text.length) throw new Error(`nginx.conf: cannot read from offset ${pattern.lastIndex}`);
  const unquote = (token: string) => (token.startsWith('\u0000') ? token.slice(1) : token);

  const root: NginxDirective[] = [];
  const stack: NginxDirective[][] = [root];
  let words: string[] = [];
  for (const token of tokens) {
    const current = stack.at(-1)!;
    if (token === ';' || token === '{') {
      if (words.length === 0) throw new Error(`nginx.conf: "${token}" without a directive`);
      const directive: NginxDirective = { name: unquote(words[0]!), args: words.slice(1).map(unquote) };
      current.push(directive);
      if (token === '{') stack.push((directive.block = []));
      words = [];
    } else if (token === '}') {
      if (words.length > 0) throw new Error(`nginx.conf: "${words.join(' ')}" has no ";" before "}"`);
      if (stack.length === 1) throw new Error('nginx.conf: "}" closes nothing');
      stack.pop();
    } else {
      words.push(token);
    }
  }
  if (stack.length > 1 || words.length > 0) throw new Error('nginx.conf: ends inside a block or directive');
  return root;
}

/** Directives named `name` anywhere in the tree, each with the blocks around it (outermost first). */
export function findDirectives(tree: NginxDirective[], name: string, around: NginxDirective[] = []): { directive: NginxDirective; around: NginxDirective[] }[] {
  const found: { directive: NginxDirective; around: NginxDirective[] }[] = [];
  for (const directive of tree) {
    if (directive.name === name) found.push({ directive, around });
    if (directive.block) found.push(...findDirectives(directive.block, name, [...around, directive]));
  }
  return found;
}

/** nginx time (`90`, `90s`, `5m`, `1h`) in seconds. */
export function nginxSeconds(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value);
  if (!match) throw new Error(`not an nginx time: ${value}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** nginx size (`4096`, `512k`, `8m`, `1g`) in bytes. */
export function nginxBytes(value: string): number {
  const match = /^(\d+)([kmg])?$/i.exec(value);
  if (!match) throw new Error(`not an nginx size: ${value}`);
  return Number(match[1]) * { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g'];
}

export interface DockerInstruction {
  keyword: string;
  /** What follows the keyword, continuation lines joined. */
  rest: string;
}

export interface DockerStage {
  from: string;
  name: string | null;
  instructions: DockerInstruction[];
}

/** The Dockerfile's stages; instructions before the first FROM (ARG) are left out. */
export function parseDockerfile(text: string): DockerStage[] {
  const lines = text.split('\n').filter((line) => !/^\s*#/.test(line));
  const joined = lines.join('\n').replace(/\\\n/g, ' ');
  const stages: DockerStage[] = [];
  for (const line of joined.split('\n')) {
    const match = /^\s*([A-Za-z]+)\s+(.*?)\s*$/.exec(line);
    if (!match) continue;
    const keyword = match[1]!.toUpperCase();
    const rest = match[2]!.replace(/\s+/g, ' ');
    if (keyword === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!from) throw new Error(`Dockerfile: unreadable FROM ${rest}`);
      stages.push({ from: from[1]!, name: from[2] ?? null, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword, rest });
    }
  }
  return stages;
}

/** The defaults of the ARGs declared before the first FROM (those FROM lines may use), by name. */
export function dockerArgDefaults(text: string): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (/^\s*FROM\s/i.test(line)) break;
    const match = /^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)\s*$/i.exec(line);
    if (match) defaults[match[1]!] = match[2]!;
  }
  return defaults;
}

/** The image each stage is built on: `${ARG}` replaced by its default, a stage's name by that stage's image. */
export function stageImages(text: string): string[] {
  const args = dockerArgDefaults(text);
  const stages = parseDockerfile(text);
  const images: string[] = [];
  stages.forEach((stage, i) => {
    const from = stage.from.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => args[name] ?? '');
    const earlier = stages.slice(0, i).findIndex((s) => s.name === from);
    images.push(earlier >= 0 ? images[earlier]! : from);
  });
  return images;
}

/** `--flag=value` options at the start of an instruction, and what follows them. */
export function dockerFlags(rest: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let remaining = rest;
  for (let match; (match = /^--([a-z-]+)(?:=(\S+))?\s+/.exec(remaining)); ) {
    flags[match[1]!] = match[2] ?? 'true';
    remaining = remaining.slice(match[0].length);
  }
  return { flags, rest: remaining };
}

/** An exec-form command (`["node", "x.js"]`) as its words; null for the shell form. */
export function execForm(rest: string): string[] | null {
  if (!rest.startsWith('[')) return null;
  const words: unknown = JSON.parse(rest);
  return Array.isArray(words) && words.every((w) => typeof w === 'string') ? words : null;
}

function globToRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Whether `.dockerignore` (its text) leaves `path` (relative to the context) out of the build context. */
export function dockerIgnored(dockerignore: string, path: string): boolean {
  const rules = dockerignore
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = (negated ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
      return { negated, regex: globToRegex(pattern) };
    });
  const parts = path.replace(/^\.\/|\/+$/g, '').split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (candidates.some((candidate) => rule.regex.test(candidate))) ignored = !rule.negated;
  }
  return ignored;
}
