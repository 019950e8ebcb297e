// Single source of truth for the system binaries the cross-component tests need.
// Plain Node ESM with no dependencies: used both by test/scripts/system-packages.mjs
// (run first by the root `npm test`, before anything is built or installed) and by the
// TypeScript helpers in test/support/ (through binaries.ts).
//
// Search locations, in order:
//   - BALLAST_SYSTEM_BIN_DIRS (colon-separated) replaces ALL default locations when set;
//     useful for pointing at a custom install, or for simulating a missing binary in tests;
//   - otherwise /usr/lib/postgresql/<version>/bin (newest version first) for the PostgreSQL
//     server binaries, then the directories in PATH, then /usr/local/bin, /usr/bin, /bin,
//     /usr/local/sbin, /usr/sbin, /sbin.

import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * @typedef {object} Tool
 * @property {string} key           stable id used by the support code
 * @property {string[]} names       executable names to look for, preferred first
 * @property {string} debPackage    Debian package that ships it
 * @property {string} why           what the tests use it for
 * @property {boolean} [postgresServer] lives in the PostgreSQL server bin dir (all found in one dir)
 */

/** @type {readonly Tool[]} */
export const TOOLS = Object.freeze([
  {
    key: 'initdb',
    names: ['initdb'],
    debPackage: 'postgresql',
    why: 'creates throw-away PostgreSQL clusters for the exporter Postgres store tests',
    postgresServer: true,
  },
  {
    key: 'postgres',
    names: ['postgres'],
    debPackage: 'postgresql',
    why: 'runs the throw-away PostgreSQL server',
    postgresServer: true,
  },
  {
    key: 'pg_ctl',
    names: ['pg_ctl'],
    debPackage: 'postgresql',
    why: 'PostgreSQL server control utility (shipped with the server)',
    postgresServer: true,
  },
  {
    key: 'prometheus',
    names: ['prometheus'],
    debPackage: 'prometheus',
    why: 'scrapes the exporter and evaluates Ballast recording/alerting rules',
  },
  {
    key: 'promtool',
    names: ['promtool'],
    debPackage: 'prometheus',
    why: 'checks generated rule files and runs rule unit tests',
  },
  {
    key: 'alertmanager',
    // Debian renames the binary; upstream tarballs call it `alertmanager`.
    names: ['prometheus-alertmanager', 'alertmanager'],
    debPackage: 'prometheus-alertmanager',
    why: 'receives alerts from Prometheus and delivers webhook notifications',
  },
  {
    key: 'amtool',
    names: ['amtool'],
    debPackage: 'prometheus-alertmanager',
    why: 'checks generated Alertmanager configs and manages silences',
  },
  {
    key: 'chromium',
    names: ['chromium', 'chromium-browser'],
    debPackage: 'chromium',
    why: 'headless browser for rendering the Grafana plugins and taking screenshots',
  },
  {
    key: 'unzip',
    names: ['unzip'],
    debPackage: 'unzip',
    why: "extracts the plugins' release zips the way a Grafana admin does (Info-ZIP)",
  },
]);

/** The command a non-root user (or a non-Debian machine) is told to run. */
export const MANUAL_INSTALL_COMMAND =
  'sudo apt-get install -y postgresql prometheus prometheus-alertmanager chromium unzip';

const DEFAULT_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/local/sbin', '/usr/sbin', '/sbin'];
const POSTGRES_ROOT = '/usr/lib/postgresql';

/** @param {string} file */
function isExecutableFile(file) {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** @param {string[]} dirs */
function uniqueDirs(dirs) {
  const seen = new Set();
  const out = [];
  for (const d of dirs) {
    if (!d || !path.isAbsolute(d)) continue;
    const n = path.normalize(d);
    if (!seen.has(n)) {
      seen.add(n);
      out.push(n);
    }
  }
  return out;
}

/**
 * Directories searched for ordinary binaries.
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string[]}
 */
export function searchDirs(env = process.env) {
  const override = env.BALLAST_SYSTEM_BIN_DIRS;
  if (override !== undefined) return uniqueDirs(override.split(':'));
  return uniqueDirs([...(env.PATH ?? '').split(':'), ...DEFAULT_DIRS]);
}

/**
 * Candidate directories for the PostgreSQL server binaries, preferred first.
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string[]}
 */
export function postgresDirs(env = process.env) {
  if (env.BALLAST_SYSTEM_BIN_DIRS !== undefined) return searchDirs(env);
  let versions = [];
  try {
    versions = readdirSync(POSTGRES_ROOT).filter((v) => /^\d+(\.\d+)?$/.test(v));
  } catch {
    versions = [];
  }
  versions.sort((a, b) => Number(b) - Number(a));
  return uniqueDirs([...versions.map((v) => path.join(POSTGRES_ROOT, v, 'bin')), ...searchDirs(env)]);
}

/**
 * Locates every tool. PostgreSQL server binaries are taken from one directory that has
 * all of them (mixing versions breaks initdb/postgres).
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {{ found: Record<string, string>, missing: Tool[] }}
 */
export function locateAll(env = process.env) {
  /** @type {Record<string, string>} */
  const found = {};
  /** @type {Tool[]} */
  const missing = [];

  const pgTools = TOOLS.filter((t) => t.postgresServer);
  const pgDir = postgresDirs(env).find((dir) =>
    pgTools.every((t) => t.names.some((n) => isExecutableFile(path.join(dir, n))))
  );

  const dirs = searchDirs(env);
  for (const tool of TOOLS) {
    const candidates = tool.postgresServer ? (pgDir ? [pgDir] : []) : dirs;
    let hit;
    outer: for (const name of tool.names) {
      for (const dir of candidates) {
        const file = path.join(dir, name);
        if (isExecutableFile(file)) {
          hit = file;
          break outer;
        }
      }
    }
    if (hit) found[tool.key] = hit;
    else missing.push(tool);
  }
  return { found, missing };
}

/**
 * Absolute path of one tool, or throws an error that says how to install it.
 * @param {string} key one of TOOLS[].key
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string}
 */
export function binaryPath(key, env = process.env) {
  const tool = TOOLS.find((t) => t.key === key);
  if (!tool) throw new Error(`unknown system binary key ${JSON.stringify(key)}`);
  const { found } = locateAll(env);
  const hit = found[key];
  if (hit) return hit;
  const where = tool.postgresServer ? postgresDirs(env) : searchDirs(env);
  throw new Error(
    `${tool.names.join(' / ')} not found (Debian package ${tool.debPackage}; searched ${where.join(', ') || '(nothing)'}). ` +
      `Run \`node test/scripts/system-packages.mjs\` from the repository root, or: ${MANUAL_INSTALL_COMMAND}`
  );
}
