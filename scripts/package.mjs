#!/usr/bin/env node
/**
 * `npm run package`: release zips of the three Grafana plugins, laid out as Grafana's plugin
 * catalog and `grafana cli --pluginUrl` expect ("Package a plugin", grafana.com/developers/plugin-tools):
 * `<id>-<version>.zip` holding one folder named after the plugin id, which is the plugin's `dist/`.
 * A `<zip>.sha1` beside each is the checksum the catalog asks for. Unsigned: see docs/plugins.md.
 *
 *   node scripts/package.mjs [--out <dir>] [plugin folder...]   (default: release/, all three)
 *
 * It zips what `npm run build` left in each `dist/` and refuses a dist that is missing or unfinished
 * (no module.js, version placeholders), so a zip never holds a half-built plugin.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PLUGIN_FOLDERS = ['datasource-plugin', 'panel-plugin', 'app-plugin'];

/** The plugin.json a dist/ holds, checked to be a finished build. */
export function readBuiltPlugin(pluginDir) {
  const dist = join(pluginDir, 'dist');
  const file = join(dist, 'plugin.json');
  if (!existsSync(file)) {
    throw new Error(
      `${relative(ROOT, dist) || dist}: no plugin.json; build the plugin first (npm run build -w ${relative(ROOT, pluginDir)})`
    );
  }
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const problems = [];
  if (typeof json.id !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)+$/.test(json.id))
    problems.push(`id ${JSON.stringify(json.id)} is not a plugin id`);
  const version = json.info?.version;
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+/.test(version))
    problems.push(`info.version ${JSON.stringify(version)} is not a version (was %VERSION% replaced?)`);
  if (!existsSync(join(dist, 'module.js'))) problems.push('module.js is missing');
  if (problems.length > 0) throw new Error(`${relative(ROOT, file)}: ${problems.join('; ')}`);
  return { dist, id: json.id, version, json };
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return [{ path, dir: true }, ...filesUnder(path)];
      if (entry.isFile()) return [{ path, dir: false }];
      throw new Error(`${path}: only files and folders go into a plugin zip`);
    });
}

/** Writes `<outDir>/<id>-<version>.zip` (and `.sha1`) from `<pluginDir>/dist`; resolves to its description. */
export async function packagePlugin(pluginDir, outDir) {
  const { dist, id, version } = readBuiltPlugin(pluginDir);
  mkdirSync(outDir, { recursive: true });
  const zipPath = join(outDir, `${id}-${version}.zip`);
  const zip = new yazl.ZipFile();
  // The catalog's layout: everything under one folder named after the id (Grafana renames that
  // first folder to the id on install, pkg/plugins/storage/fs.go).
  zip.addEmptyDirectory(`${id}/`, { mode: 0o40755 });
  const entries = [`${id}/`];
  for (const file of filesUnder(dist)) {
    const name = `${id}/${relative(dist, file.path).split(sep).join('/')}`;
    const { mtime } = statSync(file.path);
    if (file.dir) {
      zip.addEmptyDirectory(`${name}/`, { mtime, mode: 0o40755 });
      entries.push(`${name}/`);
    } else {
      zip.addFile(file.path, name, { mtime, mode: 0o100644 });
      entries.push(name);
    }
  }
  zip.end();
  await new Promise((done, fail) => {
    const out = createWriteStream(zipPath);
    out.on('close', done).on('error', fail);
    zip.outputStream.on('error', fail).pipe(out);
  });
  const sha1 = createHash('sha1').update(readFileSync(zipPath)).digest('hex');
  const sha1Path = `${zipPath}.sha1`;
  await new Promise((done, fail) =>
    createWriteStream(sha1Path).on('error', fail).end(`${sha1}  ${id}-${version}.zip\n`, done)
  );
  return { id, version, zipPath, sha1Path, sha1, entries };
}

async function main(argv) {
  let outDir = join(ROOT, 'release');
  const folders = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') outDir = resolve(argv[++i] ?? '');
    else if (argv[i] === '--help' || argv[i] === '-h') {
      process.stdout.write('usage: node scripts/package.mjs [--out <dir>] [plugin folder...]\n');
      return 0;
    } else folders.push(argv[i]);
  }
  let failed = false;
  for (const folder of folders.length > 0 ? folders : PLUGIN_FOLDERS) {
    try {
      const { zipPath, sha1, entries } = await packagePlugin(resolve(ROOT, folder), outDir);
      process.stdout.write(`${relative(process.cwd(), zipPath)}  ${entries.length} entries  sha1 ${sha1}\n`);
    } catch (error) {
      failed = true;
      process.stderr.write(`package: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
