/**
 * The app's harness: builds the host page (esbuild: harness/host.tsx with the real React and
 * @grafana/* packages), starts a REAL exporter seeded with demo data (exporter/dist, `serve --demo`,
 * with an admin and a read token), and serves the host page and the built dist/ on loopback as
 * Grafana would: /a/ballast-stability-app/* and /plugins/ballast-stability-app answer the page,
 * /public/plugins/ballast-stability-app/* the built plugin, and
 * /api/plugin-proxy/ballast-stability-app/ballast/* is forwarded to the exporter with
 * `Authorization: Bearer <token>` added here (the plugin.json route; the page never sees the token).
 * `Editor`-only routes (PUT/POST/DELETE, plugin.json reqRole) are refused with 403 for a Viewer page,
 * as Grafana's proxy does. Opened in headless Chromium (playwright-core, /usr/bin/chromium).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { grafanaIcons, openChromium } from '../../.config/harness/browser';
import { buildHarnessHost } from '../../.config/harness/build-host';

const ROOT = path.resolve(__dirname, '..');
const REPO = path.resolve(ROOT, '..');
const OUT = path.join(ROOT, 'harness', '.build');
export const ADMIN_TOKEN = 'harness-admin-token-0123456789';
export const READ_TOKEN = 'harness-read-token-0123456789';
const PLUGIN_ID = 'ballast-stability-app';

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
  const child: ChildProcess = spawn(process.execPath, [main, 'serve', '--demo', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0'], {
    env: { ...process.env, BALLAST_TOKENS: `admin:${ADMIN_TOKEN},read:${READ_TOKEN}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
  /** The app's settings as Grafana would hold them (jsonData.url, secureJsonData.apiToken). */
  settings: { url: string; token: string };
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
  const settings = { url: exporterUrl, token: ADMIN_TOKEN };
  const icons = grafanaIcons(ROOT);
  const proxyPrefix = `/api/plugin-proxy/${PLUGIN_ID}/ballast`;

  const server = http.createServer((req, res) => {
    const full = req.url ?? '/';
    const url = full.split('?')[0];
    const send = (status: number, type: string, body: string | Buffer) => res.writeHead(status, { 'content-type': type }).end(body);
    if (icons(url, res)) {
      return;
    }
    if (url === '/harness/host.js') {
      return send(200, 'text/javascript', fs.readFileSync(path.join(OUT, 'host.js')));
    }
    if (url.startsWith(`/public/plugins/${PLUGIN_ID}/`)) {
      const file = path.join(dist, url.slice(`/public/plugins/${PLUGIN_ID}/`.length));
      if (file.startsWith(dist) && fs.existsSync(file) && fs.statSync(file).isFile()) {
        return send(200, file.endsWith('.js') ? 'text/javascript' : file.endsWith('.json') ? 'application/json' : 'application/octet-stream', fs.readFileSync(file));
      }
      return send(404, 'text/plain', 'not found');
    }
    if (url === `/api/plugins/${PLUGIN_ID}/settings`) {
      if (req.method === 'POST') {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          const s = JSON.parse(body || '{}');
          settings.url = s.jsonData?.url ?? settings.url;
          if (s.secureJsonData && 'apiToken' in s.secureJsonData) {
            settings.token = s.secureJsonData.apiToken;
          }
          send(200, 'application/json', JSON.stringify({ message: 'Plugin settings updated' }));
        });
        return;
      }
      return send(200, 'application/json', JSON.stringify({ jsonData: { url: settings.url }, secureJsonFields: { apiToken: Boolean(settings.token) } }));
    }
    if (url.startsWith(proxyPrefix)) {
      const role = String(req.headers['x-harness-role'] ?? '');
      if (req.method !== 'GET' && role === 'Viewer') {
        return send(403, 'application/json', JSON.stringify({ message: 'Permission denied' }));
      }
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const target = `${settings.url.replace(/\/$/, '')}${full.slice(proxyPrefix.length)}`;
        const headers: Record<string, string> = { Accept: 'application/json' };
        if (settings.token) {
          headers.Authorization = `Bearer ${settings.token}`;
        }
        if (body) {
          headers['Content-Type'] = 'application/json';
        }
        fetch(target, { method: req.method, headers, body: body || undefined })
          .then(async (r) => send(r.status, r.headers.get('content-type') ?? 'application/json', Buffer.from(await r.arrayBuffer())))
          .catch((e: Error) => send(502, 'application/json', JSON.stringify({ message: `Bad Gateway: ${e.message}` })));
      });
      return;
    }
    if (url.startsWith(`/a/${PLUGIN_ID}`) || url.startsWith(`/plugins/${PLUGIN_ID}`)) {
      return send(200, 'text/html', fs.readFileSync(path.join(ROOT, 'harness', 'index.html')));
    }
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { browser, page } = await openChromium(viewport);
  return {
    url,
    browser,
    page,
    settings,
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Opens an app URL (e.g. /a/ballast-stability-app/incidents) and waits until nothing is loading. */
export async function openPage(h: Harness, pathAndQuery: string, opts: { theme?: 'dark' | 'light'; role?: string } = {}) {
  const role = opts.role ?? 'Editor';
  // The page's role, for the proxy's reqRole check (Grafana knows it from the session).
  await h.page.setExtraHTTPHeaders({ 'x-harness-role': role });
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
