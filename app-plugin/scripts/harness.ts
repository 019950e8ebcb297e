/**
 * The app's harness: builds the host page (esbuild: harness/host.tsx with the real React and
 * @grafana/* packages), starts a REAL exporter seeded with demo data (exporter/dist, `serve --demo`,
 * with a read, an ingest and an admin token), and serves the host page and the built dist/ on
 * loopback in front of the ONE Grafana host emulation (.config/grafana-host): /api/plugins/:id/settings
 * and /api/plugin-proxy/ballast-stability-app/* are Grafana's, with the app's real plugin.json
 * routes (tree-matched paths, reqRole, templated URL and tokens; the page never sees a token).
 * The signed-in user is the `grafana_session` cookie (one per org role), as in Grafana.
 * Opened in headless Chromium (playwright-core, /usr/bin/chromium).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { grafanaIcons, openChromium } from '../../.config/harness/browser';
import { buildHarnessHost } from '../../.config/harness/build-host';
import { GrafanaHost, type AppSettings, type PluginRoute, type SignedInUser } from '../../.config/grafana-host';

const ROOT = path.resolve(__dirname, '..');
const REPO = path.resolve(ROOT, '..');
const OUT = path.join(ROOT, 'harness', '.build');
export const ADMIN_TOKEN = 'harness-admin-token-0123456789';
export const INGEST_TOKEN = 'harness-ingest-token-0123456789';
export const READ_TOKEN = 'harness-read-token-0123456789';
const PLUGIN_ID = 'ballast-stability-app';
/** Session cookie values of the harness's three signed-in users. */
const USERS: Record<string, SignedInUser> = {
  viewer: { login: 'harness-viewer', orgRole: 'Viewer' },
  editor: { login: 'harness-editor', orgRole: 'Editor' },
  admin: { login: 'harness-admin', orgRole: 'Admin' },
};

export const buildHost = (): Promise<void> => buildHarnessHost(ROOT);

export interface Exporter {
  url: string;
  close(): Promise<void>;
}

/** A real exporter on a free loopback port, seeded with the demo org and a year of history. */
export async function startExporter(): Promise<Exporter> {
  const main = path.join(REPO, 'exporter', 'dist', 'cli', 'main.js');
  if (!fs.existsSync(main)) {
    throw new Error('exporter/dist missing: run `npm run build -w exporter` first');
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-app-harness-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [main, 'serve', '--demo', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0'],
    {
      // As the README installs it: the app's three tokens named and marked as Grafana tokens, so the
      // exporter takes the Grafana user (X-Grafana-User) and route role of each of their writes.
      env: {
        ...process.env,
        BALLAST_TOKENS: `admin:grafana-admin:${ADMIN_TOKEN},ingest:grafana-ingest:${INGEST_TOKEN},read:grafana-read:${READ_TOKEN}`,
        BALLAST_GRAFANA_TOKENS: 'grafana-admin,grafana-ingest,grafana-read',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }
  );
  const url = await new Promise<string>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`exporter did not start:\n${log.slice(-2000)}`)), 120_000);
    const onData = (b: Buffer) => {
      log += b.toString();
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"listening"/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exporter exited (${code}):\n${log.slice(-2000)}`)));
  });
  return {
    url,
    async close() {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Harness {
  url: string;
  browser: Browser;
  page: Page;
  /** Grafana's side: the app settings it holds and the log of every proxied request. */
  host: GrafanaHost;
  /** The app's settings row as Grafana holds it now (jsonData.url, the three secure tokens). */
  readonly settings: AppSettings;
  close(): Promise<void>;
}

export async function startHarness(exporterUrl: string, viewport = { width: 1440, height: 900 }): Promise<Harness> {
  const dist = path.join(ROOT, 'dist');
  if (!fs.existsSync(path.join(dist, 'module.js'))) {
    throw new Error('dist/module.js missing: run `npm run build -w app-plugin` first');
  }
  if (!fs.existsSync(path.join(OUT, 'host.js'))) {
    await buildHost();
  }
  // The BUILT plugin.json: what Grafana would load from the plugins folder.
  const pluginJson = JSON.parse(fs.readFileSync(path.join(dist, 'plugin.json'), 'utf8')) as { routes: PluginRoute[] };
  const settings: AppSettings = {
    enabled: true,
    pinned: true,
    jsonData: { url: exporterUrl },
    secureJsonData: { readToken: READ_TOKEN, ingestToken: INGEST_TOKEN, adminToken: ADMIN_TOKEN },
  };
  const host = new GrafanaHost({
    plugins: [{ id: PLUGIN_ID, type: 'app', routes: pluginJson.routes }],
    appSettings: { [PLUGIN_ID]: settings },
    // [dataproxy] send_user_header = true: the exporter audits each write with the Grafana login
    sendUserHeader: true,
  });
  const icons = grafanaIcons(ROOT);

  // What Grafana serves besides its API: the app's pages, the built plugin files, the harness bundle.
  const serveOther = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const url = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string | Buffer) =>
      res.writeHead(status, { 'content-type': type }).end(body);
    if (icons(url, res)) {
      return true;
    }
    if (url === '/harness/host.js') {
      send(200, 'text/javascript', fs.readFileSync(path.join(OUT, 'host.js')));
      return true;
    }
    if (url.startsWith(`/public/plugins/${PLUGIN_ID}/`)) {
      const file = path.join(dist, url.slice(`/public/plugins/${PLUGIN_ID}/`.length));
      if (file.startsWith(dist) && fs.existsSync(file) && fs.statSync(file).isFile()) {
        send(
          200,
          file.endsWith('.js')
            ? 'text/javascript'
            : file.endsWith('.json')
              ? 'application/json'
              : 'application/octet-stream',
          fs.readFileSync(file)
        );
      } else {
        send(404, 'text/plain', 'not found');
      }
      return true;
    }
    if (url.startsWith(`/a/${PLUGIN_ID}`) || url.startsWith(`/plugins/${PLUGIN_ID}`)) {
      send(200, 'text/html', fs.readFileSync(path.join(ROOT, 'harness', 'index.html')));
      return true;
    }
    return false;
  };
  const server = await host.listen(USERS, serveOther);
  const { browser, page } = await openChromium(viewport);
  return {
    url: server.url,
    browser,
    page,
    host,
    get settings() {
      return host.appSettings[PLUGIN_ID]!;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Signs the harness page in as a user of `role` (Grafana's session cookie). */
export async function signIn(h: Harness, role: string): Promise<void> {
  await h.page.context().addCookies([{ name: 'grafana_session', value: role.toLowerCase(), url: h.url }]);
}

/** Opens an app URL (e.g. /a/ballast-stability-app/incidents) and waits until nothing is loading. */
export async function openPage(
  h: Harness,
  pathAndQuery: string,
  opts: { theme?: 'dark' | 'light'; role?: string } = {}
) {
  const role = opts.role ?? 'Editor';
  // The page's user, for the proxy's reqRole check (Grafana knows it from the session cookie).
  await signIn(h, role);
  await h.page.goto('about:blank'); // a new document each time (a hash-only change would not reload the host)
  await h.page.goto(`${h.url}${pathAndQuery}#theme=${opts.theme ?? 'dark'}&role=${role}`);
  await h.page.waitForFunction(() => (window as any).__ready || (window as any).__error, null, { timeout: 60_000 });
  const error = await h.page.evaluate(() => (window as any).__error);
  if (error) {
    throw new Error(`harness: ${error}`);
  }
  await settle(h);
}

/** Waits until no loading placeholder is left (and the page stopped fetching). */
export async function settle(h: Harness) {
  await h.page.waitForFunction(() => !document.body.innerText.includes('Loading '), null, { timeout: 90_000 });
  await h.page.waitForLoadState('networkidle', { timeout: 30_000 }).catch(() => {});
  await h.page.waitForFunction(() => !document.body.innerText.includes('Loading '), null, { timeout: 90_000 });
}
