/**
 * The node side of the plugins' harness pages: @grafana/ui's icon files served where Grafana
 * serves them (Icon fetches them at run time), and headless Chromium opened on a page
 * (playwright-core with the system /usr/bin/chromium, as test/support/chromium.ts does).
 */
import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Answers `/public/build/img/icons/<set>/<name>.svg` from the plugin's @grafana/ui; returns false
 * (and writes nothing) for any other URL.
 */
export function grafanaIcons(pluginRoot: string): (url: string, res: ServerResponse) => boolean {
  const ui = createRequire(path.join(pluginRoot, 'package.json')).resolve('@grafana/ui/package.json');
  const icons = path.join(path.dirname(ui), 'dist', 'public', 'img', 'icons');
  return (url, res) => {
    const icon = /^\/public\/build\/img\/icons\/([a-z]+)\/([a-z0-9-]+)\.svg$/.exec(url);
    const file = icon ? path.join(icons, icon[1], `${icon[2]}.svg`) : null;
    if (!file || !fs.existsSync(file)) {
      return false;
    }
    res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(fs.readFileSync(file));
    return true;
  };
}

/** Headless Chromium with one page of the given viewport (`CHROMIUM_PATH` overrides the binary). */
export async function openChromium(viewport: {
  width: number;
  height: number;
}): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  return { browser, page: await browser.newPage({ viewport }) };
}
