// `npm run package` (scripts/package.mjs): each plugin's release zip is laid out as Grafana's
// plugin catalog and `grafana cli --pluginUrl` expect ("Package a plugin" in grafana/plugin-tools'
// docs: `<id>-<version>.zip` holding one folder named after the id), and installs the way Grafana's
// own extraction does it (pkg/plugins/storage/fs.go: extractFiles, removeGitBuildFromName,
// readPluginJSON). Needs the plugins' dist/ (npm test builds them first).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { requireBinary } from './support/binaries.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const SCRIPT = path.join(ROOT, 'scripts', 'package.mjs');
const PLUGINS = ['datasource-plugin', 'panel-plugin', 'app-plugin'];

interface Entry {
  name: string;
  dir: boolean;
  mode: number;
  data: Buffer;
}

function readZip(file: string): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (error, zip) => {
      if (error) return reject(error);
      const entries: Entry[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        const dir = entry.fileName.endsWith('/');
        const mode = (entry.externalFileAttributes >>> 16) & 0o177777;
        if (dir) {
          entries.push({ name: entry.fileName, dir, mode, data: Buffer.alloc(0) });
          return zip.readEntry();
        }
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.push({ name: entry.fileName, dir, mode, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

function filesOf(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? [`${prefix}${e.name}/`, ...filesOf(path.join(dir, e.name), `${prefix}${e.name}/`)]
      : [`${prefix}${e.name}`]
  );
}

/** Where Grafana writes an archive member: its first folder renamed to the plugin id (pkg/plugins/storage/fs.go, removeGitBuildFromName). */
function grafanaInstallPath(name: string, pluginId: string): string {
  return name.replace(/^[a-zA-Z0-9_.-]*\//, `${pluginId}/`);
}

const run = (args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' });

describe('plugin release zips (npm run package)', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'ballast-package-'));
  let result: ReturnType<typeof run>;
  beforeAll(() => {
    result = run(['--out', out]);
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('packages all three plugins', () => {
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readdirSync(out).filter((f) => f.endsWith('.zip'))).toHaveLength(3);
  });

  describe.each(PLUGINS)('%s', (folder) => {
    const source = JSON.parse(readFileSync(path.join(ROOT, folder, 'src', 'plugin.json'), 'utf8')) as { id: string };
    const version = (JSON.parse(readFileSync(path.join(ROOT, folder, 'package.json'), 'utf8')) as { version: string })
      .version;
    const id = source.id;
    const zipFile = () => path.join(out, `${id}-${version}.zip`);

    it('is named <id>-<version>.zip and holds exactly dist/, inside one folder named after the id', async () => {
      const entries = await readZip(zipFile());
      expect(entries[0]).toMatchObject({ name: `${id}/`, dir: true });
      for (const e of entries) expect(e.name.startsWith(`${id}/`), e.name).toBe(true);
      const dist = path.join(ROOT, folder, 'dist');
      expect(
        entries
          .map((e) => e.name.slice(id.length + 1))
          .filter((n) => n !== '')
          .sort()
      ).toEqual(filesOf(dist).sort());
      for (const e of entries.filter((x) => !x.dir)) {
        expect(e.data.equals(readFileSync(path.join(dist, e.name.slice(id.length + 1)))), e.name).toBe(true);
        expect(e.mode, e.name).toBe(0o100644);
      }
      for (const name of ['plugin.json', 'module.js', 'README.md', 'img/logo.svg'])
        expect(entries.map((e) => e.name)).toContain(`${id}/${name}`);
    });

    it('carries the built plugin.json with the same id and the release version', async () => {
      const entries = await readZip(zipFile());
      const pluginJson = JSON.parse(entries.find((e) => e.name === `${id}/plugin.json`)!.data.toString('utf8'));
      expect(pluginJson.id).toBe(id);
      expect(pluginJson.info.version).toBe(version);
      expect(pluginJson.info.updated).toMatch(/^\d{4}-\d\d-\d\d$/);
      expect(JSON.stringify(pluginJson)).not.toMatch(/%(VERSION|TODAY|PLUGIN_ID)%/);
    });

    it('installs the way Grafana extracts an archive: <plugins dir>/<id>/plugin.json, nothing outside', async () => {
      const entries = await readZip(zipFile());
      const installed = entries.map((e) => grafanaInstallPath(e.name, id));
      // readPluginJSON looks for <id>/plugin.json (then <id>/dist/plugin.json)
      expect(installed).toContain(`${id}/plugin.json`);
      // ZipSlip checks of extractFiles: no absolute names, no "..", every member under the plugin folder
      for (const e of entries) {
        expect(path.isAbsolute(e.name) || e.name.split('/').includes('..'), e.name).toBe(false);
        expect(installed[entries.indexOf(e)]).toBe(e.name);
      }
    });

    it('has a .sha1 beside it (the checksum the catalog asks for)', () => {
      const [sum, name] = readFileSync(`${zipFile()}.sha1`, 'utf8').trim().split(/\s+/);
      expect(name).toBe(`${id}-${version}.zip`);
      expect(sum).toBe(createHash('sha1').update(readFileSync(zipFile())).digest('hex'));
    });
  });

  it('extracts with Info-ZIP unzip into a plugins folder as <id>/', () => {
    const plugins = mkdtempSync(path.join(tmpdir(), 'ballast-plugins-'));
    try {
      for (const zip of readdirSync(out).filter((f) => f.endsWith('.zip'))) {
        const unzip = spawnSync(requireBinary('unzip'), ['-q', path.join(out, zip), '-d', plugins], {
          encoding: 'utf8',
        });
        expect(unzip.status, unzip.stderr).toBe(0);
      }
      expect(readdirSync(plugins).sort()).toEqual([
        'ballast-scorecard-panel',
        'ballast-stability-app',
        'ballast-stability-datasource',
      ]);
      for (const id of readdirSync(plugins))
        expect(JSON.parse(readFileSync(path.join(plugins, id, 'plugin.json'), 'utf8')).id).toBe(id);
    } finally {
      rmSync(plugins, { recursive: true, force: true });
    }
  });

  it('refuses an unfinished build and names what is wrong', () => {
    const fake = mkdtempSync(path.join(tmpdir(), 'ballast-unbuilt-'));
    try {
      mkdirSync(path.join(fake, 'dist'));
      writeFileSync(
        path.join(fake, 'dist', 'plugin.json'),
        JSON.stringify({ id: 'ballast-fake-panel', info: { version: '%VERSION%' } })
      );
      const refused = run(['--out', out, fake]);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('info.version "%VERSION%" is not a version');
      expect(refused.stderr).toContain('module.js is missing');
      expect(existsSync(path.join(out, 'ballast-fake-panel-%VERSION%.zip'))).toBe(false);

      const missing = run(['--out', out, path.join(fake, 'nothing-here')]);
      expect(missing.status).toBe(1);
      expect(missing.stderr).toMatch(/no plugin\.json; build the plugin first/);
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });
});
