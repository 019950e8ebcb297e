// Headless Debian Chromium driven by playwright-core. playwright-core never downloads
// browsers (it has no install script); we always pass the system executable.

import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { requireBinary } from './binaries.js';
import { makeTempDir, registerCleanup } from './cleanup.js';

export const CHROMIUM_ARGS: readonly string[] = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

export interface ChromiumOptions {
  /** Default: the system chromium found by binaries.mjs (/usr/bin/chromium on Debian). */
  executablePath?: string;
  /** Appended to CHROMIUM_ARGS. */
  extraArgs?: readonly string[];
  /** Default 1280x800. */
  viewport?: { width: number; height: number };
  /** Launch timeout (default 30 s). */
  timeoutMs?: number;
}

export interface ChromiumSession {
  readonly context: BrowserContext;
  /** The first tab of the context. */
  readonly page: Page;
  readonly userDataDir: string;
  /** Closes the browser and removes its profile dir. Idempotent. */
  close(): Promise<void>;
}

/** pid of the browser process started with this profile dir (Linux /proc), if found. */
function findBrowserPid(userDataDir: string): number | undefined {
  const needle = `--user-data-dir=${userDataDir}`;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      // the browser process itself has no --type= (renderers, GPU, zygotes do)
      if (cmdline.includes(needle) && !cmdline.some((a) => a.startsWith('--type='))) return Number(name);
    } catch {
      // raced with exit
    }
  }
  return undefined;
}

/** Launches Chromium with a fresh --user-data-dir (a persistent context in a temp dir). */
export async function launchChromium(opts: ChromiumOptions = {}): Promise<ChromiumSession> {
  const executablePath = opts.executablePath ?? requireBinary('chromium');
  const profile = makeTempDir('chromium');
  const userDataDir = path.join(profile.path, 'profile');
  mkdirSync(userDataDir);
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS, ...(opts.extraArgs ?? [])],
      viewport: opts.viewport ?? { width: 1280, height: 800 },
      timeout: opts.timeoutMs ?? 30_000,
      // we register our own cleanup; don't let playwright swallow signals in the test worker
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (err) {
    profile.remove();
    throw new Error(
      `launchChromium: could not start ${executablePath}: ${err instanceof Error ? err.message : String(err)}`
    );
  }
  // playwright-core SIGKILLs the browser's process group in its own 'exit' handler, but that
  // runs after cleanup.ts has removed the profile dir (and Chromium may still write to it).
  // So kill the group first from our own cleanup (registered after the dir's, so it runs first).
  const pid = findBrowserPid(userDataDir);
  const unregister = registerCleanup(() => {
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  });
  const page = context.pages()[0] ?? (await context.newPage());
  let closing: Promise<void> | undefined;
  return {
    context,
    page,
    userDataDir,
    close: () =>
      (closing ??= (async () => {
        try {
          await context.close();
        } finally {
          unregister();
          profile.remove();
        }
      })()),
  };
}

/** Runs `fn` with a page of a freshly launched Chromium, then closes it (also on failure). */
export async function withPage<T>(fn: (page: Page) => Promise<T>, opts: ChromiumOptions = {}): Promise<T> {
  const session = await launchChromium(opts);
  try {
    return await fn(session.page);
  } finally {
    await session.close();
  }
}

export interface ScreenshotOptions extends ChromiumOptions {
  /** Default true. */
  fullPage?: boolean;
  /** Navigation completion criterion (default "load"). */
  waitUntil?: 'load' | 'domcontentloaded' | 'networkidle' | 'commit';
  /** Also wait for this selector before taking the picture. */
  waitForSelector?: string;
  /** Navigation timeout (default 30 s). */
  navigationTimeoutMs?: number;
  /** Use this page (e.g. inside withPage) instead of launching a browser for the shot. */
  page?: Page;
}

/** Opens `url` in a fresh headless Chromium and writes a PNG screenshot to `file` (directories created). */
export async function screenshot(url: string, file: string, opts: ScreenshotOptions = {}): Promise<void> {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const shoot = async (page: Page): Promise<void> => {
    const res = await page.goto(url, {
      waitUntil: opts.waitUntil ?? 'load',
      timeout: opts.navigationTimeoutMs ?? 30_000,
    });
    if (res && !res.ok()) throw new Error(`screenshot: GET ${url} answered HTTP ${res.status()}`);
    if (opts.waitForSelector)
      await page.waitForSelector(opts.waitForSelector, { timeout: opts.navigationTimeoutMs ?? 30_000 });
    await page.screenshot({ path: file, fullPage: opts.fullPage ?? true, type: 'png' });
  };
  if (opts.page) await shoot(opts.page);
  else await withPage(shoot, opts);
}
