/*
 * Helpers for the shared webpack config. Adapted from the `.config/bundler` folder that
 * @grafana/create-plugin 7.1.7 scaffolds; every path is read from the plugin folder the build
 * runs in (`npm run build -w <plugin>` runs with that folder as the working directory).
 */
import fs from 'fs';
import path from 'path';
import process from 'process';
import { glob } from 'glob';
import { SOURCE_DIR } from './constants.ts';

/** The root `.config` folder (this file lives in `.config/bundler`). */
export const CONFIG_DIR = path.resolve(__dirname, '..');

function readJson(file: string) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

export function getPackageJson() {
  return readJson(path.resolve(process.cwd(), 'package.json'));
}

export function getPluginJson() {
  return readJson(path.resolve(process.cwd(), SOURCE_DIR, 'plugin.json'));
}

/** The create-plugin version this toolchain follows (`.config/.cprc.json`). */
export function getCPConfigVersion(): string {
  const cprc = path.join(CONFIG_DIR, '.cprc.json');
  return fs.existsSync(cprc) ? readJson(cprc).version : 'unknown';
}

export function hasReadme() {
  return fs.existsSync(path.resolve(process.cwd(), SOURCE_DIR, 'README.md'));
}

/**
 * One entry per `plugin.json` under src/ that has a sibling `module.(ts|tsx|js|jsx)`; the top one
 * becomes `module`, nested ones `<dir>/module` (apps that ship nested plugins).
 */
export async function getEntries(): Promise<Record<string, string>> {
  const cwd = process.cwd();
  const pluginJsons = await glob(`${SOURCE_DIR}/**/plugin.json`, {
    cwd,
    absolute: true,
    ignore: ['**/node_modules/**'],
  });
  const entries: Record<string, string> = {};
  for (const pluginJson of pluginJsons.sort()) {
    const folder = path.dirname(pluginJson);
    const modules = await glob('module.{ts,tsx,js,jsx}', { cwd: folder, absolute: true });
    for (const module of modules) {
      const rel = path.relative(path.join(cwd, SOURCE_DIR), folder);
      entries[rel === '' ? 'module' : `${rel}/module`] = module;
    }
  }
  return entries;
}
