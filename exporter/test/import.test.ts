/**
 * `ballast import`: the documented example files load on both stores through the API's validation,
 * re-importing changes nothing (rows and KPI values), bad lines are reported by line number while
 * the good ones are written, and the CLI prints the summary and sets its exit code.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Org } from '../src/domain/org.js';
import { importLines, parseCsv, parseCsvRows, parseJsonLines } from '../src/ingest/history.js';
import { openServices, type Services } from '../src/server.js';
import { KpiService } from '../src/service/kpis.js';
import { STORE_TARGETS } from './helpers/stores.js';

const EXAMPLES = join(import.meta.dirname, '../../docs/examples');
const CLI = join(import.meta.dirname, '../src/cli/main.ts');

/** The teams and change systems the example files name (the demo org has them too). */
function historyOrg(): Org {
  const team = (id: string, businessLine: string) => ({ id, name: id, businessLine, manager: 'M' });
  return {
    businessLines: [
      { id: 'payments', name: 'Payments', owner: 'O' },
      { id: 'commerce', name: 'Commerce', owner: 'O' },
    ],
    teams: [
      team('payments-checkout', 'payments'),
      team('payments-ledger', 'payments'),
      team('commerce-catalog', 'commerce'),
    ],
    services: [],
    changeSystems: [
      { id: 'argo-cd', name: 'Argo CD', integrated: true },
      { id: 'manual-db-console', name: 'Manual DB console', integrated: false },
    ],
    goals: [],
    policy: {
      highPriorities: ['P0', 'P1'],
      highSeverities: ['critical'],
      timezone: 'UTC',
      transientAlertMinutes: null,
    },
  };
}

describe('CSV reading', () => {
  it('handles quotes, escaped quotes, commas and line breaks inside cells, and reports the starting line', () => {
    const rows = parseCsvRows('a,b\r\n"x, ""y""",2\n"multi\nline",3\n\nlast,4');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, "y"', '2'] },
      { line: 3, cells: ['multi\nline', '3'] },
      { line: 6, cells: ['last', '4'] },
    ]);
  });

  it('types cells from the record schema and nests dotted columns', () => {
    const [line] = parseCsv(
      'id,name,reason,scope.team,schedule.cron,schedule.durationMinutes,schedule.timezone\nf1,W,R,ledger,0 18 * * 5,600,Europe/Berlin',
      'freezes'
    );
    expect(line!.record).toEqual({
      id: 'f1',
      name: 'W',
      reason: 'R',
      scope: { team: 'ledger' },
      schedule: { cron: '0 18 * * 5', durationMinutes: 600, timezone: 'Europe/Berlin' },
    });
    const [bad] = parseCsv('id,score,scenario,team,startedAt\nd1,lots,S,t,2026-01-01T00:00:00Z', 'drills');
    expect(bad!.issues).toEqual([{ path: 'score', message: 'must be a number' }]);
  });
});

describe.each(STORE_TARGETS)('import on $kind', (target) => {
  let services: Services;
  const kpi = async (key: string) => {
    const now = () => Date.parse('2025-11-30T00:00:00Z');
    const { values } = await new KpiService(services.store, services.orgs, { now }).values('90d', { level: 'org' });
    return values.find((v: { kpi: string }) => v.kpi === key)!;
  };

  beforeAll(async () => {
    services = await openServices(await target.fresh(), pino({ level: 'silent' }));
    await services.orgs.replace(historyOrg());
  });
  afterAll(() => services?.store.close());

  it('loads the example files, and a re-import changes nothing, KPIs included', async () => {
    const jsonl = parseJsonLines(await readFile(join(EXAMPLES, 'history.jsonl'), 'utf8'));
    const csv = parseCsv(await readFile(join(EXAMPLES, 'history.csv'), 'utf8'));
    const first = [await importLines(services.records, jsonl), await importLines(services.records, csv)];
    expect(first.map((s) => s.rejected)).toEqual([[], []]);
    expect(first.map((s) => s.created)).toEqual([jsonl.length, csv.length]);
    const incident = await services.records.get('incidents', 'hist-inc-0001');
    expect(incident.steps).toHaveLength(2);
    expect((await services.records.get('incidents', 'hist-inc-0102')).drill).toBe(true);
    const before = await Promise.all(
      ['high_priority_incidents', 'mttr_seconds', 'alert_accuracy_ratio', 'change_failure_ratio'].map(kpi)
    );
    expect(before[0]!.value).toBe(1);

    const again = [await importLines(services.records, jsonl), await importLines(services.records, csv)];
    expect(again.map(({ created, updated, unchanged }) => ({ created, updated, unchanged }))).toEqual([
      { created: 0, updated: 0, unchanged: jsonl.length },
      { created: 0, updated: 0, unchanged: csv.length },
    ]);
    const after = await Promise.all(
      ['high_priority_incidents', 'mttr_seconds', 'alert_accuracy_ratio', 'change_failure_ratio'].map(kpi)
    );
    expect(after).toEqual(before);
  });

  it('writes the good lines and names each bad one by line number', async () => {
    const text = [
      '{"collection":"alerts","id":"imp-a1","name":"A","severity":"critical","team":"payments-ledger","startsAt":"2025-11-10T00:00:00Z"}',
      '{"collection":"alerts", oops',
      '{"collection":"alerts","id":"imp-a2","name":"B","severity":"critical","team":"nobody","startsAt":"2025-11-10T00:00:00Z"}',
      '',
      '{"collection":"alerts","name":"C","severity":"critical","team":"payments-ledger","startsAt":"2025-11-10T00:00:00Z"}',
      '{"collection":"alerts","id":"imp-a1","name":"A again","severity":"critical","team":"payments-ledger","startsAt":"2025-11-10T00:00:00Z"}',
      '{"collection":"widgets","id":"w"}',
      '{"collection":"alerts","id":"imp-a3","name":"D","severity":"critical","team":"payments-ledger","startsAt":"2025-11-10T00:00:00Z","endsAt":"2025-11-09T00:00:00Z"}',
      '{"collection":"alerts","id":"imp-a4","name":"E","severity":"warning","team":"payments-ledger","startsAt":"2025-11-11T00:00:00Z"}',
    ].join('\n');
    const summary = await importLines(services.records, parseJsonLines(text));
    expect(summary.created).toBe(2);
    expect(summary.rejected.map((r) => [r.line, r.issues[0]!.path])).toEqual([
      [2, ''],
      [3, 'team'],
      [5, 'id'],
      [6, 'id'],
      [7, 'collection'],
      [8, 'endsAt'],
    ]);
    expect(summary.rejected[3]!.issues[0]!.message).toBe('duplicate of line 1');
    expect((await services.records.get('alerts', 'imp-a4')).severity).toBe('warning');
  });
});

describe('ballast import (CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ballast-import-cli-'));
    await writeFile(join(dir, 'org.yaml'), YAML.stringify(historyOrg()));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const run = (...args: string[]) =>
    spawnSync(
      process.execPath,
      ['--import', 'tsx', CLI, 'import', ...args, '--data-dir', join(dir, 'data'), '--config', join(dir, 'org.yaml')],
      {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' },
      }
    );

  it('prints a summary, is silent on stderr without a terminal, and a re-run changes nothing', () => {
    const first = run(join(EXAMPLES, 'history.jsonl'), join(EXAMPLES, 'history.csv'));
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/history\.jsonl: 7 imported, 0 updated, 0 unchanged, 0 rejected/);
    expect(first.stdout).toMatch(/history\.csv: 4 imported, 0 updated, 0 unchanged, 0 rejected/);
    expect(first.stderr).toBe('');
    const second = run(join(EXAMPLES, 'history.jsonl'));
    expect(second.stdout).toMatch(/history\.jsonl: 0 imported, 0 updated, 7 unchanged, 0 rejected/);
  });

  it('draws a progress bar when stderr is a terminal', () => {
    // util-linux `script` runs the command on a pseudo-terminal.
    const command = [
      process.execPath,
      '--import',
      'tsx',
      CLI,
      'import',
      join(EXAMPLES, 'history.csv'),
      '--data-dir',
      join(dir, 'tty'),
      '--config',
      join(dir, 'org.yaml'),
    ]
      .map((a) => `'${a}'`)
      .join(' ');
    const result = spawnSync('script', ['-qc', command, '/dev/null'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(result.stdout).toMatch(/\r\S*history\.csv \[#{30}\] 100% 4\/4 lines/);
    expect(result.stdout).toContain('4 imported');
  });

  it('exits 1 and lists rejected lines as file:line', async () => {
    const file = join(dir, 'bad.csv');
    await writeFile(
      file,
      'id,name,severity,team,startsAt\ncli-1,A,critical,payments-ledger,2025-11-01T00:00:00Z\ncli-2,B,critical,payments-ledger,yesterday\n'
    );
    const result = run(file, '--kind', 'alert');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('1 imported');
    expect(result.stdout).toContain(`${file}:3: startsAt: must be an ISO 8601 date-time`);
  });
});
