/**
 * README screenshots of the data source's editors: bundles harness.tsx (the real components and
 * @grafana/ui, React 18, Grafana's dark theme) with esbuild into a temporary page, then takes one
 * headless-Chromium screenshot per view into datasource-plugin/docs/img/. The page is served from
 * a loopback HTTP server together with @grafana/ui's icon SVGs (which Icon fetches at run time).
 *   npm run screenshots -w datasource-plugin      (CHROMIUM=/path/to/chromium to override)
 *   npm run screenshots -w datasource-plugin -- annotation query-kpi   (only those views)
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '../../docs/img');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-shots-'));
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';

const VIEWS = {
  config: [1000, 520],
  'config-errors': [1000, 560],
  'query-kpi': [1280, 250],
  'query-incidents': [1280, 310],
  'query-changes': [1280, 270],
  annotation: [1400, 200],
  variable: [1000, 160],
};

await build({
  entryPoints: [path.join(here, 'harness.tsx')],
  bundle: true,
  outfile: path.join(tmp, 'harness.js'),
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  jsx: 'transform',
  minify: true,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
  loader: { '.svg': 'dataurl', '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty', '.css': 'empty' },
});
fs.writeFileSync(
  path.join(tmp, 'index.html'),
  '<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0}</style></head><body><div id="root"></div><script src="harness.js"></script></body></html>'
);
// @grafana/ui's Icon loads public/build/img/icons/<dir>/<name>.svg relative to the page.
const icons = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@grafana/ui/package.json')),
  'dist/public/img/icons'
);
fs.cpSync(icons, path.join(tmp, 'public/build/img/icons'), { recursive: true });

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.svg': 'image/svg+xml' };
const server = http.createServer((req, res) => {
  const file = path.join(tmp, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!file.startsWith(tmp) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

fs.mkdirSync(out, { recursive: true });
try {
  const only = process.argv.slice(2);
  const unknown = only.filter((v) => !(v in VIEWS));
  if (unknown.length) {
    throw new Error(`unknown view(s) ${unknown.join(', ')}: choose from ${Object.keys(VIEWS).join(', ')}`);
  }
  for (const [view, [w, h]] of Object.entries(VIEWS).filter(([v]) => only.length === 0 || only.includes(v))) {
    const file = path.join(out, `${view}.png`);
    await promisify(execFile)(chromium, [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--hide-scrollbars',
      '--force-device-scale-factor=1',
      `--window-size=${w},${h}`,
      '--virtual-time-budget=5000',
      `--screenshot=${file}`,
      `${base}/index.html#${view}`,
    ]);
    console.log(`${file} (${w}×${h})`);
  }
} finally {
  server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
