/**
 * Bundles a plugin's harness page (`<plugin>/harness/host.tsx`, with the real React and @grafana/*
 * packages) into `<plugin>/harness/.build/host.js` for headless Chromium. Fonts, images and CSS
 * files the packages import are left out: the page only has to render.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

export async function buildHarnessHost(pluginRoot: string): Promise<void> {
  const out = path.join(pluginRoot, 'harness', '.build');
  fs.mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [path.join(pluginRoot, 'harness', 'host.tsx')],
    bundle: true,
    outfile: path.join(out, 'host.js'),
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    jsx: 'transform',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: { '.svg': 'text', '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty', '.png': 'empty', '.css': 'empty' },
    logLevel: 'error',
  });
}
