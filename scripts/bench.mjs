#!/usr/bin/env node
/**
 * `npm run bench [-- words...]`: the exporter's benchmark sections (seeding, ingest, KPI latency
 * on both stores) and the panel's render benchmark in Chromium. Words choose sections by name, as
 * the exporter's bench does; the word `panel` chooses the panel's. Exits non-zero when one fails.
 */
import { spawnSync } from 'node:child_process';

const words = process.argv.slice(2);
const exporterWords = words.filter((w) => w !== 'panel');
const runs = [];
if (words.length === 0 || exporterWords.length > 0) {
  // by package name: `-w exporter` is a folder and would select exporter/contract as well
  runs.push(
    ['run', 'build', '-w', '@ballast/exporter'],
    ['run', 'bench', '-w', '@ballast/exporter', '--', ...exporterWords]
  );
}
if (words.length === 0 || words.includes('panel')) runs.push(['run', 'bench', '-w', 'panel-plugin']);

let failed = false;
for (const args of runs) {
  const { status } = spawnSync('npm', args, { stdio: 'inherit' });
  if (status !== 0) {
    failed = true;
    if (args[1] === 'build') break; // nothing to measure without the build
  }
}
process.exitCode = failed ? 1 : 0;
