/*
 * Checks every plugin runs on its built package, the way Grafana will see it. Each plugin calls
 * `describePluginPackage(<its plugin class>)` from one small test file, so the checks exist once:
 *
 *  - src/plugin.json and dist/plugin.json validate against Grafana's plugin.json JSON schema
 *    (../shared/grafana/plugin.schema.json beside the repo, else the vendored copy in
 *    .config/grafana/, see SOURCE there);
 *  - dist/ holds what Grafana mounts: module.js, plugin.json, the logos, README.md;
 *  - dist/module.js is evaluated as Grafana's loader does: an AMD module, run with a `define`
 *    whose dependencies resolve to the REAL installed packages (@grafana/data, @grafana/ui,
 *    @grafana/runtime, react, ...), and its `plugin` export must be an instance of the real class
 *    (DataSourcePlugin / PanelPlugin / AppPlugin) from the installed @grafana/data;
 *  - module.js asks only for modules Grafana provides and stays small (React, @grafana/* and the
 *    other shared dependencies are not bundled).
 *
 * dist/ must be built first (`npm run build -w <plugin>`; the root `npm test` builds before testing).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtPlugin, requirePrerequisites } from './prerequisites.ts';
import { GRAFANA_PROVIDED } from '../bundler/externals.ts';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SHARED_SCHEMA = path.resolve(REPO_ROOT, '..', 'shared', 'grafana', 'plugin.schema.json');
const VENDORED_SCHEMA = path.resolve(__dirname, '..', 'grafana', 'plugin.schema.json');

/**
 * Top-level keys that newer Grafana accepts in plugin.json but the stored schema predates; the
 * schema test allows exactly these (and no other unknown key):
 *  - `extensions`: UI-extension metadata, Grafana 11+;
 *  - `buildMode`: written into dist/plugin.json by the create-plugin build (BuildModeWebpackPlugin).
 */
export const KEYS_NEWER_THAN_SCHEMA = {
  extensions: { type: 'object' },
  buildMode: { type: 'string', enum: ['development', 'production'] },
} as const;

/** Grafana's plugin.json schema: the shared copy when present, else the vendored one. */
export function loadPluginSchema(): { schema: Record<string, unknown>; from: string } {
  const from = fs.existsSync(SHARED_SCHEMA) ? SHARED_SCHEMA : VENDORED_SCHEMA;
  return { schema: JSON.parse(fs.readFileSync(from, 'utf8')), from };
}

export function pluginJsonValidator() {
  const { schema, from } = loadPluginSchema();
  const extended = {
    ...schema,
    properties: { ...(schema.properties as object), ...KEYS_NEWER_THAN_SCHEMA },
  };
  delete (extended as { $schema?: string }).$schema; // draft-07, Ajv's default
  // The schema's patterns escape `-`, which Unicode-mode regular expressions refuse.
  const ajv = new (loadAjv())({ unicodeRegExp: false, allErrors: true, strict: false, formats: { uri: true } });
  return { validate: ajv.compile(extended), from };
}

interface AjvLike {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] | null };
}

/**
 * Ajv 8 as the plugin workspace declares it. Resolved from the plugin folder: from this folder
 * `ajv` would be whichever version npm hoisted to the root (an Ajv 6 that eslint brings along).
 */
function loadAjv(): new (options: Record<string, unknown>) => AjvLike {
  const require = createRequire(path.join(process.cwd(), 'package.json'));
  const ajv = require('ajv');
  const version = require('ajv/package.json').version as string;
  if (!version.startsWith('8.')) {
    throw new Error(`the plugin workspace resolves ajv ${version}; the schema test needs Ajv 8`);
  }
  return ajv.default ?? ajv;
}

type AmdFactory = (...deps: unknown[]) => Record<string, unknown>;

/**
 * Evaluates an AMD bundle the way Grafana's plugin loader runs module.js: a global `define(deps,
 * factory)` whose dependencies are Grafana's shared modules. Here each dependency is the real
 * installed package, imported as an ES module namespace (as Grafana hands them out); `module` is
 * the AMD meta module with the URL the bundle was loaded from.
 */
export async function loadAmdModule(file: string, moduleUri: string) {
  const code = fs.readFileSync(file, 'utf8');
  let captured: { deps: string[]; factory: AmdFactory } | undefined;
  const define = (deps: string[] | AmdFactory, factory?: AmdFactory) => {
    captured = Array.isArray(deps) ? { deps, factory: factory! } : { deps: [], factory: deps };
  };
  (define as unknown as { amd: object }).amd = {};

  new Function('define', code)(define);
  if (!captured) {
    throw new Error(`${file} did not call define(): not an AMD module`);
  }
  const deps = captured.deps;
  // One after the other: concurrent import() of packages whose CommonJS builds require() the
  // same ES modules trips a race in Node 20's module loader ("reading 'getStatus'").
  const resolved: unknown[] = [];
  for (const dep of deps) {
    resolved.push(dep === 'module' ? { uri: moduleUri, id: moduleUri } : await import(/* @vite-ignore */ dep));
  }
  return { deps, exports: captured.factory(...resolved) };
}

export interface PluginPackageOptions {
  /** The real class from @grafana/data that `plugin` must be an instance of. */
  pluginClass: abstract new (...args: never[]) => unknown;
  /** Upper bound for dist/module.js in KiB. */
  maxModuleKiB?: number;
  /** A literal of @ballast/contract code the plugin uses, as the minified module.js holds it. */
  contractMarker?: string;
}

export function describePluginPackage({
  pluginClass,
  maxModuleKiB = 250,
  contractMarker = '"ApiError"',
}: PluginPackageOptions) {
  const pluginDir = process.cwd();
  const srcPluginJson = JSON.parse(fs.readFileSync(path.join(pluginDir, 'src', 'plugin.json'), 'utf8'));
  const dist = path.join(pluginDir, 'dist');
  const moduleJs = path.join(dist, 'module.js');
  const built = fs.existsSync(moduleJs);
  const sizeKiB = built ? fs.statSync(moduleJs).size / 1024 : NaN;

  describe(`plugin package ${srcPluginJson.id}`, () => {
    it('src/plugin.json validates against Grafana’s plugin.json schema', () => {
      const { validate, from } = pluginJsonValidator();
      const ok = validate(srcPluginJson);
      expect(validate.errors ?? [], `against ${from}`).toEqual([]);
      expect(ok).toBe(true);
      expect(srcPluginJson.dependencies.grafanaDependency).toBe('>=12.3.0');
    });

    it('a key the schema does not know is refused (the validator is strict)', () => {
      const { validate } = pluginJsonValidator();
      expect(validate({ ...srcPluginJson, notAPluginJsonKey: true })).toBe(false);
      expect(validate({ ...srcPluginJson, id: 'Not_A_Valid_Id' })).toBe(false);
    });

    it('dist/ was built (npm run build in this workspace)', () => {
      expect(
        built,
        `no ${moduleJs}: run \`npm run build -w ${path.basename(pluginDir)}\` at the repository root first`
      ).toBe(true);
    });

    // Without a build each of these fails too, with the command (never skipped).
    describe('the built dist/', () => {
      beforeAll(() => requirePrerequisites([builtPlugin(pluginDir)]));
      it('holds what Grafana mounts: module.js, plugin.json, logos, README.md', () => {
        const distJson = JSON.parse(fs.readFileSync(path.join(dist, 'plugin.json'), 'utf8'));
        expect(fs.existsSync(path.join(dist, 'README.md'))).toBe(true);
        for (const logo of new Set([distJson.info.logos.small, distJson.info.logos.large])) {
          expect(fs.existsSync(path.join(dist, logo)), logo).toBe(true);
        }
        expect(distJson.id).toBe(srcPluginJson.id);
        expect(distJson.info.version).toMatch(/^\d+\.\d+\.\d+$/);
        expect(distJson.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(distJson.buildMode).toBe('production');
      });

      it('dist/plugin.json validates against the schema (version and date filled in)', () => {
        const { validate } = pluginJsonValidator();
        const distJson = JSON.parse(fs.readFileSync(path.join(dist, 'plugin.json'), 'utf8'));
        validate(distJson);
        expect(validate.errors ?? []).toEqual([]);
      });

      it(`module.js loads as an AMD module and exports a real ${pluginClass.name}`, async () => {
        const { deps, exports } = await loadAmdModule(moduleJs, `public/plugins/${srcPluginJson.id}/module.js`);
        for (const dep of deps) {
          expect(GRAFANA_PROVIDED, `module.js asks for "${dep}", which Grafana does not provide`).toContain(dep);
        }
        expect(exports.plugin).toBeInstanceOf(pluginClass);
      });

      it('module.js bundles the @ballast/contract code it uses (never an AMD dependency), without zod', () => {
        const code = fs.readFileSync(moduleJs, 'utf8');
        const define = /define\((\[[^\]]*\])/.exec(code);
        expect(define, 'module.js starts with define([...])').not.toBeNull();
        expect(JSON.parse(define![1]) as string[]).not.toContain('@ballast/contract');
        expect(code).toContain(contractMarker);
        // The record schemas are zod; plugins only import their types, so no zod class may be bundled.
        expect(code).not.toMatch(/"\$Zod[A-Z]\w*"/);
      });

      it(`module.js is small: ${sizeKiB.toFixed(1)} KiB (limit ${maxModuleKiB} KiB), no bundled React or Grafana packages`, () => {
        expect(sizeKiB).toBeLessThan(maxModuleKiB);
        const code = fs.readFileSync(moduleJs, 'utf8');
        expect(code).not.toMatch(/react\.production\.min|__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED/);
        expect(code.startsWith('/* [create-plugin] version: ')).toBe(true);
      });
    });
  });
}
