/**
 * "Controlled" needs evidence (issue 14, point 1), and exemptions name who granted them (point 2),
 * through the real HTTP API on SQLite and a real PostgreSQL: the fake and the refused gate check
 * of the issue, a stale one, one asked for another service, a sender's `controlled: true` kept as
 * a claim, `controlled: false` honoured, an Argo CD sync inside a freeze, and the change control
 * coverage KPI worked out by hand before and after a change is re-sent with evidence.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTokens } from '../src/api/auth.js';
import { KpiService } from '../src/service/kpis.js';
import { GateService } from '../src/service/gate.js';
import { smallOrg } from './helpers/org.js';
import { startTestServer, TOKENS, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const iso = (ms: number) => new Date(ms).toISOString();
const APP_TOKEN = 'grafana-app-token-0123456789';

describe.each(STORE_TARGETS)('change control evidence on $kind', (target) => {
  let server: TestServer;
  /** A moment two days ago: every change below starts around it. */
  let T: number;
  let gate: GateService;

  beforeEach(async () => {
    server = await startTestServer(await target.fresh(), {
      tokens: parseTokens(
        [...Object.entries(TOKENS).map(([role, token]) => `${role}:${token}`), `ingest:grafana-app:${APP_TOKEN}`].join(
          ','
        ),
        'grafana-app'
      ),
    });
    expect((await server.call('PUT', '/api/v1/org', { body: smallOrg() })).status).toBe(200);
    T = Date.now() - 2 * 24 * HOUR;
    gate = new GateService(server.services.store, server.services.orgs);
  });
  afterEach(async () => {
    await server.close();
  });

  const change = (id: string, extra: object = {}) => ({
    system: 'manual',
    service: 'checkout-api',
    kind: 'deploy',
    startedAt: iso(T),
    ...extra,
    id,
  });
  const put = (id: string, body: object, role: keyof typeof TOKENS = 'ingest', headers?: Record<string, string>) =>
    server.call('PUT', `/api/v1/changes/${id}`, { role, body, headers });
  const get = async (id: string) =>
    (await (await server.call('GET', `/api/v1/changes/${id}`)).json()) as Record<string, unknown>;
  const ratio = async () => {
    const kpis = new KpiService(server.services.store, server.services.orgs);
    const { values } = await kpis.values('7d', { level: 'org' }, [
      'change_control_coverage_ratio',
      'freeze_violations',
    ]);
    return Object.fromEntries(
      values.map((v) => [v.kpi, { value: v.value, numerator: v.numerator, denominator: v.denominator }])
    );
  };

  /** A freeze on ledger-db around T, announced a day before it. */
  const ledgerFreeze = () =>
    server.call('PUT', '/api/v1/freezes/ledger-close', {
      body: {
        name: 'Ledger close',
        reason: 'month end',
        scope: { service: 'ledger-db' },
        startsAt: iso(T - HOUR),
        endsAt: iso(T + HOUR),
        announcedAt: iso(T - 24 * HOUR),
      },
    });

  it('an unknown gate check is refused with 400 naming gateCheck; nothing is stored', async () => {
    const res = await put('fake', change('fake', { gateCheck: 'totally-made-up' }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { issues: { path: string; message: string }[] };
    expect(body.issues).toEqual([{ path: 'gateCheck', message: expect.stringContaining('totally-made-up') }]);
    expect((await server.call('GET', '/api/v1/changes/fake')).status).toBe(404);
    const batch = await server.call('POST', '/api/v1/changes/batch', {
      role: 'ingest',
      body: { records: [change('ok'), change('fake', { gateCheck: 'totally-made-up' })] },
    });
    expect(batch.status).toBe(400);
    expect(((await batch.json()) as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
      'records[1].gateCheck',
    ]);
    expect((await server.call('GET', '/api/v1/changes/ok')).status).toBe(404);
  });

  it('judges each citation on the gate answer it names, and the sender can only lower the figure', async () => {
    expect((await ledgerFreeze()).status).toBe(201);
    const allowed = await gate.check({ service: 'checkout-api' }, T - 10 * MIN);
    const forTeam = await gate.check({ team: 'checkout' }, T - 20 * MIN);
    const refused = await gate.check({ service: 'ledger-db' }, T - 5 * MIN);
    const stale = await gate.check({ service: 'checkout-api' }, T - 61 * MIN);
    const late = await gate.check({ service: 'checkout-api' }, T + 6 * MIN);
    const skewed = await gate.check({ service: 'checkout-api' }, T + 4 * MIN);
    expect([allowed.allowed, forTeam.allowed, refused.allowed, stale.allowed]).toEqual([true, true, false, true]);

    const writes: [string, object, keyof typeof TOKENS][] = [
      ['valid', { gateCheck: allowed.checkId }, 'ingest'],
      ['team-check', { gateCheck: forTeam.checkId }, 'ingest'],
      // Refused by the open ledger freeze; exempted (by an admin) so the refusal is the reason shown.
      ['refused', { service: 'ledger-db', gateCheck: refused.checkId, exemption: 'hotfix' }, 'admin'],
      ['stale', { gateCheck: stale.checkId }, 'ingest'],
      ['late', { gateCheck: late.checkId }, 'ingest'],
      ['skewed', { gateCheck: skewed.checkId }, 'ingest'],
      ['other-service', { service: 'catalog-web', gateCheck: allowed.checkId }, 'ingest'],
      ['claim', { controlled: true }, 'ingest'],
      ['argo', { system: 'argo-cd' }, 'ingest'],
      ['argo-false', { system: 'argo-cd', controlled: false }, 'ingest'],
      ['argo-in-freeze', { system: 'argo-cd', service: 'ledger-db' }, 'ingest'],
    ];
    for (const [id, extra, role] of writes) expect((await put(id, change(id, extra), role)).status, id).toBe(201);

    const shown = Object.fromEntries(await Promise.all(writes.map(async ([id]) => [id, await get(id)] as const)));
    const counted = Object.entries(shown)
      .filter(([, c]) => c.controlled === true)
      .map(([id]) => id)
      .sort();
    expect(counted).toEqual(['argo', 'skewed', 'team-check', 'valid']);
    expect(shown.valid!.controlReason).toContain('allowed it');
    expect(shown.refused!.controlReason).toContain('refused the change: frozen by "Ledger close"');
    expect(shown.refused!.gateCheck).toBe(refused.checkId); // kept, not dropped
    expect(shown.stale!.controlReason).toContain('is stale: asked 61 min before the change started (at most 60 min)');
    expect(shown.late!.controlReason).toContain('asked 6 min after the change started');
    expect(shown['other-service']!.controlReason).toContain(
      'was asked for service "checkout-api", not for this change\'s service "catalog-web"'
    );
    expect(shown.claim).toMatchObject({ controlled: false, controlledClaim: true });
    expect(shown.claim!.controlReason).toContain('kept as a claim and not counted');
    expect(shown['argo-false']).toMatchObject({ controlled: false, controlledClaim: false });
    expect(shown.argo).toMatchObject({ controlled: true, controlReason: 'change system "argo-cd" is integrated' });
    expect(shown.argo!.controlledClaim).toBeUndefined();
    // The Argo CD sync inside the freeze: a violation, so not controlled as well.
    expect(shown['argo-in-freeze']).toMatchObject({ controlled: false, violatedFreezes: ['ledger-close'] });
    expect(shown['argo-in-freeze']!.controlReason).toBe(
      'started inside freeze window "ledger-close" without an exemption'
    );

    // By hand: 11 changes in the window, 4 with evidence (valid, team-check, skewed, argo); one violation.
    expect(await ratio()).toEqual({
      change_control_coverage_ratio: { value: 4 / 11, numerator: 4, denominator: 11 },
      freeze_violations: { value: 1, numerator: 1, denominator: null },
    });
    const listed = await server.call('GET', '/api/v1/changes?controlled=true&limit=100');
    expect(((await listed.json()) as { total: number }).total).toBe(4);

    // The claim re-sent with evidence counts: 5 of 11.
    const evidence = await gate.check({ service: 'checkout-api' }, T - 30 * MIN);
    expect((await put('claim', change('claim', { controlled: true, gateCheck: evidence.checkId }))).status).toBe(200);
    expect(await get('claim')).toMatchObject({ controlled: true, controlledClaim: true });
    expect((await ratio()).change_control_coverage_ratio).toEqual({ value: 5 / 11, numerator: 5, denominator: 11 });
  });

  it('a longer gateCheckMaxAgeMinutes accepts an older check', async () => {
    const org = { ...smallOrg(), changeControl: { gateCheckMaxAgeMinutes: 120 } };
    expect((await server.call('PUT', '/api/v1/org', { body: org })).status).toBe(200);
    const old = await gate.check({ service: 'checkout-api' }, T - 90 * MIN);
    expect((await put('old', change('old', { gateCheck: old.checkId }))).status).toBe(201);
    expect((await get('old')).controlled).toBe(true);
  });

  it('exemptions: only an admin grants one, and who and when are kept', async () => {
    const refusedByRole = await put('hotfix', change('hotfix', { exemption: 'CVE fix' }), 'ingest');
    expect(refusedByRole.status).toBe(403);
    expect(((await refusedByRole.json()) as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
      'exemption',
    ]);
    expect((await server.call('GET', '/api/v1/changes/hotfix')).status).toBe(404);

    const before = Date.now();
    expect((await put('hotfix', change('hotfix', { exemption: 'CVE fix' }), 'admin')).status).toBe(201);
    const granted = await get('hotfix');
    expect(granted.exemptionBy).toBe('admin-1');
    expect(Date.parse(granted.exemptionAt as string)).toBeGreaterThanOrEqual(before);
    // An ingest token re-sending it unchanged keeps the grant; removing or changing it is refused.
    expect((await put('hotfix', change('hotfix', { exemption: 'CVE fix', title: 'Patch' }), 'ingest')).status).toBe(
      200
    );
    expect(await get('hotfix')).toMatchObject({
      exemptionBy: 'admin-1',
      exemptionAt: granted.exemptionAt,
      title: 'Patch',
    });
    expect((await put('hotfix', change('hotfix', {}), 'ingest')).status).toBe(403);
    expect((await put('hotfix', change('hotfix', { exemption: 'other' }), 'ingest')).status).toBe(403);
    expect((await get('hotfix')).exemption).toBe('CVE fix');

    const history = (await (await server.call('GET', '/api/v1/changes/hotfix/history')).json()) as {
      items: { actor: { token: string }; changes: { field: string }[] }[];
    };
    expect(history.items[0]!.actor.token).toBe('admin-1');
    expect(history.items[0]!.changes.map((c) => c.field)).toContain('exemption');
  });

  it('through Grafana: an Admin grants, an Editor only when the config allows it, a Viewer never', async () => {
    const app = (id: string, role: string, user = 'grace') =>
      server.call('PUT', `/api/v1/changes/${id}`, {
        role: null,
        body: change(id, { exemption: 'approved in the CAB' }),
        headers: { authorization: `Bearer ${APP_TOKEN}`, 'x-grafana-user': user, 'x-ballast-grafana-role': role },
      });
    expect((await app('by-viewer', 'Viewer')).status).toBe(403);
    expect((await app('by-editor', 'Editor')).status).toBe(403);
    expect((await app('by-admin', 'Admin', 'ada')).status).toBe(201);
    expect((await get('by-admin')).exemptionBy).toBe('ada');

    const org = { ...smallOrg(), changeControl: { grafanaEditorsGrantExemptions: true } };
    expect((await server.call('PUT', '/api/v1/org', { body: org })).status).toBe(200);
    expect((await app('by-editor', 'Editor')).status).toBe(201);
    expect((await get('by-editor')).exemptionBy).toBe('grace');
    expect((await app('by-viewer', 'Viewer')).status).toBe(403);
  });

  it('receivers never grant exemptions: a tool payload exemption is ignored, a stored one kept', async () => {
    const { records, orgs } = server.services;
    const org = await orgs.index();
    const merge = (incoming: Record<string, unknown>, stored: Record<string, unknown>) => ({ ...stored, ...incoming });
    await records.mergeBatch(
      'changes',
      [{ id: 'tool', input: change('tool', { exemption: 'says the tool' }) }],
      merge,
      org
    );
    expect((await get('tool')).exemption).toBeUndefined();
    expect((await put('tool', change('tool', { exemption: 'CAB approval' }), 'admin')).status).toBe(200);
    await records.mergeBatch('changes', [{ id: 'tool', input: change('tool', { exemption: 'another' }) }], merge, org);
    expect(await get('tool')).toMatchObject({ exemption: 'CAB approval', exemptionBy: 'admin-1' });
  });
});
