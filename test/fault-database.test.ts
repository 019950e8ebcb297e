// Issue 17's database faults against real servers: exporters as processes over one real
// PostgreSQL (racing writers, a frozen server, a crashed one, concurrent org replaces, a cold
// start race) and over SQLite with a full disk. Each case asserts the status codes, the time bound
// of a frozen database (docs/deploy.md) and that every 2xx-acknowledged record is there afterwards.
// Each prints its figures (statuses, timings) for the before/after note.
import { mkdtemp, rm } from 'node:fs/promises';
import { execFile, execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amNotification, writeConfigFile } from '../exporter/test/ingest-fixtures.js';
import { startExporter, type ExporterProcess } from './support/exporter.js';
import { startPostgres, type PostgresServer } from './support/postgres.js';

// Short bounds, so a frozen database costs seconds: the documented bound is the larger of the
// two plus a margin for the answer itself (docs/deploy.md).
const QUERY_TIMEOUT_MS = 1_500;
const CONNECT_TIMEOUT_MS = 1_500;
const FROZEN_BOUND_MS = Math.max(QUERY_TIMEOUT_MS, CONNECT_TIMEOUT_MS) + 1_000;
const TIMEOUTS = {
  BALLAST_DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
  BALLAST_DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
  BALLAST_REFRESH_INTERVAL_MS: '200',
};

const here = path.dirname(fileURLToPath(import.meta.url));
let postgres: PostgresServer;
let configFile: string;
let databases = 0;
const started: ExporterProcess[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  // synchronous_commit on: a commit the exporter acknowledged survives the crash test's SIGQUIT.
  postgres = await startPostgres({ settings: { synchronous_commit: 'on' } });
  configFile = await writeConfigFile();
}, 60_000);

afterAll(async () => {
  await Promise.all(started.map((e) => e.stop()));
  await postgres?.stop();
  for (const dir of [...dirs, ...(configFile ? [path.dirname(configFile)] : [])])
    await rm(dir, { recursive: true, force: true });
});

const freshDatabase = () => postgres.createDatabase(`fault_${++databases}`);

async function exporter(options: Parameters<typeof startExporter>[0]): Promise<ExporterProcess> {
  const e = await startExporter({ configFile, ...options, env: { ...TIMEOUTS, ...options.env } });
  started.push(e);
  return e;
}

interface Answer {
  status: number;
  ms: number;
  retryAfter: string | null;
  body: string;
}

async function timed(request: () => Promise<Response>): Promise<Answer> {
  const t0 = performance.now();
  try {
    const res = await request();
    const body = await res.text();
    return {
      status: res.status,
      ms: Math.round(performance.now() - t0),
      retryAfter: res.headers.get('retry-after'),
      body,
    };
  } catch (error) {
    // no answer at all (the client gave up): status 0
    return { status: 0, ms: Math.round(performance.now() - t0), retryAfter: null, body: String(error) };
  }
}

const tally = (answers: Answer[]) =>
  answers.reduce<Record<number, number>>((t, a) => ({ ...t, [a.status]: (t[a.status] ?? 0) + 1 }), {});
const slowest = (answers: Answer[]) => Math.max(...answers.map((a) => a.ms));

function report(name: string, figures: Record<string, unknown>): void {
  console.log(`[fault-database] ${name}: ${JSON.stringify(figures)}`);
}

/** No 500 and no hang: 2xx, or 503 telling the sender when to retry. */
function expectRetryableOrOk(answers: Answer[]): void {
  for (const a of answers) {
    expect(a.status === 503 || (a.status >= 200 && a.status < 300), `${a.status}: ${a.body}`).toBe(true);
    if (a.status === 503) expect(a.retryAfter, a.body).toMatch(/^\d+$/);
  }
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

const alert = (id: string, severity = 'warning') => ({
  id,
  name: 'FaultTest',
  severity,
  service: 'checkout-api',
  startsAt: '2026-06-01T00:00:00Z',
});

/** Every id readable through `via` (list pages of 1,000, the most a page holds). */
async function storedAlertIds(via: ExporterProcess): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let offset = 0; ; offset += 1_000) {
    const res = await via.call('GET', `/api/v1/alerts?limit=1000&offset=${offset}`, { role: 'read' });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: { id: string }[]; total: number };
    for (const item of page.items) ids.add(item.id);
    if (offset + page.items.length >= page.total) return ids;
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await check().catch(() => false)) return Math.round(performance.now() - t0);
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('PostgreSQL, two exporters on one database', () => {
  let a: ExporterProcess;
  let b: ExporterProcess;
  beforeAll(async () => {
    const databaseUrl = await freshDatabase();
    a = await exporter({ databaseUrl });
    b = await exporter({ databaseUrl });
  }, 60_000);

  it('8 concurrent batches of the same 2,000 alerts, shuffled: none 500; deadlocks retried', async () => {
    const ids = Array.from({ length: 2_000 }, (_, i) => `deadlock-${i}`);
    const answers: Answer[] = [];
    for (let round = 0; round < 3; round++) {
      // a new severity each round, so every batch updates rows the others lock too
      const records = ids.map((id) => alert(id, `sev-${round}`));
      answers.push(
        ...(await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            timed(() =>
              (i % 2 ? a : b).call('POST', '/api/v1/alerts/batch', {
                role: 'ingest',
                body: { records: shuffled(records) },
              })
            )
          )
        ))
      );
    }
    report('batch deadlocks (3 rounds x 8)', { statuses: tally(answers), slowestMs: slowest(answers) });
    expectRetryableOrOk(answers);
    expect(answers.some((x) => x.status === 200)).toBe(true);
    const stored = await storedAlertIds(a);
    for (const id of ids) expect(stored.has(id)).toBe(true);
  });

  it('10 concurrent Alertmanager notifications of the same 200 alerts, shuffled: none 500', async () => {
    const alerts = Array.from({ length: 200 }, (_, i) => ({
      status: 'firing' as const,
      labels: { alertname: 'FaultStorm', app: 'checkout-api', instance: `host-${i}`, severity: 'critical' },
      startsAt: '2026-06-02T00:00:00Z',
      fingerprint: (0xfa017000 + i).toString(16).padStart(16, '0'),
    }));
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        timed(() =>
          (i % 2 ? a : b).call('POST', '/api/v1/ingest/alertmanager', {
            role: 'ingest',
            body: amNotification(shuffled(alerts)),
          })
        )
      )
    );
    report('alertmanager storm (10 posts x 200 alerts)', { statuses: tally(answers), slowestMs: slowest(answers) });
    expectRetryableOrOk(answers);
    expect(answers.some((x) => x.status === 200)).toBe(true);
    const res = await a.call('GET', '/api/v1/alerts?name=FaultStorm&limit=1000', { role: 'read' });
    expect(((await res.json()) as { total: number }).total).toBe(200);
  });

  it('concurrent PUT /org with the same If-Match: one wins, the other is 409; both exporters serve the winner', async () => {
    const rounds: { statuses: Record<number, number>; revision: number }[] = [];
    for (let round = 0; round < 5; round++) {
      const read = await a.call('GET', '/api/v1/org', { role: 'read' });
      const etag = read.headers.get('etag');
      const { revision, ...org } = (await read.json()) as { revision: number; goals: { target: number }[] };
      const targets = [1000 + round, 2000 + round];
      const answers = await Promise.all(
        [a, b].map((via, i) =>
          timed(() =>
            via.call('PUT', '/api/v1/org', {
              headers: { 'if-match': `"${revision}"` },
              body: { ...org, goals: [{ year: 2026, kpi: 'mttr_seconds', target: targets[i] }] },
            })
          )
        )
      );
      rounds.push({ statuses: tally(answers), revision });
      report(`org compare-and-set round ${round}`, {
        statuses: tally(answers),
        bodies: answers.map((x) => x.body.slice(-60)),
      });
      expect(etag).toBe(`"${revision}"`);
      expect(answers.map((x) => x.status).sort()).toEqual([200, 409]);
      const winner = answers.findIndex((x) => x.status === 200);
      const won = JSON.parse(answers[winner]!.body) as { revision: number };
      expect(won.revision).toBe(revision + 1);
      expect(answers[1 - winner]!.body).toContain(`revision ${revision + 1}`);
      for (const via of [a, b]) {
        const now = (await (await via.call('GET', '/api/v1/org', { role: 'read' })).json()) as {
          revision: number;
          goals: { target: number }[];
        };
        expect(now.revision).toBe(revision + 1);
        expect(now.goals[0]!.target).toBe(targets[winner]);
        // the KPI export of both processes follows the stored org too
        await until(`stability_kpi_target ${targets[winner]} on ${via.url}`, async () => {
          const text = await (await via.call('GET', '/metrics', { role: 'read' })).text();
          const values = text
            .split('\n')
            .filter((l) => l.startsWith('stability_kpi_target{kpi="mttr_seconds"'))
            .map((l) => Number(l.split(' ').pop()));
          return values.length > 0 && values.every((v) => v === targets[winner]);
        });
      }
    }
    report('org compare-and-set (5 rounds x 2 PUTs)', { rounds });
    // without a precondition a replace still works (scripts, first setup); it gets a new revision
    const { revision, ...org } = (await (await a.call('GET', '/api/v1/org', { role: 'read' })).json()) as {
      revision: number;
    };
    const plain = await b.call('PUT', '/api/v1/org', { body: org });
    expect(plain.status).toBe(200);
    expect(((await plain.json()) as { revision: number }).revision).toBe(revision + 1);
    // a stale revision in the body is refused the same way
    const stale = await a.call('PUT', '/api/v1/org', { body: { ...org, revision } });
    expect(stale.status).toBe(409);
  });
});

describe('PostgreSQL start-up', () => {
  it('two exporters starting at the same instant on an empty database both start (10 rounds)', async () => {
    const urls = await Promise.all(Array.from({ length: 10 }, () => freshDatabase()));
    // Both processes begin each round's start-up (connect, migrate, apply the org) at the same
    // wall-clock instant; a round a second leaves time for one to finish.
    const startAt = Date.now() + 6_000;
    const child = () =>
      new Promise<(string | null)[]>((resolve, reject) => {
        const fixture = path.join(here, 'fixtures/start-race-child.ts');
        execFile(
          process.execPath,
          ['--import', 'tsx', fixture, String(startAt), '1000', configFile, ...urls],
          { cwd: here, timeout: 60_000 },
          (error, stdout, stderr) =>
            error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout))
        );
      });
    const [first, second] = await Promise.all([child(), child()]);
    const failures = [...first!, ...second!].filter((r) => r !== null);
    report('cold start race (10 rounds x 2)', { failed: failures.length, failures });
    expect(failures).toEqual([]);
    // and the exporter serves on a database two processes migrated together
    const e = await exporter({ databaseUrl: urls[0] });
    expect((await e.call('GET', '/api/v1/health', { role: null })).status).toBe(200);
  }, 60_000);
});

describe('PostgreSQL frozen and crashed', () => {
  it('frozen (SIGSTOP): every DB request and /health are 503 within the bound; recovers after SIGCONT', async () => {
    const databaseUrl = await freshDatabase();
    const e = await exporter({ databaseUrl });
    const before = await e.call('POST', '/api/v1/alerts/batch', {
      role: 'ingest',
      body: { records: [alert('frozen-before')] },
    });
    expect(before.status).toBe(200);
    postgres.freeze();
    let answers: Record<string, Answer>;
    try {
      const requests: Record<string, () => Promise<Response>> = {
        health: () => e.call('GET', '/api/v1/health', { role: null, timeoutMs: 20_000 }),
        list: () => e.call('GET', '/api/v1/alerts', { role: 'read', timeoutMs: 20_000 }),
        get: () => e.call('GET', '/api/v1/alerts/frozen-before', { role: 'read', timeoutMs: 20_000 }),
        org: () => e.call('GET', '/api/v1/org', { role: 'read', timeoutMs: 20_000 }),
        kpis: () => e.call('GET', '/api/v1/kpis', { role: 'read', timeoutMs: 20_000 }),
        batch: () =>
          e.call('POST', '/api/v1/alerts/batch', {
            role: 'ingest',
            body: { records: [alert('frozen-during')] },
            timeoutMs: 20_000,
          }),
      };
      // twice: once on the pool's idle connections, once when they are gone
      const first = await Promise.all(Object.values(requests).map((r) => timed(r)));
      const second = await Promise.all(Object.values(requests).map((r) => timed(r)));
      answers = Object.fromEntries(
        Object.keys(requests).flatMap((k, i) => [
          [k, first[i]!],
          [`${k} (again)`, second[i]!],
        ])
      );
    } finally {
      postgres.thaw();
    }
    report('frozen PostgreSQL', {
      boundMs: FROZEN_BOUND_MS,
      answers: Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, `${v.status} in ${v.ms} ms`])),
    });
    for (const [what, a] of Object.entries(answers)) {
      expect(a.status, `${what}: ${a.body}`).toBe(503);
      expect(a.retryAfter, what).toMatch(/^\d+$/);
      expect(a.ms, what).toBeLessThanOrEqual(FROZEN_BOUND_MS);
    }
    expect(JSON.parse(answers.health!.body).status).not.toBe('ok');
    const recoveredMs = await until('health 200 after SIGCONT', async () => {
      return (await e.call('GET', '/api/v1/health', { role: null })).status === 200;
    });
    const after = await e.call('POST', '/api/v1/alerts/batch', {
      role: 'ingest',
      body: { records: [alert('frozen-after')] },
    });
    expect(after.status).toBe(200);
    const stored = await storedAlertIds(e);
    expect(stored.has('frozen-before') && stored.has('frozen-after')).toBe(true);
    report('frozen PostgreSQL: recovery', { recoveredMs });
  }, 60_000);

  it('crashed under 8 batch writers (pg_ctl stop -m immediate): 503, never 500; nothing acknowledged lost', async () => {
    const databaseUrl = await freshDatabase();
    const e = await exporter({ databaseUrl });
    const acknowledged: string[] = [];
    const answers: Answer[] = [];
    let stop = false;
    let n = 0;
    const writer = async (w: number) => {
      while (!stop) {
        const ids = Array.from({ length: 50 }, (_, i) => `crash-${w}-${n}-${i}`);
        n++;
        const answer = await timed(() =>
          e.call('POST', '/api/v1/alerts/batch', {
            role: 'ingest',
            body: { records: ids.map((id) => alert(id)) },
            timeoutMs: 20_000,
          })
        );
        answers.push(answer);
        if (answer.status === 200) acknowledged.push(...ids);
        if (answer.status !== 200) await new Promise((r) => setTimeout(r, 50));
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    await until('some acknowledged batches', async () => acknowledged.length >= 400);
    await postgres.crash();
    await new Promise((r) => setTimeout(r, 1_000));
    await postgres.restart();
    const okBefore = answers.filter((x) => x.status === 200).length;
    await until('writes acknowledged again after the restart', async () => {
      return answers.filter((x) => x.status === 200).length > okBefore + 8;
    });
    stop = true;
    await Promise.all(writers);
    report('PostgreSQL crash under 8 writers', {
      statuses: tally(answers),
      slowestMs: slowest(answers),
      acknowledged: acknowledged.length,
    });
    expectRetryableOrOk(answers);
    expect(answers.some((x) => x.status === 503)).toBe(true);
    const stored = await storedAlertIds(e);
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
  }, 60_000);
});

describe('SQLite', () => {
  it('disk full: 503 and health not ok, the real error in the log; recovers when there is room', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'ballast-fault-sqlite-'));
    dirs.push(dataDir);
    // A soft RLIMIT_FSIZE stands in for a full disk (and can be lifted again without privileges): writes past it fail with EFBIG (Node ignores SIGXFSZ).
    const e = await exporter({ dataDir, shellPrefix: 'ulimit -S -f 3072' });
    const acknowledged: string[] = [];
    const answers: Answer[] = [];
    for (let i = 0; i < 40 && !answers.some((x) => x.status !== 200); i++) {
      const ids = Array.from({ length: 1_000 }, (_, j) => `full-${i}-${j}`);
      const answer = await timed(() =>
        e.call('POST', '/api/v1/alerts/batch', {
          role: 'ingest',
          body: { records: ids.map((id) => ({ ...alert(id), name: `FaultTest ${'x'.repeat(200)}` })) },
        })
      );
      answers.push(answer);
      if (answer.status === 200) acknowledged.push(...ids);
    }
    const health = await timed(() => e.call('GET', '/api/v1/health', { role: null }));
    const log = e.logTail(200);
    report('SQLite disk full', {
      logged: [...log.matchAll(/"err":\{"type":"\w+","message":"([^"]*)"/g)].map((m) => m[1]),
      statuses: tally(answers),
      health: `${health.status} ${health.body.slice(0, 80)}`,
      acknowledged: acknowledged.length,
    });
    expectRetryableOrOk(answers);
    expect(answers.at(-1)!.status).toBe(503);
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body).status).not.toBe('ok');
    expect(log).toMatch(/SQLITE_FULL|SQLITE_IOERR|disk is full|disk I\/O error/);
    expect(log).not.toContain('cannot rollback');
    // room again: the same process takes writes and reports healthy
    execFileSync('prlimit', ['--pid', String(e.proc.pid), '--fsize=unlimited:unlimited']);
    const again = await e.call('POST', '/api/v1/alerts/batch', {
      role: 'ingest',
      body: { records: [alert('full-after')] },
    });
    expect(again.status).toBe(200);
    expect((await e.call('GET', '/api/v1/health', { role: null })).status).toBe(200);
    const stored = await storedAlertIds(e);
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
  }, 60_000);
});
