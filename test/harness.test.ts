// Proves that the test-support helpers start real servers, that those servers answer, and
// that nothing is left running (or on disk) when the test process ends, however it ends.

import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { MANUAL_INSTALL_COMMAND, locateAll, requireBinary } from './support/binaries.js';
import { makeTempDir, sweepStaleTempDirs } from './support/cleanup.js';
import { startAlertmanager } from './support/alertmanager.js';
import { screenshot, withPage } from './support/chromium.js';
import { freePort } from './support/ports.js';
import { startPostgres } from './support/postgres.js';
import { promtool, startPrometheus } from './support/prometheus.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');

function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8' },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number(err.code ?? 1) : 0, out: `${stdout}${stderr}` });
      }
    );
  });
}

describe('system-packages.mjs', () => {
  const script = path.join(repoRoot, 'test/scripts/system-packages.mjs');

  test('reports everything present in one line', async () => {
    const { code, out } = await run(process.execPath, [script]);
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(out).toMatch(/all present/);
  });

  test('names the missing packages and the command to run (simulated via BALLAST_SYSTEM_BIN_DIRS)', async () => {
    // A bin dir with everything except Alertmanager.
    const fake = makeTempDir('bindirs');
    const { found } = locateAll();
    for (const [key, file] of Object.entries(found)) {
      if (key !== 'alertmanager' && key !== 'amtool') symlinkSync(file, path.join(fake.path, path.basename(file)));
    }
    try {
      const dry = await run(process.execPath, [script], {
        BALLAST_SYSTEM_BIN_DIRS: fake.path,
        BALLAST_SYSTEM_PACKAGES: 'dry-run',
      });
      expect(dry.code).toBe(1);
      expect(dry.out).toMatch(/prometheus-alertmanager: provides prometheus-alertmanager, amtool/);
      expect(dry.out).toContain(
        'would run: DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 prometheus-alertmanager\n'
      );
      expect(dry.out).not.toMatch(/- postgresql:|- chromium:/);

      const check = await run(process.execPath, [script], {
        BALLAST_SYSTEM_BIN_DIRS: fake.path,
        BALLAST_SYSTEM_PACKAGES: 'check',
      });
      expect(check.code).toBe(1);
      expect(check.out).toContain('    sudo apt-get install -y prometheus-alertmanager\n');

      const none = await run(process.execPath, [script], {
        BALLAST_SYSTEM_BIN_DIRS: '/nonexistent',
        BALLAST_SYSTEM_PACKAGES: 'check',
      });
      expect(none.code).toBe(1);
      expect(none.out).toContain(`    ${MANUAL_INSTALL_COMMAND}\n`);
    } finally {
      fake.remove();
    }
  });
});

describe('servers', () => {
  test('PostgreSQL answers select 1 over TCP with the returned URL', async () => {
    const server = await startPostgres();
    try {
      expect(server.url).toMatch(/^postgres:\/\/ballast:ballast@127\.0\.0\.1:\d+\/ballast$/);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        const res = await client.query<{ one: number; db: string }>('select 1 as one, current_database() as db');
        expect(res.rows).toEqual([{ one: 1, db: 'ballast' }]);
      } finally {
        await client.end();
      }
    } finally {
      await server.stop();
    }
    expect(existsSync(server.dir)).toBe(false);
  });

  test('Prometheus scrapes itself (`up` is 1), loads rules and alerts a real Alertmanager; promtool runs', async () => {
    const am = await startAlertmanager();
    try {
      const rules =
        'groups:\n  - name: harness\n    rules:\n      - alert: HarnessAlwaysFiring\n        expr: vector(1)\n';
      const server = await startPrometheus({
        scrapeInterval: '1s',
        alertmanagerUrl: am.url,
        ruleFiles: { 'harness.yml': rules },
      });
      try {
        const version = await promtool(['--version']);
        expect(version.code).toBe(0);
        expect(version.stdout).toMatch(/^promtool, version \d+\./);
        const check = await promtool(['check', 'config', server.configFile]);
        expect(check.code, check.stdout + check.stderr).toBe(0);

        const samples = await server.waitFor(
          'up{job="prometheus"}',
          (s) => s.length === 1 && s[0]?.value === 1,
          30_000
        );
        expect(samples[0]?.metric.instance).toBe(`127.0.0.1:${server.port}`);

        const deadline = Date.now() + 20_000;
        let names: string[] = [];
        while (!names.includes('HarnessAlwaysFiring') && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          const alerts = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as Array<{
            labels: Record<string, string>;
          }>;
          names = alerts.map((a) => a.labels.alertname ?? '');
        }
        expect(names).toContain('HarnessAlwaysFiring');
      } finally {
        await server.stop();
      }
      expect(existsSync(server.dir)).toBe(false);
    } finally {
      await am.stop();
    }
  });

  test('Alertmanager answers /-/ready, and again after restart() on the same port', async () => {
    const server = await startAlertmanager();
    try {
      expect((await fetch(`${server.url}/-/ready`)).status).toBe(200);
      const before = server.pid;
      await server.restart();
      expect(server.pid).not.toBe(before);
      expect((await fetch(`${server.url}/-/ready`)).status).toBe(200);
      expect(existsSync(path.join(server.dir, 'data'))).toBe(true);
    } finally {
      await server.stop();
    }
    expect(existsSync(server.dir)).toBe(false);
  });

  describe('Chromium', () => {
    let http: Server | undefined;
    const out = makeTempDir('screenshots');
    afterAll(async () => {
      await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
      out.remove();
    });

    test('renders a local page (withPage) and writes a PNG screenshot (screenshot)', async () => {
      const port = await freePort();
      http = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!doctype html><title>Ballast harness</title><h1 id="t">Hello from Ballast</h1>');
      });
      await new Promise<void>((r) => http!.listen(port, '127.0.0.1', r));
      const url = `http://127.0.0.1:${port}/`;

      // One browser launch for both helpers (launching takes seconds on 2 busy cores).
      const file = path.join(out.path, 'harness.png');
      const text = await withPage(async (page) => {
        await page.goto(url);
        const seen = { title: await page.title(), h1: await page.textContent('#t') };
        await screenshot(url, file, { page });
        return seen;
      });
      expect(text).toEqual({ title: 'Ballast harness', h1: 'Hello from Ballast' });
      expect(statSync(file).size).toBeGreaterThan(0);
      expect(readFileSync(file).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    });
  });
});

// ---- no orphans ------------------------------------------------------------------------

function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

const isLive = (pid: number): boolean => {
  const s = procState(pid);
  return s !== undefined && s !== 'Z' && s !== 'X';
};

/** Live pids whose process group is one of `groups`, or whose command line mentions `needle`. */
function related(groups: number[], needle: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pgrp = Number(fields[2]);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if ((groups.includes(pgrp) || cmdline.includes(needle)) && isLive(pid)) out.push(pid);
    } catch {
      // raced with exit
    }
  }
  return out;
}

async function waitGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let live = pids.filter(isLive);
  while (live.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    live = live.filter(isLive);
  }
  return live;
}

interface ChildReport {
  pids: number[];
  dirs: string[];
  userDataDir: string;
}

async function startServersInChild(
  servers: string[]
): Promise<{ child: ReturnType<typeof spawn>; report: ChildReport; all: number[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures/servers-child.ts'), ...servers], {
    cwd: here,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const report = await new Promise<ChildReport>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const nl = stdout.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(stdout.slice(0, nl)) as ChildReport);
    });
    child.on('exit', (code) => reject(new Error(`fixture exited with ${code}:\n${stdout}\n${stderr}`)));
  });
  const all = related(report.pids, report.userDataDir);
  return { child, report, all };
}

describe('no orphans', () => {
  // Two test processes start servers; one is SIGKILLed (no cleanup code can run: the
  // parent-death signal must take the servers down), the other SIGTERMed (the exit cleanup
  // must kill the servers and remove their temp dirs). PostgreSQL (run as another user, with
  // backends) and Chromium (launched by playwright) are the special cases, so both children
  // start them; Prometheus and Alertmanager share one code path, one each. Side by side to
  // save time; a generous timeout because 2 cores are busy starting 6 servers.
  test('servers die with the test process, whether it is SIGKILLed or SIGTERMed', { timeout: 120_000 }, async () => {
    const [killed, termed] = await Promise.all([
      startServersInChild(['postgres', 'alertmanager', 'chromium']),
      startServersInChild(['postgres', 'prometheus', 'chromium']),
    ]);
    for (const c of [killed, termed]) {
      // postgres (+ its backends), alertmanager or prometheus, chromium (+ its helpers)
      expect(c.all.length).toBeGreaterThanOrEqual(6);
      for (const dir of c.report.dirs) expect(existsSync(dir)).toBe(true);
    }

    const exited = (c: typeof killed) =>
      new Promise<void>((r) => (c.child.exitCode !== null ? r() : c.child.on('exit', () => r())));
    killed.child.kill('SIGKILL');
    termed.child.kill('SIGTERM');
    await Promise.all([exited(killed), exited(termed)]);

    const survivors = await waitGone([...killed.all, ...termed.all], 10_000);
    const describeSurvivors = survivors.map((p) => {
      try {
        return `${p}: ${readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 200)}`;
      } catch {
        return `${p}: (gone)`;
      }
    });
    expect(describeSurvivors).toEqual([]);

    for (const dir of termed.report.dirs) expect(existsSync(dir), dir).toBe(false);
    // SIGKILL leaves no chance to clean up: the next run sweeps temp dirs of dead pids.
    sweepStaleTempDirs();
    for (const dir of killed.report.dirs) expect(existsSync(dir), dir).toBe(false);
  });
});

test('binary lookup points at real executables', () => {
  for (const key of ['initdb', 'postgres', 'prometheus', 'promtool', 'alertmanager', 'chromium'] as const) {
    expect(statSync(requireBinary(key)).isFile()).toBe(true);
  }
});
