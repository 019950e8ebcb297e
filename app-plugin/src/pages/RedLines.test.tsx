import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { RedLineViolation } from '@ballast/contract';
import { mockBackend, PENDING, setRole } from '../testing/mockBackend';
import { org } from '../testing/fixtures';
import { renderApp } from '../testing/render';
import { recordHref } from './RedLines';
import { filtersFrom } from '../components/urlState';

const base = [{ path: '/org', answer: org }];
const overdue: RedLineViolation = {
  id: 'action_overdue:act-1',
  rule: 'action_overdue',
  collection: 'actions',
  record: 'act-1',
  title: 'Add canary for checkout',
  team: 'pay-checkout',
  businessLine: 'payments',
  owner: 'Rosa',
  since: '2026-11-15T00:00:00Z',
};
const noPostmortem: RedLineViolation = {
  id: 'incident_without_postmortem:inc-1',
  rule: 'incident_without_postmortem',
  collection: 'incidents',
  record: 'inc-1',
  title: 'Checkout errors',
  team: 'pay-checkout',
  businessLine: 'payments',
  owner: 'Rosa',
  since: '2026-11-20T00:00:00Z',
  until: '2026-11-25T00:00:00Z',
};
const waived: RedLineViolation = {
  id: 'change_in_freeze:chg-1',
  rule: 'change_in_freeze',
  collection: 'changes',
  record: 'chg-1',
  title: 'Deploy checkout 1.2',
  team: 'pay-checkout',
  businessLine: 'payments',
  owner: 'Rosa',
  since: '2026-11-29T06:30:00Z',
  waiver: {
    by: { token: 'grafana-admin', user: 'jonas', name: 'jonas' },
    at: '2026-11-30T09:00:00Z',
    reason: 'hotfix',
  },
};
const ledger = (items: RedLineViolation[]) => ({
  path: '/red-lines/violations',
  answer: { items, total: items.length, limit: 1000, offset: 0 },
});

beforeEach(() => setRole('Viewer'));

describe('Red lines', () => {
  test('loading, error, empty', async () => {
    mockBackend([...base, { path: '/red-lines/violations', ...PENDING }]);
    const first = renderApp('red-lines');
    expect(await screen.findByText(/Loading red-line violations/)).toBeInTheDocument();
    first.unmount();
    mockBackend([
      ...base,
      { path: '/red-lines/violations', error: { status: 400, message: 'rule: must be one of …' } },
    ]);
    const second = renderApp('red-lines');
    expect(await screen.findByText('rule: must be one of …')).toBeInTheDocument();
    second.unmount();
    mockBackend([...base, ledger([])]);
    renderApp('red-lines');
    expect(await screen.findByText('No red line was crossed in this scope and range.')).toBeInTheDocument();
  });

  test('the ledger: rule, record, team, line, owner, since, until or in force, waivers; counts by rule; filters asked of the exporter', async () => {
    const { requests } = mockBackend([...base, ledger([overdue, noPostmortem, waived])]);
    renderApp('red-lines?businessLine=payments&service=checkout-api&rule=action_overdue&waived=open&from=now-7d');
    const table = await screen.findByTestId('violations-table');
    const row = within(table).getByText('Add canary for checkout').closest('tr')!;
    expect(within(row).getByText('Improvement action overdue')).toBeInTheDocument();
    expect(within(row).getByText('Checkout')).toBeInTheDocument();
    expect(within(row).getByText('Payments')).toBeInTheDocument();
    expect(within(row).getByText('Rosa')).toBeInTheDocument();
    expect(within(row).getByText('in force')).toBeInTheDocument();
    const mended = within(table).getByText('Checkout errors').closest('tr')!;
    expect(within(mended).queryByText('in force')).not.toBeInTheDocument();
    expect(within(mended).getByText('Checkout errors').closest('a')).toHaveAttribute(
      'href',
      expect.stringContaining('/a/ballast-stability-app/incidents/inc-1')
    );
    expect(within(table).getByText('waived by jonas')).toBeInTheDocument();
    // Viewers do not waive
    expect(within(table).queryByRole('button', { name: /Waive/ })).not.toBeInTheDocument();
    // by rule: not-waived count, in force, waived
    const byRule = screen.getByTestId('red-lines-by-rule');
    expect(byRule.querySelector('[data-rule="action_overdue"]')).toHaveTextContent(/^1.*1 in force · 0 waived$/);
    expect(byRule.querySelector('[data-rule="change_in_freeze"]')).toHaveTextContent(/^0.*1 in force · 1 waived$/);
    const q = requests.find((r) => r.path === '/red-lines/violations')!.query;
    expect(q.get('businessLine')).toBe('payments');
    // the ledger is by team: the chosen service's team
    expect(q.get('team')).toBe('pay-checkout');
    expect(q.get('rule')).toBe('action_overdue');
    expect(q.get('waived')).toBe('false');
    expect(Date.parse(q.get('to')!) - Date.parse(q.get('from')!)).toBeCloseTo(7 * 86400e3, -5);
  });

  test('an Admin waives with a reason (required), through the Admin route with the admin token and the Grafana user', async () => {
    setRole('Admin', 'jonas');
    let items = [overdue];
    const { requests } = mockBackend([
      ...base,
      { path: '/red-lines/violations', answer: () => ({ items, total: items.length, limit: 1000, offset: 0 }) },
      {
        method: 'POST',
        path: '/red-lines/violations/action_overdue:act-1/waiver',
        answer: ({ body }: { body: { reason: string } }) => {
          items = [
            { ...overdue, waiver: { by: { token: 'a', user: 'jonas', name: 'jonas' }, at: '', reason: body.reason } },
          ];
          return items[0];
        },
      },
    ]);
    renderApp('red-lines');
    await userEvent.click(
      await within(await screen.findByTestId('violations-table')).findByRole('button', { name: /Waive/ })
    );
    const save = within(screen.getByRole('dialog')).getByRole('button', { name: 'Waive' });
    expect(save).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: '   ' } });
    expect(save).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: ' Owner on leave, agreed in committee ' } });
    await userEvent.click(save);
    expect(await screen.findByText('waived by jonas')).toBeInTheDocument();
    const post = requests.find((r) => r.method === 'POST')!;
    expect(post.url).toBe(
      '/api/plugin-proxy/ballast-stability-app/ballast-admin/api/v1/red-lines/violations/action_overdue%3Aact-1/waiver'
    );
    expect(post.body).toEqual({ reason: 'Owner on leave, agreed in committee' });
    expect(post.authorization).toBe('Bearer admin-token-0123456789');
    expect(post.user).toBe('jonas');
    expect(post.grafanaRole).toBe('Admin');
  });

  test('a refused waiver shows the exporter text; Editors see no Waive button', async () => {
    setRole('Admin');
    mockBackend([
      ...base,
      ledger([overdue]),
      { method: 'POST', path: /waiver$/, error: { status: 400, message: 'reason: must not be empty' } },
    ]);
    const first = renderApp('red-lines');
    await userEvent.click(
      await within(await screen.findByTestId('violations-table')).findByRole('button', { name: /Waive/ })
    );
    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: 'x' } });
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Waive' }));
    await waitFor(() => expect(screen.getByTestId('save-error')).toHaveTextContent('reason: must not be empty'));
    first.unmount();
    setRole('Editor');
    mockBackend([...base, ledger([overdue])]);
    renderApp('red-lines');
    const table = await screen.findByTestId('violations-table');
    expect(within(table).queryByRole('button', { name: /Waive/ })).not.toBeInTheDocument();
  });

  test('recordHref: each rule links where its record is shown', () => {
    const f = filtersFrom({ team: 'pay-checkout' });
    expect(recordHref(noPostmortem, f)).toBe('/a/ballast-stability-app/incidents/inc-1?team=pay-checkout');
    expect(recordHref(waived, f)).toBe('/a/ballast-stability-app/changes?team=pay-checkout&control=violations');
    expect(recordHref(overdue, f)).toBe('/a/ballast-stability-app/actions?team=pay-checkout');
    expect(recordHref({ ...overdue, collection: 'alerts' }, f)).toBe(
      '/a/ballast-stability-app/alerts?team=pay-checkout'
    );
  });
});
