// One ESLint flat config for the monorepo (`npm run lint`).
// - The three plugins and the shared `.config/`: the config `@grafana/create-plugin` scaffolds
//   (`.config/eslint.config.mjs` of its template: `@grafana/eslint-config`, `react/prop-types` off,
//   `@typescript-eslint/no-deprecated` as a warning with type information for `src/`).
// - The exporter: typescript-eslint's recommended rules, and the "may import" table of
//   docs/architecture.md as `import-x/no-restricted-paths` zones, plus `import-x/no-cycle`.
// - Tests and scripts: typescript-eslint's recommended rules.
// Formatting is Prettier's alone (`npm run format:check`); eslint-config-prettier turns off every
// rule that would disagree with it.
import { defineConfig, globalIgnores } from 'eslint/config';
import grafanaConfig from '@grafana/eslint-config';
import prettierConfig from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const PLUGINS = ['datasource-plugin', 'panel-plugin', 'app-plugin'];
const PLUGIN_FILES = [...PLUGINS.map((p) => `${p}/**/*.{js,mjs,cjs,ts,tsx}`), '.config/**/*.{js,mjs,ts,tsx}'];
const EXPORTER_SRC = 'exporter/src';

/**
 * docs/architecture.md, "may import": for each folder of exporter/src, the folders of ours it must
 * not import. `cli/` may import everything; the top-level composition files (server.ts, config.ts,
 * …) are not restricted.
 */
const MAY_IMPORT = {
  domain: [],
  store: ['domain'],
  service: ['domain', 'store'],
  ingest: ['domain', 'service'],
  api: ['domain', 'store', 'service', 'ingest', 'metrics'],
  metrics: ['domain', 'service'],
  demo: ['domain', 'service'],
  delivery: ['domain', 'service'],
};
const LAYERS = ['domain', 'store', 'service', 'ingest', 'api', 'metrics', 'cli', 'demo', 'delivery'];
const TOP_LEVEL = ['server.ts', 'config.ts', 'logger.ts', 'version.ts'];
const zones = Object.entries(MAY_IMPORT).map(([layer, allowed]) => ({
  target: `./${EXPORTER_SRC}/${layer}`,
  from: [
    ...LAYERS.filter((other) => other !== layer && !allowed.includes(other)).map(
      (other) => `./${EXPORTER_SRC}/${other}`
    ),
    ...TOP_LEVEL.map((file) => `./${EXPORTER_SRC}/${file}`),
  ],
  message: `docs/architecture.md: ${layer}/ may import ${allowed.length > 0 ? allowed.map((a) => `${a}/`).join(', ') : 'nothing of ours'}.`,
}));

// One contract (issue 13): no plugin imports another plugin's or the exporter's source, and the
// contract imports nothing of the exporter; what they share comes from @ballast/contract.
const contractZones = [
  {
    target: './exporter/contract',
    from: `./${EXPORTER_SRC}`,
    message: 'the contract depends on nothing of the exporter.',
  },
  ...PLUGINS.map((plugin) => ({
    target: `./${plugin}`,
    from: [...PLUGINS.filter((other) => other !== plugin).map((other) => `./${other}`), `./${EXPORTER_SRC}`],
    message: 'a plugin imports no other plugin and not the exporter: shared code lives in @ballast/contract.',
  })),
];

/** Applies shared configs (which carry no `files`) to some files only. */
const only = (files, configs) => configs.map((config) => ({ ...config, files }));

export default defineConfig([
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    '**/dist-check/',
    '**/.build/', // the harness pages' esbuild bundles
    '.stryker-tmp/',
    'reports/',
    '**/coverage/',
    '**/*.log',
    'data/',
    'exporter/data/',
    'release/',
    'test/artifacts/',
    'test/.scratch/',
    '**/.eslintcache',
  ]),

  // ---- Grafana plugins: create-plugin's config
  ...only(PLUGIN_FILES, grafanaConfig),
  {
    files: PLUGIN_FILES,
    settings: { react: { version: '18.3' } },
    rules: { 'react/prop-types': 'off' },
  },
  {
    files: PLUGINS.map((p) => `${p}/src/**/*.{ts,tsx}`),
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-deprecated': 'warn' },
  },

  {
    files: [...PLUGINS.map((p) => `${p}/**/*.{ts,tsx}`), 'exporter/contract/**/*.ts'],
    // A unit test may read another plugin's source to check that the two agree (the panel reads the
    // frames the data source writes); nothing bundled may.
    ignores: ['**/*.test.{ts,tsx}'],
    plugins: { 'import-x': importX },
    // relative paths are all these zones need
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] })],
    },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: contractZones, basePath: import.meta.dirname }] },
  },

  // ---- the exporter, its contract, tests and scripts: typescript-eslint
  ...only(
    ['exporter/**/*.{ts,mts,js,mjs}', 'test/**/*.{ts,mts,js,mjs}', 'scripts/**/*.{js,mjs}', '*.{js,mjs}'],
    tseslint.configs.recommended
  ),
  {
    files: ['exporter/**/*.ts', 'test/**/*.ts'],
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring to omit a field, callback arity)
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Tests read JSON answers whose shape is the very thing they assert.
    files: ['exporter/test/**/*.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: [`${EXPORTER_SRC}/**/*.ts`],
    plugins: { 'import-x': importX },
    settings: {
      // no-cycle parses the imported modules: with TypeScript's parser, not the default espree
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts'] },
      'import-x/extensions': ['.ts', '.mts', '.js', '.mjs'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'exporter/tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones, basePath: import.meta.dirname }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },

  prettierConfig,
]);
