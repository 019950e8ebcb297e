import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AuditEntry } from '@ballast/contract';
import { list, mockBackend, PENDING, setRole } from '../testing/mockBackend';
import { alert, change, changesBySystem, freeze, incident, org } from '../testing/fixtures';
import { renderApp } from '../testing/render';
import { fmtValue } from './RecordHistory';

const base = [{ path: '/org', answer: org }];
const detail = [
  ...base,
  { path: '/incidents/inc-1', answer: incident },
  { path: /^\/(alerts|actions|changes)$/, answer: list([]) },
];
const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  seq: 1,
  at: '2026-11-29T07:05:00Z',
  actor: { token: 'pagerduty', name: 'pagerduty' },
  collection: 'incidents',
  id: 'inc-1',
  action: 'created',
  changes: [],
  ...over,
});
const history = [
  entry({ changes: [{ field: 'title', from: null, to: 'Checkout errors' }] }),
  entry({
    seq: 7,
    at: '2026-11-29T08:00:00Z',
    actor: { token: 'grafana-app', user: 'rosa', name: 'rosa' },
    action: 'updated',
    changes: [
      { field: 'priority', from: 'P2', to: 'P1' },
      { field: 'steps', from: [], to: [{ step: 'response' }] },
    ],
    reason: 'escalated by the duty manager',
  }),
];

beforeEach(() => setRole('Viewer'));

describe('record history', () => {
  test('incident detail: who, when, which fields from what to what, and why, oldest first', async () => {
    const { requests } = mockBackend([...detail, { path: '/incidents/inc-1/history', answer: { items: history } }]);
    renderApp('incidents/inc-1');
    const section = await screen.findByTestId('incident-history');
    const entries = await within(section).findAllByTestId('history-entry');
    expect(entries.map((e) => e.getAttribute('data-action'))).toEqual(['created', 'updated']);
    expect(within(entries[0]).getByText('pagerduty')).toBeInTheDocument();
    // the Grafana user, not the token, is the name shown
    expect(within(entries[1]).getByText('rosa')).toBeInTheDocument();
    expect(within(entries[1]).queryByText('grafana-app')).not.toBeInTheDocument();
    const priority = entries[1].querySelector('[data-field="priority"]')!;
    expect(priority).toHaveTextContent('P2');
    expect(priority).toHaveTextContent('P1');
    expect(entries[1].querySelector('[data-field="steps"]')).toHaveTextContent('[{"step":"response"}]');
    expect(within(entries[1]).getByText('Reason: escalated by the duty manager')).toBeInTheDocument();
    // read through the Viewer route with the read token
    const asked = requests.find((r) => r.path === '/incidents/inc-1/history')!;
    expect(asked.authorization).toBe('Bearer read-token-0123456789');
  });

  test('loading, error (the exporter text) and empty', async () => {
    mockBackend([...detail, { path: '/incidents/inc-1/history', ...PENDING }]);
    const { unmount } = renderApp('incidents/inc-1');
    expect(await screen.findByText('Loading the history of inc-1…')).toBeInTheDocument();
    unmount();
    mockBackend([...detail, { path: '/incidents/inc-1/history', error: { status: 503, message: 'store down' } }]);
    const second = renderApp('incidents/inc-1');
    expect(await within(await screen.findByTestId('incident-history')).findByText('store down')).toBeInTheDocument();
    second.unmount();
    mockBackend([...detail, { path: '/incidents/inc-1/history', answer: { items: [] } }]);
    renderApp('incidents/inc-1');
    expect(await screen.findByText(/no recorded write of this record/)).toBeInTheDocument();
  });

  test('change and freeze rows open their history (change control page)', async () => {
    const frozen = {
      ...freeze,
      startsAt: new Date(Date.now() - 3600_000).toISOString(),
      endsAt: new Date(Date.now() + 86_400_000).toISOString(),
    };
    mockBackend([
      ...base,
      { path: '/freezes', answer: list([frozen]) },
      {
        path: '/freeze-occurrences',
        answer: {
          items: [
            {
              freeze: 'frz-1',
              name: frozen.name,
              reason: frozen.reason,
              scope: frozen.scope,
              startsAt: frozen.startsAt,
              endsAt: frozen.endsAt,
            },
          ],
          truncated: false,
        },
      },
      { path: '/changes', answer: list([change]) },
      { path: '/gate', answer: { allowed: true, checkId: 'chk-1' } },
      { path: '/changes-by-system', answer: changesBySystem },
      {
        path: '/changes/chg-1/history',
        answer: { items: [entry({ collection: 'changes', id: 'chg-1', actor: { token: 'argocd', name: 'argocd' } })] },
      },
      {
        path: '/freezes/frz-1/history',
        answer: {
          items: [
            entry({
              collection: 'freezes',
              id: 'frz-1',
              action: 'ended',
              actor: { token: 'grafana-admin', user: 'ana', name: 'ana' },
              changes: [{ field: 'endsAt', from: '2026-12-02T00:00:00Z', to: '2026-11-30T12:00:00Z' }],
            }),
          ],
        },
      },
    ]);
    renderApp('changes');
    // the change control page loads five sections: allow it the time a busy machine takes
    const changes = await screen.findByTestId('changes-table', {}, { timeout: 5000 });
    await userEvent.click(within(changes).getByRole('button', { name: /History/ }));
    expect(await screen.findByText('History: Deploy checkout 1.2')).toBeInTheDocument();
    expect(await screen.findByText('argocd')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /Close/ }));
    const freezes = await screen.findByTestId('freezes-table');
    await userEvent.click(within(freezes).getByRole('button', { name: /History/ }));
    const ended = await screen.findByTestId('history-entry');
    expect(ended).toHaveAttribute('data-action', 'ended');
    expect(within(ended).getByText('ana')).toBeInTheDocument();
    expect(ended.querySelector('[data-field="endsAt"]')).toHaveTextContent('2026-11-30T12:00:00Z');
  });

  test('alert rows of the review queue open their history (verdicts keep who gave them)', async () => {
    mockBackend([
      ...base,
      { path: '/kpis', answer: { window: '30d', from: '', to: '', values: [] } },
      { path: '/alerts-by-name', answer: { items: [], total: 0, limit: 10, offset: 0 } },
      { path: '/alerts', answer: ({ query }: { query: URLSearchParams }) => list(query.get('verdict') ? [alert] : []) },
      {
        path: '/alerts/al-1/history',
        answer: {
          items: [
            entry({
              collection: 'alerts',
              id: 'al-1',
              action: 'updated',
              actor: { token: 'grafana-ingest', user: 'mateo', name: 'mateo' },
              changes: [{ field: 'verdict', from: 'actionable', to: null }],
            }),
          ],
        },
      },
    ]);
    renderApp('alerts');
    const queue = await screen.findByTestId('queue-table', {}, { timeout: 5000 });
    await userEvent.click(within(queue).getByRole('button', { name: /History/ }));
    const row = await screen.findByTestId('history-entry');
    expect(within(row).getByText('mateo')).toBeInTheDocument();
    expect(row.querySelector('[data-field="verdict"]')).toHaveTextContent('actionable');
  });

  test('fmtValue: absent as –, texts as sent, the rest as JSON', () => {
    expect(fmtValue(null)).toBe('–');
    expect(fmtValue(undefined)).toBe('–');
    expect(fmtValue('P1')).toBe('P1');
    expect(fmtValue(false)).toBe('false');
    expect(fmtValue({ team: 'x' })).toBe('{"team":"x"}');
  });
});
