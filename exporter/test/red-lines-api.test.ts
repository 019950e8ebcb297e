/**
 * The red-line API on the real server, on both stores: the ledger (`GET /api/v1/red-lines/violations`)
 * with its filters and their 400s, the waiver (admin only, a reason required, unknown violations
 * 404, a second waiver 409), audited; a waived violation leaves the scorecard's count, and the org
 * config refuses a bad rule naming its field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg } from './helpers/org.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';

const DAY = 86_400_000;

describe.each(STORE_TARGETS)('red-line API on $kind', (target) => {
  let server: TestServer;
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });

  beforeAll(async () => {
    server = await startTestServer(await target.fresh());
    const org = { ...smallOrg(), redLines: { action_overdue: { days: 7 }, finding_overdue: {} } };
    expect((await server.call('PUT', '/api/v1/org', { body: org })).status).toBe(200);
    const put = async (path: string, body: unknown) =>
      expect((await server.call('PUT', `/api/v1/${path}`, { body })).status).toBeLessThan(300);
    await put('incidents/i-1', {
      title: 'Checkout down',
      priority: 'P1',
      service: 'checkout-api',
      startedAt: iso(now - 40 * DAY),
      detectedAt: iso(now - 40 * DAY),
      recoveredAt: iso(now - 40 * DAY + 3_600_000),
      detectionSource: 'monitoring',
    });
    // Due 30 days ago, 7 days of grace: over the line since now − 23 d.
    await put('actions/a-late', {
      incident: 'i-1',
      title: 'Add a circuit breaker',
      owner: 'Kim',
      dueAt: iso(now - 30 * DAY),
    });
    // Due 3 days ago: inside its 7 days of grace, not a violation yet.
    await put('actions/a-soon', { incident: 'i-1', title: 'Write a runbook', owner: 'Kim', dueAt: iso(now - 3 * DAY) });
    await put('findings/f-late', {
      check: 'tls-expiry',
      targetType: 'server',
      severity: 'high',
      service: 'catalog-web',
      foundAt: iso(now - 60 * DAY),
      dueAt: iso(now - 20 * DAY),
    });
  });
  afterAll(() => server?.close());

  it('lists the ledger with team, business line, owner, rule, record and since', async () => {
    const { status, body } = await json(await server.call('GET', '/api/v1/red-lines/violations', { role: 'read' }));
    expect(status).toBe(200);
    expect(body.total).toBe(2);
    expect(body.items).toEqual([
      expect.objectContaining({
        id: 'finding_overdue:f-late',
        rule: 'finding_overdue',
        collection: 'findings',
        record: 'f-late',
        team: 'catalog',
        businessLine: 'commerce',
        owner: 'Alan',
        since: iso(now - 13 * DAY),
      }),
      expect.objectContaining({
        id: 'action_overdue:a-late',
        team: 'checkout',
        businessLine: 'payments',
        owner: 'Kim',
        since: iso(now - 23 * DAY),
      }),
    ]);
    expect((body.items as Record<string, unknown>[]).every((v) => !('until' in v))).toBe(true);
    const filtered = await json(
      await server.call('GET', '/api/v1/red-lines/violations?rule=action_overdue&team=checkout&limit=1', {
        role: 'read',
      })
    );
    expect((filtered.body.items as { id: string }[]).map((v) => v.id)).toEqual(['action_overdue:a-late']);
    const window = await json(
      await server.call('GET', `/api/v1/red-lines/violations?from=${now - 22 * DAY}&to=${now - 14 * DAY}`, {
        role: 'read',
      })
    );
    expect((window.body.items as { id: string }[]).map((v) => v.id)).toEqual(['action_overdue:a-late']);
  });

  it('refuses bad parameters with 400 naming each', async () => {
    const { status, body } = await json(
      await server.call('GET', '/api/v1/red-lines/violations?rule=made_up&waived=maybe&from=yesterday&limit=0', {
        role: 'read',
      })
    );
    expect(status).toBe(400);
    expect((body.issues as { path: string }[]).map((i) => i.path).sort()).toEqual(['from', 'limit', 'rule', 'waived']);
  });

  it('waives only as an admin, with a reason, a violation that exists; once; audited', async () => {
    const path = '/api/v1/red-lines/violations/action_overdue:a-late/waiver';
    const reason = { reason: 'Replaced by the Q3 platform migration' };
    expect((await server.call('POST', path, { role: 'read', body: reason })).status).toBe(403);
    expect((await server.call('POST', path, { role: 'ingest', body: reason })).status).toBe(403);
    const missing = await json(await server.call('POST', path, { body: {} }));
    expect(missing.status).toBe(400);
    expect(missing.body.issues).toEqual([{ path: 'reason', message: 'is required' }]);
    for (const [body, issue] of [
      [[], 'body'],
      ['"why"', 'body'],
      [{ reason: 5 }, 'reason'],
      [{ reason: 'x'.repeat(2001) }, 'reason'],
      [{ reason: 'ok', by: 'someone else' }, 'by'],
    ] as const) {
      const refused = await json(await server.call('POST', path, { body }));
      expect([refused.status, (refused.body.issues as { path: string }[])[0]!.path]).toEqual([400, issue]);
    }
    const blank = await json(await server.call('POST', path, { body: { reason: '  ' } }));
    expect(blank.body.issues).toEqual([{ path: 'reason', message: 'must not be empty' }]);
    for (const id of ['action_overdue:a-soon', 'action_overdue:nope', 'made_up:a-late', 'alert_without_verdict:x']) {
      expect((await server.call('POST', `/api/v1/red-lines/violations/${id}/waiver`, { body: reason })).status).toBe(
        404
      );
    }
    const waived = await json(await server.call('POST', path, { body: reason }));
    expect(waived.status).toBe(201);
    expect(waived.body).toMatchObject({
      id: 'action_overdue:a-late',
      waiver: { by: { token: 'admin-1', name: 'admin-1' }, reason: reason.reason },
    });
    expect((await server.call('POST', path, { body: { reason: 'again' } })).status).toBe(409);
    const audit = await json(await server.call('GET', '/api/v1/audit?collection=red-line-waivers', { role: 'read' }));
    expect(audit.body.items).toEqual([
      expect.objectContaining({ id: 'action_overdue:a-late', action: 'waived', reason: reason.reason }),
    ]);
    const unwaived = await json(
      await server.call('GET', '/api/v1/red-lines/violations?waived=false', { role: 'read' })
    );
    expect((unwaived.body.items as { id: string }[]).map((v) => v.id)).toEqual(['finding_overdue:f-late']);
  });

  it('shows the unwaived count per scope in the scorecard', async () => {
    const { body } = await json(await server.call('GET', '/api/v1/scorecard?window=30d', { role: 'read' }));
    const scopes = body.scopes as { level: string; id: string; redLines?: { total: number; byRule: object } }[];
    expect(scopes.find((s) => s.level === 'org')!.redLines).toEqual({
      total: 1,
      byRule: { action_overdue: 0, finding_overdue: 1 },
    });
    expect(scopes.find((s) => s.id === 'catalog')!.redLines!.total).toBe(1);
    expect(scopes.find((s) => s.id === 'checkout')!.redLines!.total).toBe(0);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await server.call('GET', '/api/v1/openapi.json', { role: null })).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.paths['/api/v1/red-lines/violations']!.get).toBeDefined();
    expect(doc.paths['/api/v1/red-lines/violations/{id}/waiver']!.post).toBeDefined();
  });

  it('refuses a red-line config naming an unknown rule or days on change_in_freeze, naming the field', async () => {
    const { status, body } = await json(
      await server.call('PUT', '/api/v1/org', {
        body: { ...smallOrg(), redLines: { change_in_freeze: { days: 1 }, overdue: {} } },
      })
    );
    expect(status).toBe(400);
    expect((body.issues as { path: string }[]).map((i) => i.path).sort()).toEqual([
      'redLines.change_in_freeze.days',
      'redLines.overdue',
    ]);
  });
});
