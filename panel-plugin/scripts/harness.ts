/**
 * Builds the harness page (esbuild: harness/host.tsx with the real React and @grafana/* packages)
 * and serves it with the built dist/module.js on loopback through the Grafana host emulation's
 * server (.config/grafana-host); opens it in headless Chromium
 * (playwright-core with the system /usr/bin/chromium, as test/support/chromium.ts does).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { grafanaIcons, openChromium } from '../../.config/harness/browser';
import { buildHarnessHost } from '../../.config/harness/build-host';
import { GrafanaHost } from '../../.config/grafana-host';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'harness', '.build');

export const buildHost = (): Promise<void> => buildHarnessHost(ROOT);

export interface Harness {
  url: string;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export async function startHarness(viewport = { width: 1480, height: 800 }): Promise<Harness> {
  const moduleJs = path.join(ROOT, 'dist', 'module.js');
  if (!fs.existsSync(moduleJs)) {
    throw new Error('dist/module.js missing: run `npm run build -w panel-plugin` first');
  }
  if (!fs.existsSync(path.join(OUT, 'host.js'))) {
    await buildHost();
  }
  const files: Record<string, [string, string]> = {
    '/': [path.join(ROOT, 'harness', 'index.html'), 'text/html'],
    '/host.js': [path.join(OUT, 'host.js'), 'text/javascript'],
    '/plugin/module.js': [moduleJs, 'text/javascript'],
  };
  const icons = grafanaIcons(ROOT);
  // The one Grafana host emulation serves the page (the panel makes no API calls of its own).
  const host = new GrafanaHost({ plugins: [{ id: 'ballast-scorecard-panel', type: 'panel' }] });
  const server = await host.listen({}, (req, res) => {
    const url = (req.url ?? '/').split('?')[0]!;
    if (icons(url, res)) {
      return true;
    }
    const file = files[url];
    if (!file) {
      res.writeHead(404).end();
      return true;
    }
    res.writeHead(200, { 'content-type': file[1] }).end(fs.readFileSync(file[0]));
    return true;
  });
  const url = `${server.url}/`;
  const { browser, page } = await openChromium(viewport);
  return {
    url,
    browser,
    page,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Opens the harness with the given query and waits until the panel rendered (or failed). */
export async function openPanel(h: Harness, query: string) {
  await h.page.goto(`${h.url}?${query}`);
  await h.page.waitForFunction(
    () => (window as any).__ready || (window as any).__error || (window as any).__bench,
    null,
    { timeout: 60_000 }
  );
  const error = await h.page.evaluate(() => (window as any).__error);
  if (error) {
    throw new Error(`harness: ${error}`);
  }
}
