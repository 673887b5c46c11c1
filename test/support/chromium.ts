/**
 * Headless Chromium driven over the DevTools protocol (CDP), with nothing
 * but the `ws` package: enough to load a page and run code in it.
 *
 *     const browser = await Chromium.launch();            // null executable: see findChromium()
 *     const page = await browser.open('http://127.0.0.1:8080/');
 *     const title = await page.evaluate<string>('document.title');
 *     const seq = await page.evaluate<number>('(async () => { ...; return 3; })()');
 *     await browser.close();                               // always (afterAll): kills the process group
 *
 * Protocol: Chromium prints `DevTools listening on ws://...` on stderr; one
 * WebSocket to that browser endpoint carries every command. A page is a
 * target created with `Target.createTarget` and attached in "flat" mode, so
 * its commands go over the same socket tagged with a `sessionId`.
 * `Runtime.evaluate` runs with `awaitPromise` and `returnByValue`: a promise
 * is awaited in the page and its JSON value returned; an exception in the
 * page rejects with its description. Uncaught exceptions and console
 * messages of the page are collected (`page.errors`, `page.console`), so a
 * test can show what went wrong in the browser.
 *
 * Chromium runs detached, in a process group of its own (the Debian
 * launcher is a shell script that execs the binary, which forks its
 * renderers): `close()` kills that whole group, and only it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';

/**
 * The Chromium to run: `$CHROMIUM_PATH` when set (and null if nothing is
 * there: no fallback, so a test can be run as on a machine without one),
 * else the first of the usual Debian/Ubuntu paths that exists, else null.
 */
export function findChromium(): string | null {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) return existsSync(explicit) ? explicit : null;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((candidate) => existsSync(candidate)) ?? null;
}

interface Pending {
  resolve(result: any): void;
  reject(error: Error): void;
  method: string;
}

export class Page {
  /** Uncaught exceptions of the page, as Chromium describes them. */
  readonly errors: string[] = [];
  /** Console messages of the page: `<type>: <text>`. */
  readonly console: string[] = [];

  constructor(
    private readonly browser: Chromium,
    readonly targetId: string,
    readonly sessionId: string,
  ) {}

  /** Evaluates `expression` in the page; a promise is awaited; resolves with the value (JSON-serialisable). */
  async evaluate<T>(expression: string): Promise<T> {
    const result = await this.browser.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, this.sessionId);
    if (result.exceptionDetails) {
      const details = result.exceptionDetails;
      throw new Error(`in the page: ${details.exception?.description ?? details.text}`);
    }
    return result.result.value as T;
  }

  async close(): Promise<void> {
    await this.browser.send('Target.closeTarget', { targetId: this.targetId }).catch(() => {});
  }
}

export class Chromium {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly pages = new Map<string, Page>();
  private readonly loadWaiters = new Map<string, () => void>();
  private closed = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly socket: WebSocket,
    private readonly userDataDir: string,
  ) {
    socket.on('message', (data) => this.receive(JSON.parse(String(data))));
    socket.on('close', () => this.failAll(new Error('the DevTools connection closed')));
  }

  /** Starts headless Chromium and connects to its DevTools endpoint. */
  static async launch(executable = findChromium()): Promise<Chromium> {
    if (!executable) throw new Error('no Chromium found (set CHROMIUM_PATH, or install the chromium package)');
    const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'draftroom-chromium-'));
    const args = [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      `--user-data-dir=${userDataDir}`,
      '--remote-debugging-port=0',
      // The page's origin differs from the API's, and the server sends no CORS headers by default.
      '--disable-web-security',
      '--no-first-run',
      '--no-default-browser-check',
      'about:blank',
    ];
    const child = spawn(executable, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let endpoint: string;
    try {
      endpoint = await devToolsEndpoint(child);
    } catch (error) {
      killGroup(child);
      await rm(userDataDir, { recursive: true, force: true });
      throw error;
    }
    const socket = new WebSocket(endpoint, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return new Chromium(child, socket, userDataDir);
  }

  /** Opens a new page on `url` and resolves once it has loaded. */
  async open(url: string): Promise<Page> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this, targetId, sessionId);
    this.pages.set(sessionId, page);
    await this.send('Runtime.enable', {}, sessionId);
    await this.send('Page.enable', {}, sessionId);
    const loaded = new Promise<void>((resolve) => this.loadWaiters.set(sessionId, resolve));
    const navigation = await this.send('Page.navigate', { url }, sessionId);
    if (navigation.errorText) throw new Error(`the page ${url} did not load: ${navigation.errorText}`);
    await loaded;
    return page;
  }

  /** Sends one CDP command (to the browser, or to a page's session); resolves with its result. */
  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<any> {
    if (this.closed) return Promise.reject(new Error(`${method}: the browser is closed`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }

  /** Closes the browser: politely over CDP, then kills its process group whatever happened; removes its profile. */
  async close(): Promise<void> {
    if (this.closed) return;
    const exited = new Promise<void>((resolve) => (this.child.exitCode !== null || this.child.signalCode !== null ? resolve() : this.child.once('exit', () => resolve())));
    await Promise.race([this.send('Browser.close').catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2_000))]);
    this.closed = true;
    this.socket.terminate();
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
    killGroup(this.child);
    await exited;
    // Renderers and the zygote may outlive the main process by a moment: wait until the group is empty.
    for (let i = 0; i < 100 && groupAlive(this.child); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await rm(this.userDataDir, { recursive: true, force: true });
  }

  private receive(message: any): void {
    if (typeof message.id === 'number') {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.error) pending.reject(new Error(`${pending.method}: ${message.error.message}`));
      else pending.resolve(message.result);
      return;
    }
    const page = message.sessionId ? this.pages.get(message.sessionId) : undefined;
    if (message.method === 'Page.loadEventFired') {
      this.loadWaiters.get(message.sessionId)?.();
      this.loadWaiters.delete(message.sessionId);
    } else if (message.method === 'Runtime.exceptionThrown' && page) {
      const details = message.params.exceptionDetails;
      page.errors.push(details.exception?.description ?? details.text);
    } else if (message.method === 'Runtime.consoleAPICalled' && page) {
      const text = message.params.args.map((arg: any) => (arg.value !== undefined ? String(arg.value) : (arg.description ?? arg.type))).join(' ');
      page.console.push(`${message.params.type}: ${text}`);
    }
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

/** Reads Chromium's stderr until it names its DevTools endpoint (or exits, or takes too long). */
function devToolsEndpoint(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => fail(new Error(`Chromium did not print its DevTools endpoint within 30 s; stderr:\n${stderr.slice(-2000)}`)), 30_000);
    const onData = (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (match) {
        cleanup();
        // Keep draining stderr, or Chromium could block on a full pipe.
        child.stderr!.resume();
        resolve(match[1]!);
      }
    };
    const onExit = (code: number | null, signal: string | null) =>
      fail(new Error(`Chromium exited (code ${code}, signal ${signal}) before printing its DevTools endpoint; stderr:\n${stderr.slice(-2000)}`));
    const fail = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stderr!.off('data', onData);
      child.off('exit', onExit);
      child.off('error', fail);
    };
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', fail);
  });
}

/** SIGKILL to the process group Chromium leads (it was spawned detached: the group is its own and nothing else's). */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Whether any process of Chromium's group is still there (signal 0 only checks). */
function groupAlive(child: ChildProcess): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}
