/** The demo data set: deterministic, valid for the API, realistic in volume and trends, consistent. */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo, HISTORY_DAYS, type DemoData } from '../src/demo/generate.js';
import { seedDemo, seedDemoIfEmpty, type DemoSummary } from '../src/demo/seed.js';
import { occurrencesBetween } from '../src/domain/freezes.js';
import { OrgIndex, orgSchema } from '../src/domain/org.js';
import { COLLECTIONS } from '../src/domain/records.js';
import { DAY_MS, toMs } from '../src/domain/time.js';
import { openServices, type Services } from '../src/server.js';
import { recordQuery } from '../src/api/list-params.js';

const NOW = Date.parse('2026-03-15T12:00:00Z');
const logger = pino({ level: 'silent' });
// A year of history is ~240,000 records: seconds on a quiet machine, much longer on a shared one.
const SLOW = { timeout: 300_000 };

function digest(data: DemoData): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(data.org));
  for (const c of COLLECTIONS) for (const record of data[c]) hash.update(JSON.stringify(record));
  return hash.digest('hex');
}

/** Mean of `value` over the records whose time falls in the given quarter of the history. */
function quarterMean<T>(records: T[], at: (r: T) => number, value: (r: T) => number, quarter: 0 | 3): number {
  const from = NOW - HISTORY_DAYS * DAY_MS + quarter * (HISTORY_DAYS / 4) * DAY_MS;
  const to = from + (HISTORY_DAYS / 4) * DAY_MS;
  const values = records.filter((r) => at(r) >= from && at(r) < to).map(value);
  expect(values.length).toBeGreaterThan(10);
  return values.reduce((a, b) => a + b, 0) / values.length;
}

describe('generateDemo', SLOW, () => {
  let data: DemoData;
  beforeAll(() => {
    data = generateDemo({ seed: 42, now: NOW });
  });

  it('is deterministic: the same seed and now give the same data, another seed other data', async () => {
    expect(digest(generateDemo({ seed: 42, now: NOW }))).toBe(digest(data));
    await nextTurn(); // generating is synchronous: let the test runner's messages through
    const other = generateDemo({ seed: 43, now: NOW });
    expect(digest(other)).not.toBe(digest(data));
    expect(other.changes.length).not.toBe(data.changes.length);
    // Same org structure for every seed: re-seeding with another seed orphans no records.
    expect(other.org.services.map((s) => s.id)).toEqual(data.org.services.map((s) => s.id));
    expect(other.org.teams.map((t) => t.manager)).not.toEqual(data.org.teams.map((t) => t.manager));
  });

  it('builds a realistic org that the org schema accepts', () => {
    const org = orgSchema.parse(data.org);
    expect(org.businessLines).toHaveLength(5);
    expect(org.teams.length).toBeGreaterThanOrEqual(30);
    expect(org.teams.length).toBeLessThanOrEqual(40);
    expect(org.services.length).toBeGreaterThanOrEqual(250);
    expect(org.services.length).toBeLessThanOrEqual(350);
    expect(org.changeSystems.filter((s) => s.integrated).map((s) => s.id)).toEqual(
      expect.arrayContaining(['argo-cd', 'github-actions', 'jenkins'])
    );
    expect(org.changeSystems.filter((s) => !s.integrated).map((s) => s.id)).toEqual(
      expect.arrayContaining(['terraform-cloud', 'manual-db-console'])
    );
    const year = new Date(NOW).getUTCFullYear();
    for (const scope of [undefined, ...org.businessLines.map((b) => b.id)]) {
      const goals = org.goals.filter((g) => g.businessLine === scope && g.year === year);
      expect(goals.find((g) => g.kpi === 'mttr_seconds')?.target).toBe(1800);
      expect(goals.find((g) => g.kpi === 'alert_accuracy_ratio')?.target).toBe(0.9);
    }
    expect(org.policy).toMatchObject({ highPriorities: ['P0', 'P1'], highSeverities: ['critical'], timezone: 'UTC' });
  });

  it('has ~350 changes and ~180 critical alerts a day (±20%), with a few failures and rollbacks', () => {
    const changesPerDay = data.changes.length / HISTORY_DAYS;
    expect(changesPerDay).toBeGreaterThan(350 * 0.8);
    expect(changesPerDay).toBeLessThan(350 * 1.2);
    const criticalPerDay = data.alerts.filter((a) => a.severity === 'critical').length / HISTORY_DAYS;
    expect(criticalPerDay).toBeGreaterThan(180 * 0.8);
    expect(criticalPerDay).toBeLessThan(180 * 1.2);
    expect(data.alerts.some((a) => a.severity !== 'critical')).toBe(true);
    const share = (result: string) => data.changes.filter((c) => c.result === result).length / data.changes.length;
    expect(share('failed')).toBeGreaterThan(0.01);
    expect(share('failed')).toBeLessThan(0.04);
    expect(share('rolled_back')).toBeGreaterThan(0.005);
    expect(share('rolled_back')).toBeLessThan(0.02);
  });

  it('stays inside the year before now', () => {
    const times = [
      ...data.changes.map((c) => c.startedAt),
      ...data.alerts.map((a) => a.startsAt),
      ...data.incidents.map((i) => i.startedAt),
    ];
    const outside = times.filter((t) => toMs(t) < NOW - HISTORY_DAYS * DAY_MS || toMs(t) >= NOW);
    expect(outside).toEqual([]);
  });

  it('improves over the year: high-priority recovery faster, critical alert accuracy higher', () => {
    const index = new OrgIndex(data.org);
    const high = data.incidents.filter((i) => index.isHighPriority(i.priority) && !i.drill && i.recoveredAt);
    const recovery = (i: (typeof high)[number]) => toMs(i.recoveredAt!) - toMs(i.startedAt);
    const started = (i: (typeof high)[number]) => toMs(i.startedAt);
    expect(quarterMean(high, started, recovery, 3)).toBeLessThan(quarterMean(high, started, recovery, 0));

    const reviewed = data.alerts.filter((a) => index.isHighSeverity(a.severity) && a.verdict);
    const actionable = (a: (typeof reviewed)[number]) => (a.verdict === 'actionable' ? 1 : 0);
    const firstAccuracy = quarterMean(reviewed, (a) => toMs(a.startsAt), actionable, 0);
    const lastAccuracy = quarterMean(reviewed, (a) => toMs(a.startsAt), actionable, 3);
    expect(firstAccuracy).toBeGreaterThan(0.7);
    expect(firstAccuracy).toBeLessThan(0.82);
    expect(lastAccuracy).toBeGreaterThan(0.86);
    expect(lastAccuracy).toBeLessThan(0.96);
  });

  it('keeps its references consistent and its ids unique', () => {
    for (const c of COLLECTIONS) expect(new Set(data[c].map((r) => r.id)).size).toBe(data[c].length);
    const incidents = new Set(data.incidents.map((i) => i.id));
    const changes = new Set(data.changes.map((c) => c.id));
    const services = new Set(data.org.services.map((s) => s.id));
    const blamed = data.incidents.filter((i) => i.causedByChange);
    const linked = data.alerts.filter((a) => a.incident);
    expect([data.actions.length, blamed.length, linked.length].every((n) => n > 0)).toBe(true);
    expect(data.actions.filter((a) => !incidents.has(a.incident))).toEqual([]);
    expect(blamed.filter((i) => !changes.has(i.causedByChange!))).toEqual([]);
    expect(linked.filter((a) => !incidents.has(a.incident!))).toEqual([]);
    const owned = [...data.changes, ...data.alerts, ...data.incidents, ...data.findings, ...data.drills];
    expect(owned.filter((r) => !services.has(r.service!))).toEqual([]);
  });

  it('has a recurring weekend freeze and a few changes inside freezes without an exemption', () => {
    const index = new OrgIndex(data.org);
    expect(data.freezes.find((f) => f.schedule)?.schedule).toEqual({
      cron: '0 18 * * 5',
      durationMinutes: 3780,
      timezone: 'Europe/Berlin',
    });
    const windows = data.freezes.flatMap((f) =>
      occurrencesBetween(
        {
          ...f,
          scope: f.scope ?? {},
          startsAt: f.startsAt ? toMs(f.startsAt) : undefined,
          endsAt: f.endsAt ? toMs(f.endsAt) : undefined,
        },
        NOW - HISTORY_DAYS * DAY_MS,
        NOW
      ).map((o) => ({ ...o, businessLine: f.scope?.businessLine }))
    );
    const inFreeze = data.changes.filter((c) => {
      const at = toMs(c.startedAt);
      const line = index.ownerOf({ service: c.service }).businessLine;
      return windows.some((w) => w.startsAt <= at && at < w.endsAt && (!w.businessLine || w.businessLine === line));
    });
    const violations = inFreeze.filter((c) => !c.exemption);
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.length).toBeLessThan(inFreeze.length / 4);
    expect(data.changes.filter((c) => c.exemption).every((c) => inFreeze.includes(c))).toBe(true);
  });
});

describe('seeding through the API services (SQLite)', SLOW, () => {
  let dataDir: string;
  let services: Services;
  let seeded: DemoSummary | null = null;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ballast-demo-test-'));
    services = await openServices({ dataDir }, logger);
  });
  afterAll(async () => {
    await services?.store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('seeds an empty store with every generated record accepted, and leaves a filled store alone', async () => {
    const summary = (seeded = await seedDemoIfEmpty(services, logger));
    expect(summary).not.toBeNull();
    // The summary names the seed and end it used, so the expected data can be regenerated.
    const expected = generateDemo({ seed: summary!.seed, now: Date.parse(summary!.until) });
    for (const c of COLLECTIONS) {
      const { total } = await services.records.list(c, recordQuery(c, { limit: '1' }));
      expect({ collection: c, total }).toEqual({ collection: c, total: expected[c].length });
      expect(summary!.records[c]).toBe(expected[c].length);
    }
    expect((await services.orgs.current()).org.services).toHaveLength(expected.org.services.length);
    const incident = expected.incidents.find((i) => i.causedByChange && i.steps && i.steps.length >= 6)!;
    const stored = await services.records.get('incidents', incident.id);
    expect(stored).toMatchObject({ causedByChange: incident.causedByChange, priority: incident.priority });
    expect(stored.steps).toHaveLength(incident.steps!.length);
    expect(summary!.elapsedMs).toBeGreaterThan(0);

    expect(await seedDemoIfEmpty(services, logger)).toBeNull();
  });

  it('re-seeding the same seed and end finds every record unchanged', async () => {
    expect(seeded).not.toBeNull();
    const drill = await services.records.get('drills', 'drl-0001');
    const summary = await seedDemo(services, { seed: seeded!.seed, now: Date.parse(seeded!.until) });
    expect(summary).toMatchObject({ created: 0, updated: 0, unchanged: seeded!.totalRecords });
    expect(await services.records.get('drills', 'drl-0001')).toEqual(drill);
  });
});
