/**
 * The mutation-testing scopes (StrykerJS), declared once: what is mutated, which tests may kill
 * the mutants, and the score each must keep (issue 19). `node mutation/run.mjs` derives a Stryker
 * config from each; reports land in reports/mutation/<name>/ (HTML and JSON).
 *
 * `tests` are the test files that run in the sandbox: the unit tests and the SQLite-backed ones of
 * that code. Tests that start PostgreSQL, Prometheus, Chromium or a built dist/ stay in `npm test`
 * (the SQL is the same on both stores there; a mutant is a change of TypeScript).
 */
export const SCOPES = [
  {
    name: 'exporter-domain',
    workspace: 'exporter',
    mutate: ['exporter/src/domain/**/*.ts'],
    // The domain's own tests (pure, fast: domain-*.test.ts) and the pure parts of reviews.test.ts.
    // Stryker counts code run in a beforeAll as "static": each such mutant runs every test of the
    // scope, so the HTTP tests that also reach the domain (kpis, gate, ingest, api, kpis-dora) stay
    // in `npm test`.
    tests: [
      'test/kpis-domain.test.ts',
      'test/fuzz-time.test.ts',
      'test/domain-*.test.ts',
      'test/reports-domain.test.ts',
      'test/reviews.test.ts',
      'test/service-audit.test.ts',
    ],
    target: 85,
  },
  {
    name: 'exporter-service',
    workspace: 'exporter',
    mutate: ['exporter/src/service/**/*.ts'],
    // The services called directly on a SQLite store (service-*.test.ts, fast, their setup inside
    // the tests). Stryker counts code run in a beforeAll as "static": each such mutant runs every
    // test of the scope, so the HTTP tests (a server started in a beforeAll: kpis, api, store,
    // gate, aggregates, reviews) stay in `npm test` only.
    tests: ['test/service-*.test.ts', 'test/list-params.test.ts'],
    target: 85,
  },
  {
    name: 'exporter-ingest',
    workspace: 'exporter',
    mutate: ['exporter/src/ingest/**/*.ts'],
    // The adapters called directly (fast): the receivers' zod schemas and tables are module-level,
    // so their mutants are "static" and each runs every test of the scope; the HTTP receiver tests
    // (ingest*.test.ts, a server per file) stay in `npm test`.
    tests: [
      'test/ingest-adapters-changes.test.ts',
      'test/ingest-adapters-incidents.test.ts',
      'test/ingest-adapters-tools.test.ts',
      'test/ingest-adapters-edges.test.ts',
      'test/ingest-config.test.ts',
      'test/ingest-pipeline.test.ts',
      'test/ingest-write.test.ts',
    ],
    target: 75,
  },
  {
    name: 'exporter-auth',
    workspace: 'exporter',
    mutate: ['exporter/src/api/auth.ts'],
    tests: ['test/auth.test.ts'],
    target: 75,
  },
  {
    name: 'contract-kpis',
    workspace: 'exporter/contract',
    mutate: ['exporter/contract/src/kpis/**/*.ts'],
    tests: ['test/registry.test.ts', 'test/status.test.ts', 'test/formulas.test.ts'],
    target: 75,
  },
  {
    name: 'datasource-queries',
    workspace: 'datasource-plugin',
    mutate: ['datasource-plugin/src/template.ts', 'datasource-plugin/src/queries/**/*.ts'],
    tests: ['src/template.test.ts', 'src/interpolation.test.ts', 'src/datasource.test.ts'],
    target: 75,
  },
  {
    name: 'panel-data',
    workspace: 'panel-plugin',
    mutate: ['panel-plugin/src/data/**/*.ts', '!panel-plugin/src/data/**/*.test.ts'],
    tests: ['src/data/**/*.test.ts'],
    target: 75,
  },
];

/** Each workspace's own Vitest config (the mutation config extends it), from the repository root. */
export const BASE_VITEST_CONFIG = {
  exporter: 'exporter/vitest.config.ts',
  'exporter/contract': 'exporter/contract/vitest.config.ts',
  'datasource-plugin': '.config/vitest.config.ts',
  'panel-plugin': '.config/vitest.config.ts',
};
