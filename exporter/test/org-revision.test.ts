/**
 * PUT /api/v1/org as a compare-and-set on the revision (If-Match or the body's `revision`), on
 * both stores; the racing case across two processes is in test/fault-database.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg } from './helpers/org.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';

describe.each(STORE_TARGETS)('org revision on $kind', (target) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(await target.fresh());
  });
  afterAll(async () => {
    await server?.close();
  });

  const read = async () => {
    const res = await server.call('GET', '/api/v1/org', { role: 'read' });
    const body = (await res.json()) as { revision: number; goals: { target: number }[] };
    return { etag: res.headers.get('etag'), body };
  };
  const withTarget = (target: number) => ({
    ...smallOrg(),
    goals: [{ year: 2026, kpi: 'mttr_seconds', target }],
  });

  it('GET answers the revision as ETag; each replace gets a new one', async () => {
    const first = await read();
    expect(first.etag).toBe(`"${first.body.revision}"`);
    const put = await server.call('PUT', '/api/v1/org', { body: withTarget(100) });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe(`"${first.body.revision + 1}"`);
    // the same document again is still a replace of its own
    const again = await server.call('PUT', '/api/v1/org', { body: withTarget(100) });
    expect(((await again.json()) as { revision: number }).revision).toBe(first.body.revision + 2);
  });

  it('If-Match of the stored revision replaces; a stale one is 409 naming the stored revision and changes nothing', async () => {
    const { body } = await read();
    const ok = await server.call('PUT', '/api/v1/org', {
      headers: { 'if-match': `"${body.revision}"` },
      body: withTarget(200),
    });
    expect(ok.status).toBe(200);
    const stale = await server.call('PUT', '/api/v1/org', {
      headers: { 'if-match': `"${body.revision}"` },
      body: withTarget(300),
    });
    expect(stale.status).toBe(409);
    const error = (await stale.json()) as { message: string; issues: { path: string; message: string }[] };
    expect(error.message).toContain(`revision ${body.revision + 1}`);
    expect(error.issues).toEqual([{ path: 'revision', message: `is ${body.revision + 1}, not ${body.revision}` }]);
    const now = await read();
    expect(now.body.revision).toBe(body.revision + 1);
    expect(now.body.goals[0]!.target).toBe(200);
  });

  it('the revision GET returned, sent back in the body, is the same precondition', async () => {
    const { body } = await read();
    const changed = { ...body, goals: [{ year: 2026, kpi: 'mttr_seconds', target: 400 }] };
    expect((await server.call('PUT', '/api/v1/org', { body: changed })).status).toBe(200);
    expect((await server.call('PUT', '/api/v1/org', { body: changed })).status).toBe(409);
    // a weak ETag and `*` are accepted as HTTP allows
    const { body: latest } = await read();
    const weak = await server.call('PUT', '/api/v1/org', {
      headers: { 'if-match': `W/"${latest.revision}"` },
      body: withTarget(500),
    });
    expect(weak.status).toBe(200);
    const any = await server.call('PUT', '/api/v1/org', { headers: { 'if-match': '*' }, body: withTarget(600) });
    expect(any.status).toBe(200);
  });

  it('a malformed precondition is 400 naming it, and changes nothing', async () => {
    const before = await read();
    const cases: [Record<string, string>, Record<string, unknown>, string][] = [
      [{ 'if-match': 'twelve' }, withTarget(1), 'If-Match'],
      [{}, { ...withTarget(1), revision: 'x' }, 'revision'],
      [
        { 'if-match': `"${before.body.revision}"` },
        { ...withTarget(1), revision: before.body.revision + 5 },
        'If-Match',
      ],
    ];
    for (const [headers, body, path] of cases) {
      const res = await server.call('PUT', '/api/v1/org', { headers, body });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([path]);
    }
    // a body that is no org at all is still refused by the org schema, not taken as an empty org
    expect((await server.call('PUT', '/api/v1/org', { body: [] })).status).toBe(400);
    expect((await read()).body).toEqual(before.body);
  });
});
