// The set-up of the web page's browser tests (test/web*.test.ts): webSuite() registers the
// before() hook that builds the page with Vite into a temporary folder, serves it and launches
// headless Chromium, and the after() hook that closes them and removes the folder (unless the
// test file keeps it); a file without Chromium skips (browserSkip). openPage opens the page at
// a hash in a fresh context (its own localStorage), collects console errors and requests, and
// waits for it to be ready.
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkip, launchBrowser } from './browser.js';
import { buildWeb, serveStatic, type StaticServer } from './web.js';

export interface Opened {
  page: Page;
  context: BrowserContext;
  /** console errors and uncaught exceptions */
  errors: string[];
  /** every URL the page requested */
  requests: string[];
}

export interface OpenOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  /** e.g. ['clipboard-read', 'clipboard-write'] */
  permissions?: string[];
  /** runs in the page before its scripts (localStorage, stubs) */
  init?: (arg: unknown) => void;
  /** the argument of `init` */
  initArg?: unknown;
  /** the page's default timeout, ms (30 s) */
  timeout?: number;
  /** how long the page may take to be ready, ms (60 s) */
  readyTimeout?: number;
}

/**
 * Opens the page at `hash` in a fresh context (its own localStorage; closing the page closes
 * it) and waits for it to be ready.
 */
export async function openPage(browser: Browser, url: string, hash: string, options: OpenOptions = {}): Promise<Opened> {
  const page = await browser.newPage({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    permissions: options.permissions ?? [],
    ...(options.colorScheme && { colorScheme: options.colorScheme }),
  });
  page.setDefaultTimeout(options.timeout ?? 30_000);
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  if (options.init) await page.addInitScript(options.init, options.initArg);
  await page.goto(url + hash);
  await page.waitForSelector('body[data-state="ready"]', { timeout: options.readyTimeout ?? 60_000 });
  return { page, context: page.context(), errors, requests };
}

export interface WebSuiteOptions {
  /** the folder under the temporary one the page is built into and served from ('site') */
  site?: string;
  /** the defaults of open() */
  open?: OpenOptions;
  /** whether to keep the temporary folder at the end (called when there is one) */
  keep?: () => boolean;
}

export interface WebSuite {
  /** the skip reason of the file's describe() (no Chromium), or false */
  readonly skip: string | false;
  readonly browser: Browser;
  readonly server: StaticServer;
  /** the temporary folder */
  readonly root: string;
  /** the built page's folder, below `root` */
  readonly site: string;
  /** Opens the page at `hash` (openPage, with the suite's defaults). */
  open(hash: string, options?: OpenOptions): Promise<Opened>;
}

/**
 * Registers the hooks of a file's browser tests: the page built into a temporary folder
 * `moe-cusp-<name>-…`, served, and Chromium launched before them; all closed and the folder
 * removed after them.
 */
export function webSuite(name: string, options: WebSuiteOptions = {}): WebSuite {
  const skip = browserSkip();
  let root = '';
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  const site = () => join(root, options.site ?? 'site');

  before(
    async () => {
      if (skip) return;
      root = mkdtempSync(join(tmpdir(), `moe-cusp-${name}-`));
      await buildWeb(site());
      server = await serveStatic(site());
      browser = await launchBrowser();
    },
    { timeout: 180_000 },
  );

  after(async () => {
    await browser?.close();
    await server?.close();
    if (root && !options.keep?.()) rmSync(root, { recursive: true, force: true });
  });

  return {
    skip,
    get browser() {
      return browser!;
    },
    get server() {
      return server!;
    },
    get root() {
      return root;
    },
    get site() {
      return site();
    },
    open: (hash, opts = {}) => openPage(browser!, server!.url, hash, { ...options.open, ...opts }),
  };
}
