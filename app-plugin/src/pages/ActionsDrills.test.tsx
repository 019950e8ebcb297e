import { screen, within } from '@testing-library/react';
import { list, mockBackend, PENDING, setRole } from '../testing/mockBackend';
import { action, drill, finding, org } from '../testing/fixtures';
import { renderApp } from '../testing/render';
import { byOwner, workItems } from './Actions';
import { drillsByTeam, drillTrend } from './Drills';

const base = [{ path: '/org', answer: org }];
beforeEach(() => setRole('Viewer'));

describe('Inspections and actions', () => {
  test('loading', async () => {
    mockBackend([...base, { path: /^\/(actions|findings)$/, ...PENDING }]);
    renderApp('actions');
    expect(await screen.findByText(/Loading open findings and actions/)).toBeInTheDocument();
  });
  test('error', async () => {
    mockBackend([...base, { path: /^\/(actions|findings)$/, error: { status: 401, message: 'unknown token' } }]);
    renderApp('actions');
    expect(await screen.findByText('unknown token')).toBeInTheDocument();
  });
  test('empty', async () => {
    mockBackend([...base, { path: /^\/(actions|findings)$/, answer: list([]) }]);
    renderApp('actions');
    expect(await screen.findByText(/No open finding or improvement action/)).toBeInTheDocument();
  });
  test('data: by owner, overdue first; open items only, scoped', async () => {
    const future = { ...action, id: 'act-2', title: 'Later', owner: 'Zed', dueAt: '2099-01-01T00:00:00Z' };
    const { requests } = mockBackend([
      ...base,
      { path: '/actions', answer: list([future, action]) },
      { path: '/findings', answer: list([finding]) },
    ]);
    renderApp('actions?businessLine=payments');
    const items = await screen.findByTestId('work-items');
    const rows = within(items).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('overdue');
    expect(rows[rows.length - 1]).toHaveTextContent('Later');
    expect(within(screen.getByTestId('by-owner')).getByText('Ben')).toBeInTheDocument();
    const q = requests.find((r) => r.path === '/actions')!.query;
    expect(q.get('open')).toBe('true');
    expect(q.get('businessLine')).toBe('payments');
    expect(q.get('from')).toBeNull();
  });
  test('workItems()/byOwner()', () => {
    const items = workItems([action], [finding], org, Date.parse('2026-12-01T00:00:00Z'));
    expect(items.map((i) => i.owner)).toEqual(['Rosa', 'Ben']);
    expect(byOwner(items)[0]).toMatchObject({ owner: 'Rosa', overdue: 1 });
  });
});

describe('Drills', () => {
  test('loading', async () => {
    mockBackend([...base, { path: '/drills', ...PENDING }]);
    renderApp('drills');
    expect(await screen.findByText(/Loading drills/)).toBeInTheDocument();
  });
  test('error', async () => {
    mockBackend([...base, { path: '/drills', error: { status: 500, message: 'boom' } }]);
    renderApp('drills');
    expect(await screen.findByText('boom')).toBeInTheDocument();
  });
  test('empty', async () => {
    mockBackend([...base, { path: '/drills', answer: list([]) }]);
    renderApp('drills');
    expect(await screen.findByText('No drills')).toBeInTheDocument();
  });
  test('data: by team with scores and recovery, and the trend', async () => {
    mockBackend([
      ...base,
      {
        path: '/drills',
        answer: list([
          drill,
          { ...drill, id: 'd2', score: 65, startedAt: '2026-10-01T00:00:00Z', recoveredAt: '2026-10-01T00:40:00Z' },
        ]),
      },
    ]);
    renderApp('drills');
    const team = await screen.findByTestId('drills-by-team');
    expect(within(team).getByText('Checkout')).toBeInTheDocument();
    expect(within(team).getByText('75.0')).toBeInTheDocument();
    expect(within(team).getByText('30m')).toBeInTheDocument();
    expect(within(screen.getByTestId('drill-trend')).getByText('2026-10')).toBeInTheDocument();
  });
  test('helpers', () => {
    expect(drillsByTeam([drill])[0]).toMatchObject({ team: 'pay-checkout', count: 1, score: 85, recovery: 1200 });
    expect(drillTrend([drill]).map((m) => m.month)).toEqual(['2026-11']);
  });
});
