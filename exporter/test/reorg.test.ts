/**
 * Reorgs without rewriting history (issue 14 point 6), over real HTTP on both stores: a team or
 * service is retired or merged into another in the org config instead of removed. It is kept for
 * history (past records keep it as their owner, the KPIs of the past stay what they were),
 * refused for new records (400 naming it), while updates of records that keep it still work (an
 * alert of a retired service resolving); a receiver sends a tool's new records for a merged
 * service to its successor. Removing one that records name is still a 409, which now says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Org } from '../src/domain/org.js';
import { OrgIndex } from '../src/domain/org.js';
import { OrgService } from '../src/service/org.js';
import { ValidationError } from '../src/service/errors.js';
import { KpiService } from '../src/service/kpis.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';
import { amNotification, ingestOrg, writeConfigFile, type AmAlert } from './ingest-fixtures.js';

const HOUR = 3_600_000;
const NOW = Date.now();
const ago = (hours: number) => new Date(NOW - hours * HOUR).toISOString();

/** ledger (and ledger-db) merged into checkout (checkout-api); catalog (and catalog-web) retired. */
function reorganized(): Org {
  const org = ingestOrg();
  for (const t of org.teams) {
    if (t.id === 'ledger') t.mergedInto = 'checkout';
    if (t.id === 'catalog') t.retired = true;
  }
  for (const s of org.services) {
    if (s.id === 'ledger-db') s.mergedInto = 'checkout-api';
    if (s.id === 'catalog-web') s.retired = true;
  }
  return org;
}

const issuesOfOrg = (org: unknown) => {
  try {
    OrgService.parse(org);
    return [];
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return e.issues;
  }
};

describe('the org config: retired and mergedInto', () => {
  it('accepts a reorg and says what each entry became', () => {
    const index = new OrgIndex(OrgService.parse(reorganized()));
    expect(index.teamRetirement('ledger')).toBe('merged into "checkout"');
    expect(index.serviceRetirement('catalog-web')).toBe('retired');
    expect(index.serviceRetirement('checkout-api')).toBeNull();
    expect(index.successor('service', 'ledger-db')).toBe('checkout-api');
    expect(index.successor('service', 'catalog-web')).toBeUndefined();
  });

  it('follows a chain of merges to its active end', () => {
    const org = reorganized();
    org.teams.find((t) => t.id === 'checkout')!.mergedInto = 'payments-core';
    org.teams.push({ id: 'payments-core', name: 'Payments core', businessLine: 'payments', manager: 'Ken' });
    org.services.find((s) => s.id === 'checkout-api')!.mergedInto = 'payments-api';
    org.services.push({ id: 'payments-api', name: 'Payments API', team: 'payments-core', owner: 'Dennis' });
    const index = new OrgIndex(OrgService.parse(org));
    expect(index.successor('team', 'ledger')).toBe('payments-core');
    expect(index.successor('service', 'ledger-db')).toBe('payments-api');
  });

  it('refuses an unknown successor, both marks at once, a cycle, and an active service of a gone team', () => {
    const unknown = reorganized();
    unknown.teams[1]!.mergedInto = 'nobody';
    expect(issuesOfOrg(unknown)).toEqual([{ path: 'teams[1].mergedInto', message: 'unknown team "nobody"' }]);
    const both = reorganized();
    both.services[1]!.retired = true;
    expect(issuesOfOrg(both)).toEqual([
      { path: 'services[1].mergedInto', message: 'give retired or mergedInto, not both' },
    ]);
    const cycle = reorganized();
    cycle.teams[0]!.mergedInto = 'ledger';
    cycle.services[0]!.mergedInto = 'ledger-db';
    expect(issuesOfOrg(cycle).map((i) => i.path)).toEqual([
      'teams[0].mergedInto',
      'teams[1].mergedInto',
      'services[0].mergedInto',
      'services[1].mergedInto',
    ]);
    const orphan = reorganized();
    delete orphan.services[2]!.retired;
    expect(issuesOfOrg(orphan)).toEqual([
      {
        path: 'services[2].team',
        message: 'team "catalog" is retired: retire or merge the service too, or move it to another team',
      },
    ]);
  });
});

describe.each(STORE_TARGETS)('reorgs on $kind', (target) => {
  let server: TestServer;
  const call = async (method: string, path: string, body?: unknown, role: 'admin' | 'ingest' = 'admin') =>
    server.call(method, path, { body, role });
  const get = async (path: string) => (await server.call('GET', path, { role: 'read' })).json();
  const ok = async (res: Response | Promise<Response>) => {
    const r = await res;
    expect(r.status, await r.clone().text()).toBeLessThan(300);
    return r.json();
  };
  const refused = async (res: Promise<Response>) => {
    const r = await res;
    expect(r.status, await r.clone().text()).toBe(400);
    return ((await r.json()) as { issues: unknown[] }).issues;
  };
  const alerts = (list: AmAlert[]) => call('POST', '/api/v1/ingest/alertmanager', amNotification(list), 'ingest');
  /** Every KPI of every scope in the 30-day window, computed afresh. */
  const allKpis = async () =>
    (await new KpiService(server.services.store, server.services.orgs).values('30d', {})).values.map(
      ({ kpi, level, businessLine, team, value, numerator, denominator }) => ({
        kpi,
        level,
        businessLine,
        team,
        value,
        numerator,
        denominator,
      })
    );
  const incident = (id: string, owner: object, extra: object = {}) => ({
    id,
    title: id,
    priority: 'P1',
    ...owner,
    startedAt: ago(50),
    detectedAt: ago(49.9),
    acknowledgedAt: ago(49.8),
    recoveredAt: ago(49),
    detectionSource: 'monitoring',
    ...extra,
  });
  const freeze = (team: string, reason = 'sale') => ({
    name: `${team} freeze`,
    reason,
    scope: { team },
    startsAt: ago(-24),
    endsAt: ago(-48),
  });
  const severe = (app: string) => ({ alertname: 'HighErrorRate', severity: 'critical', app });
  let before: Awaited<ReturnType<typeof allKpis>>;

  beforeAll(async () => {
    server = await startTestServer(await target.fresh(), { configFile: await writeConfigFile() });
    await ok(call('PUT', '/api/v1/org', ingestOrg()));
    await ok(
      call('POST', '/api/v1/incidents/batch', {
        records: [
          incident('past-ledger', { service: 'ledger-db' }),
          incident('past-ledger-team', { team: 'ledger' }, { priority: 'P0' }),
          incident('past-catalog', { service: 'catalog-web' }),
          incident('past-checkout', { service: 'checkout-api' }),
        ],
      })
    );
    await ok(
      call('POST', '/api/v1/drills/batch', {
        records: [
          { id: 'drill-checkout', scenario: 's', team: 'checkout', startedAt: ago(30), score: 70 },
          {
            id: 'drill-catalog',
            scenario: 's',
            team: 'catalog',
            service: 'catalog-web',
            startedAt: ago(30),
            score: 90,
          },
        ],
      })
    );
    // Open alerts of the two services that go away, and a finding and a change of each.
    await ok(
      alerts([
        { status: 'firing', labels: severe('catalog-web'), startsAt: ago(2), fingerprint: 'cad1' },
        { status: 'firing', labels: severe('ledger-db'), startsAt: ago(2), fingerprint: 'bed1' },
      ])
    );
    await ok(call('PUT', '/api/v1/freezes/freeze-catalog', freeze('catalog')));
    before = await allKpis();
    await ok(call('PUT', '/api/v1/org', reorganized()));
  });
  afterAll(() => server?.close());

  it('leaves the KPIs of the past as they were (drill coverage aside: a gone team counts where it drilled)', async () => {
    const after = await allKpis();
    const coverage = (list: typeof before) => list.filter((v) => v.kpi === 'drill_coverage_ratio');
    const others = (list: typeof before) => list.filter((v) => v.kpi !== 'drill_coverage_ratio');
    expect(others(after)).toEqual(others(before));
    expect(after.find((v) => v.kpi === 'high_priority_incidents' && v.team === 'ledger')).toMatchObject({ value: 2 });
    expect(after.find((v) => v.kpi === 'mttr_seconds' && v.team === 'catalog')).toMatchObject({ value: 3600 });
    const payments = (list: typeof before) =>
      coverage(list).find((v) => v.level === 'business_line' && v.businessLine === 'payments');
    // checkout drilled, ledger did not: 1 of 2 teams before; ledger is merged now and left out.
    expect(payments(before)).toMatchObject({ value: 0.5, denominator: 2 });
    expect(payments(after)).toMatchObject({ value: 1, denominator: 1 });
    // catalog drilled in the window: still counted, 1 of 1.
    const commerce = coverage(after).find((v) => v.level === 'business_line' && v.businessLine === 'commerce');
    expect(commerce).toMatchObject({ value: 1, denominator: 1 });
    // Past records keep their owner.
    expect(await get('/api/v1/incidents/past-ledger')).toMatchObject({
      service: 'ledger-db',
      team: 'ledger',
      businessLine: 'payments',
    });
  });

  it('refuses new records naming a retired or merged service or team, naming the field', async () => {
    expect(await refused(call('PUT', '/api/v1/incidents/new-1', incident('new-1', { service: 'ledger-db' })))).toEqual([
      { path: 'service', message: 'service "ledger-db" is merged into "checkout-api"' },
    ]);
    expect(await refused(call('PUT', '/api/v1/incidents/new-2', incident('new-2', { team: 'catalog' })))).toEqual([
      { path: 'team', message: 'team "catalog" is retired' },
    ]);
    const change = { system: 'argo-cd', kind: 'deploy', startedAt: ago(1) };
    expect(
      await refused(
        call('POST', '/api/v1/changes/batch', {
          records: [
            { id: 'ch-ok', ...change, service: 'checkout-api' },
            { id: 'ch-bad', ...change, team: 'ledger' },
          ],
        })
      )
    ).toEqual([{ path: 'records[1].team', message: 'team "ledger" is merged into "checkout"' }]);
    const drill = { id: 'drill-new', scenario: 's', team: 'catalog', startedAt: ago(1), score: 50 };
    expect(await refused(call('PUT', '/api/v1/drills/drill-new', drill))).toEqual([
      { path: 'team', message: 'team "catalog" is retired' },
    ]);
    expect((await server.call('GET', '/api/v1/changes/ch-ok', { role: 'read' })).status).toBe(404);
    expect(await refused(call('PUT', '/api/v1/freezes/freeze-new', freeze('catalog')))).toEqual([
      { path: 'scope.team', message: 'team "catalog" is retired' },
    ]);
    // A window written before the reorg can still be edited.
    await ok(call('PUT', '/api/v1/freezes/freeze-catalog', freeze('catalog', 'sale, extended')));
    // The successor takes them.
    await ok(call('PUT', '/api/v1/incidents/new-1', incident('new-1', { service: 'checkout-api' })));
  });

  it('lets existing records that keep their owner be updated', async () => {
    const renamed = await ok(
      call(
        'PUT',
        '/api/v1/incidents/past-ledger',
        incident('past-ledger', { service: 'ledger-db' }, { title: 'renamed' })
      )
    );
    expect(renamed).toMatchObject({ title: 'renamed', service: 'ledger-db', team: 'ledger' });
    await ok(
      call(
        'PUT',
        '/api/v1/incidents/past-ledger-team',
        incident('past-ledger-team', { team: 'ledger' }, { priority: 'P0', resolvedAt: ago(48) })
      )
    );
    // Moving an existing record onto a gone owner is a new naming: refused.
    expect(
      await refused(
        call('PUT', '/api/v1/incidents/past-checkout', incident('past-checkout', { service: 'catalog-web' }))
      )
    ).toEqual([{ path: 'service', message: 'service "catalog-web" is retired' }]);
  });

  it("a retired service's alert resolves; a tool's new alerts go to the successor (or unassigned)", async () => {
    const resolved = await ok(
      alerts([
        { status: 'resolved', labels: severe('catalog-web'), startsAt: ago(2), endsAt: ago(1), fingerprint: 'cad1' },
        { status: 'resolved', labels: severe('ledger-db'), startsAt: ago(2), endsAt: ago(1), fingerprint: 'bed1' },
      ])
    );
    expect(resolved).toMatchObject({ created: 0, updated: 2 });
    const { items } = await get('/api/v1/alerts?limit=100');
    const byFingerprint = (f: string) => (items as { fingerprint: string }[]).filter((a) => a.fingerprint === f);
    expect(byFingerprint('cad1')).toEqual([
      expect.objectContaining({ service: 'catalog-web', team: 'catalog', endsAt: ago(1) }),
    ]);
    expect(byFingerprint('bed1')).toEqual([expect.objectContaining({ service: 'ledger-db', team: 'ledger' })]);

    expect(
      await ok(
        alerts([
          { status: 'firing', labels: severe('ledger-db'), startsAt: ago(0.5), fingerprint: 'bed2' },
          { status: 'firing', labels: severe('catalog-web'), startsAt: ago(0.5), fingerprint: 'cad2' },
        ])
      )
    ).toMatchObject({ created: 2 });
    const fresh = (await get('/api/v1/alerts?limit=100')).items as { fingerprint: string }[];
    expect(fresh.find((a) => a.fingerprint === 'bed2')).toMatchObject({ service: 'checkout-api', team: 'checkout' });
    expect(fresh.find((a) => a.fingerprint === 'cad2')).toMatchObject({ team: 'unassigned' });
    expect(fresh.find((a) => a.fingerprint === 'cad2')).not.toHaveProperty('service');
  });

  it('removing a team or service that records name is still a 409, which suggests retiring or merging', async () => {
    const removed = reorganized();
    removed.services = removed.services.filter((s) => s.id !== 'catalog-web');
    removed.teams = removed.teams.filter((t) => t.id !== 'catalog');
    const res = await call('PUT', '/api/v1/org', removed);
    expect(res.status).toBe(409);
    const body = (await res.json()) as { message: string; issues: { path: string; message: string }[] };
    expect(body.message).toMatch(/retire or merge them instead/);
    expect(body.issues).toContainEqual({
      path: 'incidents',
      message: 'records name service "catalog-web": keep it with retired: true or mergedInto (another service) instead',
    });
    expect((await get('/api/v1/org')).teams.map((t: { id: string }) => t.id)).toContain('catalog');
  });
});
