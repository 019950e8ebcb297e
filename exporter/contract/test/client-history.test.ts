/** The client calls of record histories, the audit list and the red-line ledger: paths and parameters as docs/api.md names them. */
import { describe, expect, it } from 'vitest';
import { BallastApi, type Method } from '../src/index.js';

function recording() {
  const calls: Array<{ method: Method; url: string; body?: unknown }> = [];
  const api = new BallastApi('/base/api/v1', async (request) => {
    calls.push(request);
    return { items: [], total: 0, limit: 0, offset: 0 };
  });
  return { api, calls };
}

describe('history, audit and red lines', () => {
  it('history: /{collection}/{id}/history with the id escaped as one path segment', async () => {
    const { api, calls } = recording();
    await api.history('incidents', 'pd:PX1/2');
    expect(calls).toEqual([{ method: 'GET', url: '/base/api/v1/incidents/pd%3APX1%2F2/history', body: undefined }]);
  });

  it('audit and the red-line ledger pass their set filters only', async () => {
    const { api, calls } = recording();
    await api.audit({ actor: 'rosa', collection: 'changes', from: '2026-11-01T00:00:00Z', limit: 50 });
    await api.redLineViolations({ rule: 'action_overdue', team: 'pay', waived: false, businessLine: undefined });
    expect(calls.map((c) => c.url)).toEqual([
      '/base/api/v1/audit?actor=rosa&collection=changes&from=2026-11-01T00%3A00%3A00Z&limit=50',
      '/base/api/v1/red-lines/violations?rule=action_overdue&team=pay&waived=false',
    ]);
  });

  it('waive: POST …/violations/{id}/waiver with the reason', async () => {
    const { api, calls } = recording();
    await api.waive('finding_overdue:fnd-1', 'agreed in committee');
    expect(calls).toEqual([
      {
        method: 'POST',
        url: '/base/api/v1/red-lines/violations/finding_overdue%3Afnd-1/waiver',
        body: { reason: 'agreed in committee' },
      },
    ]);
  });
});
