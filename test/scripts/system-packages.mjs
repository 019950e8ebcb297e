#!/usr/bin/env node
// Checks that the system binaries the cross-component tests need are installed, and
// installs the missing Debian packages when it can (root on Debian). Run first by the
// root `npm test`. Plain Node ESM, no dependencies.
//
// Environment:
//   BALLAST_SYSTEM_BIN_DIRS   colon-separated directories that replace the default search
//                             locations (see test/support/binaries.mjs)
//   BALLAST_SYSTEM_PACKAGES   auto (default): install when root on Debian, else explain;
//                             check: never install, explain and exit 1 when something is missing;
//                             dry-run: print what would be installed and the commands, exit 1.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { MANUAL_INSTALL_COMMAND, TOOLS, locateAll } from '../support/binaries.mjs';

const PREFIX = 'system-packages:';
const mode = process.env.BALLAST_SYSTEM_PACKAGES ?? 'auto';
if (!['auto', 'check', 'dry-run'].includes(mode)) {
  console.error(`${PREFIX} BALLAST_SYSTEM_PACKAGES must be auto, check or dry-run (got ${JSON.stringify(mode)})`);
  process.exit(2);
}

/** Order packages as in TOOLS, without duplicates. */
function packagesFor(tools) {
  const wanted = new Set(tools.map((t) => t.debPackage));
  return [...new Set(TOOLS.map((t) => t.debPackage))].filter((p) => wanted.has(p));
}

function describeMissing(missing) {
  const lines = [];
  for (const pkg of packagesFor(missing)) {
    const tools = missing.filter((t) => t.debPackage === pkg);
    lines.push(`  - ${pkg}: provides ${tools.map((t) => t.names[0]).join(', ')}`);
    for (const t of tools) lines.push(`      ${t.names[0]}: ${t.why}`);
  }
  return lines.join('\n');
}

function run(argv, env) {
  console.log(`${PREFIX} $ ${argv.join(' ')}`);
  const r = spawnSync(argv[0], argv.slice(1), {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...env },
  });
  if (r.error) throw new Error(`${argv[0]} could not be started: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(
      `\`${argv.join(' ')}\` failed with ${r.status === null ? `signal ${r.signal}` : `exit code ${r.status}`}`
    );
  }
}

const first = locateAll();
if (first.missing.length === 0) {
  const pgDir = first.found.postgres ? first.found.postgres.replace(/\/postgres$/, '') : '?';
  console.log(
    `${PREFIX} all present (postgres in ${pgDir}, prometheus, promtool, ${first.found.alertmanager?.split('/').pop()}, amtool, chromium, unzip)`
  );
  process.exit(0);
}

const packages = packagesFor(first.missing);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const isDebian = existsSync('/etc/debian_version');
const installArgs = [
  'apt-get',
  'install',
  '-y',
  '--no-install-recommends',
  '-o',
  'DPkg::Lock::Timeout=300',
  ...packages,
];
const manualCommand =
  packages.length === new Set(TOOLS.map((t) => t.debPackage)).size
    ? MANUAL_INSTALL_COMMAND
    : `sudo apt-get install -y ${packages.join(' ')}`;

console.error(`${PREFIX} missing system binaries needed by the tests in test/:`);
console.error(describeMissing(first.missing));

if (mode === 'dry-run') {
  console.log(
    `${PREFIX} dry run (BALLAST_SYSTEM_PACKAGES=dry-run): as root on Debian this would install: ${packages.join(' ')}`
  );
  console.log(`${PREFIX} would run: apt-get update`);
  console.log(`${PREFIX} would run: DEBIAN_FRONTEND=noninteractive ${installArgs.join(' ')}`);
  console.log(`${PREFIX} otherwise it would ask you to run: ${manualCommand}`);
  process.exit(1);
}

if (mode === 'check' || !isRoot || !isDebian) {
  const reason =
    mode === 'check'
      ? 'BALLAST_SYSTEM_PACKAGES=check, so nothing is installed automatically'
      : !isDebian
        ? 'this is not a Debian system (no /etc/debian_version), so nothing is installed automatically'
        : 'not running as root, so nothing is installed automatically';
  console.error(`${PREFIX} ${reason}. Install them with:`);
  console.error('');
  console.error(`    ${manualCommand}`);
  console.error('');
  console.error(`${PREFIX} (on a fresh machine run \`sudo apt-get update\` first)`);
  process.exit(1);
}

console.log(`${PREFIX} running as root on Debian: installing ${packages.join(' ')}`);
try {
  run(['apt-get', 'update']);
  run(installArgs, { DEBIAN_FRONTEND: 'noninteractive' });
} catch (err) {
  console.error(`${PREFIX} installing Debian packages failed: ${err instanceof Error ? err.message : String(err)}`);
  console.error(`${PREFIX} install them by hand with: ${manualCommand}`);
  process.exit(1);
}

const after = locateAll();
if (after.missing.length > 0) {
  console.error(`${PREFIX} still missing after installing ${packages.join(' ')}:`);
  console.error(describeMissing(after.missing));
  if (process.env.BALLAST_SYSTEM_BIN_DIRS !== undefined) {
    console.error(
      `${PREFIX} note: BALLAST_SYSTEM_BIN_DIRS=${process.env.BALLAST_SYSTEM_BIN_DIRS} restricts where binaries are looked for`
    );
  }
  process.exit(1);
}

// Smoke-check that the freshly installed binaries actually start (catches missing libraries).
for (const tool of first.missing) {
  const file = after.found[tool.key];
  const r = spawnSync(file, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n')[0] ?? '';
  if (r.error || r.status !== 0) {
    console.error(`${PREFIX} ${file} --version failed (${r.error?.message ?? `exit ${r.status}`}): ${out}`);
    process.exit(1);
  }
  console.log(`${PREFIX} ok ${file}: ${out}`);
}
console.log(`${PREFIX} installed ${packages.join(' ')}; all present`);
