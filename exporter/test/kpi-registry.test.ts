/**
 * The KPI registry (exporter/contract/src/kpis/registry.ts) against what the exporter derives from
 * it: every tally field a registry entry gives a store query is a column that query's real SQL
 * returns (SQLite and PostgreSQL), and every KPI and family is defined in docs/metrics.md.
 */
import { readFile } from 'node:fs/promises';
import { fieldsOf, KPI_KEYS, TALLY_FIELD_SPECS, TALLY_SOURCES } from '@ballast/contract';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openServices, type Services } from '../src/server.js';
import { teamTallies } from '../src/store/kpi-queries.js';
import { smallOrg } from './helpers/org.js';
import { STORE_TARGETS } from './helpers/stores.js';

const NOW = Date.parse('2026-03-15T12:00:00Z');
const DAY = 86_400_000;
const ago = (days: number, minutes = 0) => new Date(NOW - days * DAY + minutes * 60_000).toISOString();

describe.each(STORE_TARGETS)('registry fields in the SQL on $kind', (target) => {
  let services: Services;
  beforeEach(async () => {
    services = await openServices(await target.fresh(), pino({ level: 'silent' }));
    await services.orgs.replace(smallOrg());
    const batch = (collection: Parameters<Services['records']['batch']>[0], records: object[]) =>
      services.records.batch(collection, { records });
    // One record each query counts, so every query returns a row to check.
    await batch('incidents', [
      {
        id: 'i1',
        title: 't',
        priority: 'P0',
        service: 'checkout-api',
        startedAt: ago(3),
        detectedAt: ago(3, 5),
        acknowledgedAt: ago(3, 7),
        recoveredAt: ago(3, 60),
        detectionSource: 'monitoring',
        steps: [{ step: 'response', at: ago(3, 2), owner: 'a' }],
      },
    ]);
    await batch('alerts', [
      {
        id: 'a1',
        name: 'HighLatency',
        severity: 'critical',
        service: 'checkout-api',
        startsAt: ago(2),
        verdict: 'actionable',
      },
    ]);
    await batch('findings', [
      {
        id: 'f1',
        check: 'disk',
        targetType: 'server',
        severity: 'high',
        service: 'checkout-api',
        foundAt: ago(3),
        closedAt: ago(1),
      },
      // Open past its due date: the findingDebt query counts it.
      {
        id: 'f2',
        check: 'disk',
        targetType: 'server',
        severity: 'high',
        service: 'checkout-api',
        foundAt: ago(3),
        dueAt: ago(2),
      },
    ]);
    await batch('freezes', [
      // Announced before c1 starts: a window violates only changes after its announcement.
      {
        id: 'z1',
        name: 'z',
        reason: 'r',
        scope: { team: 'checkout' },
        startsAt: ago(2, -60),
        endsAt: ago(2, 60),
        announcedAt: ago(3),
      },
    ]);
    await batch('changes', [
      {
        id: 'c1',
        system: 'argo-cd',
        service: 'checkout-api',
        kind: 'deploy',
        startedAt: ago(2),
        result: 'success',
        committedAt: ago(2, -30),
        finishedAt: ago(2, 10),
      },
    ]);
    await batch('actions', [{ id: 'x1', incident: 'i1', title: 't', owner: 'o', dueAt: ago(1) }]);
    await batch('drills', [{ id: 'd1', scenario: 's', team: 'checkout', startedAt: ago(4), score: 80 }]);
  });
  afterEach(() => services.store.close());

  it.each(TALLY_SOURCES.map((s) => [s]))('the %s query returns every field the registry gives it', async (source) => {
    const q = {
      from: NOW - 30 * DAY,
      to: NOW,
      highPriorities: ['P0'],
      highSeverities: ['critical'],
      transientMs: null,
    };
    // A field the SQL does not select makes the query throw (kpi-queries.ts) instead of counting 0.
    const byTeam = await teamTallies(services.store.db, q, [source]);
    const checkout = byTeam.get('checkout');
    expect(checkout, `${source} counted the seeded record`).toBeDefined();
    for (const field of fieldsOf(source))
      expect(checkout!.counts[field], `${source}.${field}`).toBeGreaterThanOrEqual(0);
  });
});

describe('docs/metrics.md', () => {
  it('defines every KPI and every family the registry declares', async () => {
    const doc = await readFile(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
    const names = [
      ...KPI_KEYS.map((k) => `stability_${k}`),
      ...TALLY_FIELD_SPECS.flatMap((f) => (f.family ? [f.family] : [])),
    ];
    const missing = names.filter((n) => !new RegExp(`\\b${n}\\b`).test(doc));
    expect(missing).toEqual([]);
  });
});
