#!/usr/bin/env node
/**
 * `npm run mutate [-- <scope> ...]`: runs StrykerJS on each scope of mutation/scopes.mjs (all by
 * default) from the repository root, writes reports/mutation/<scope>/index.html and
 * mutation.json, and prints the score of each scope against its target. Exits 1 when a scope is
 * below its target. Options: --concurrency N (default 2), --no-check (skip the TypeScript
 * checker, faster), --mutate <glob,glob> (a part of the scope, e.g. one file), --list.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_VITEST_CONFIG, SCOPES } from './scopes.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REPORTS = path.join(ROOT, 'reports', 'mutation');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const concurrency = Number(option('--concurrency', '2'));
const names = args.filter((a, i) => !a.startsWith('--') && !['--concurrency', '--mutate'].includes(args[i - 1]));

if (flag('--list')) {
  for (const s of SCOPES) console.log(`${s.name.padEnd(20)} target ${s.target} %  ${s.mutate.join(' ')}`);
  process.exit(0);
}
const unknown = names.filter((n) => !SCOPES.some((s) => s.name === n));
if (unknown.length > 0) {
  console.error(`unknown scope ${unknown.join(', ')}; scopes: ${SCOPES.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const chosen = names.length > 0 ? names.map((n) => SCOPES.find((s) => s.name === n)) : SCOPES; // in the order asked

/** The Stryker options of one scope (https://stryker-mutator.io/docs/stryker-js/configuration/). */
function strykerConfig(scope) {
  const dir = path.join(REPORTS, scope.name);
  return {
    $schema: '../../../node_modules/@stryker-mutator/core/schema/stryker-schema.json',
    packageManager: 'npm',
    testRunner: 'vitest',
    vitest: { configFile: 'mutation/vitest.config.ts', related: false },
    checkers: flag('--no-check') ? [] : ['typescript'],
    tsconfigFile: path.join(scope.workspace, 'tsconfig.json'),
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    mutate: option('--mutate', '') ? option('--mutate', '').split(',') : scope.mutate,
    // Later runs re-test only the mutants whose code or tests changed.
    incremental: true,
    incrementalFile: path.relative(ROOT, path.join(dir, 'incremental.json')),
    ignorePatterns: ['dist', '/reports', 'release', '.stryker-tmp', 'docs/img', '**/*.png', 'provisioning'],
    coverageAnalysis: 'perTest',
    concurrency,
    timeoutMS: 30_000,
    tempDirName: `.stryker-tmp/${scope.name}`, // one per scope: two scopes may run side by side
    cleanTempDir: 'always',
    reporters: ['html', 'json', 'clear-text', 'progress'],
    htmlReporter: { fileName: path.relative(ROOT, path.join(dir, 'index.html')) },
    jsonReporter: { fileName: path.relative(ROOT, path.join(dir, 'mutation.json')) },
    thresholds: { high: Math.max(scope.target, 80), low: scope.target, break: null },
  };
}

/** Mutation score as Stryker computes it: killed + timeout over valid mutants (no compile errors). */
function scoreOf(report) {
  const counts = {};
  for (const file of Object.values(report.files))
    for (const m of file.mutants) counts[m.status] = (counts[m.status] ?? 0) + 1;
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const valid = detected + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  return { score: valid === 0 ? NaN : (100 * detected) / valid, counts, valid };
}

const results = [];
for (const scope of chosen) {
  fs.mkdirSync(path.join(REPORTS, scope.name), { recursive: true });
  const configFile = path.join(REPORTS, scope.name, 'stryker.config.json');
  fs.writeFileSync(configFile, JSON.stringify(strykerConfig(scope), null, 2) + '\n');
  console.log(`\n== ${scope.name}: mutating ${scope.mutate.join(' ')}`);
  const started = Date.now();
  const run = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'), 'run', configFile],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: {
        ...process.env,
        BALLAST_MUTATION_WORKSPACE: scope.workspace,
        BALLAST_MUTATION_BASE_CONFIG: BASE_VITEST_CONFIG[scope.workspace],
        BALLAST_MUTATION_TESTS: scope.tests.join(','),
        // Mutants change TypeScript, not SQL: the store-backed tests run on SQLite only here.
        BALLAST_TEST_STORES: 'sqlite',
      },
    }
  );
  const reportFile = path.join(REPORTS, scope.name, 'mutation.json');
  if (run.status !== 0 || !fs.existsSync(reportFile)) {
    results.push({ scope, error: `stryker exited with ${run.status}` });
    continue;
  }
  results.push({
    scope,
    ...scoreOf(JSON.parse(fs.readFileSync(reportFile, 'utf8'))),
    minutes: (Date.now() - started) / 60_000,
  });
}

console.log(
  '\nMutation score per scope (killed + timeout) / valid mutants; reports in reports/mutation/<scope>/index.html'
);
let below = 0;
for (const r of results) {
  if (r.error) {
    below++;
    console.log(`  ${r.scope.name.padEnd(20)} ERROR ${r.error}`);
    continue;
  }
  const ok = r.score >= r.scope.target;
  if (!ok) below++;
  const c = r.counts;
  console.log(
    `  ${r.scope.name.padEnd(20)} ${r.score.toFixed(1).padStart(5)} %  target ${r.scope.target} %  ${ok ? 'ok' : 'BELOW'}  ` +
      `(${r.valid} mutants: ${c.Killed ?? 0} killed, ${c.Timeout ?? 0} timeout, ${c.Survived ?? 0} survived, ${c.NoCoverage ?? 0} no coverage; ` +
      `${(c.CompileError ?? 0) + (c.RuntimeError ?? 0)} invalid; ${r.minutes.toFixed(1)} min)`
  );
}
process.exit(below > 0 ? 1 : 0);
