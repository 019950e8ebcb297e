import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { list, mockBackend, PENDING, setRole } from '../testing/mockBackend';
import { change, freeze, org } from '../testing/fixtures';
import { renderApp } from '../testing/render';
import { monthGrid, violationOf } from './freezes';

const base = [{ path: '/org', answer: org }];
const gateOk = { path: '/gate', answer: { allowed: true, checkId: 'chk-1' } };
const activeFreeze = { ...freeze, startsAt: new Date(Date.now() - 3600_000).toISOString(), endsAt: new Date(Date.now() + 86_400_000).toISOString() };
const inFreeze = { ...change, startedAt: new Date(Date.now() - 1800_000).toISOString() };

beforeEach(() => setRole('Viewer'));

describe('Change control', () => {
  test('loading', async () => {
    mockBackend([...base, { path: '/freezes', ...PENDING }, { path: '/changes', ...PENDING }, { path: '/gate', ...PENDING }]);
    renderApp('changes');
    expect(await screen.findByText(/Loading changes/)).toBeInTheDocument();
    expect(screen.getByText(/Loading freeze windows/)).toBeInTheDocument();
    expect(screen.getByText(/Loading the gate's answers/)).toBeInTheDocument();
  });

  test('error', async () => {
    mockBackend([...base, { path: '/freezes', error: { status: 503, message: 'store unavailable' } }, { path: '/changes', error: { status: 503, message: 'store unavailable' } }, gateOk]);
    renderApp('changes');
    expect((await screen.findAllByText('store unavailable')).length).toBe(2);
  });

  test('empty', async () => {
    mockBackend([...base, { path: '/freezes', answer: list([]) }, { path: '/changes', answer: list([]) }, gateOk]);
    renderApp('changes?service=checkout-api');
    expect(await screen.findByText('No changes')).toBeInTheDocument();
    expect(await screen.findByText(/No freeze window in this month/)).toBeInTheDocument();
  });

  test('data: changes, violations, systems, the calendar and the gate (423 = frozen)', async () => {
    const { requests } = mockBackend([
      ...base,
      { path: '/freezes', answer: list([activeFreeze]) },
      { path: '/changes', answer: list([inFreeze, { ...change, id: 'chg-2', title: 'Controlled deploy', system: 'argocd', controlled: true, startedAt: '2026-01-01T00:00:00Z' }]) },
      {
        path: '/gate',
        answer: ({ query }: { query: URLSearchParams }) => {
          if (query.get('service') === 'checkout-api') {
            throw Object.assign(new Error('locked'), { status: 423 });
          }
          return { allowed: true, checkId: 'c1' };
        },
      },
    ]);
    renderApp('changes?control=violations');
    expect(await screen.findByText('in freeze Black Friday')).toBeInTheDocument();
    expect(screen.queryByText('Controlled deploy')).not.toBeInTheDocument();
    expect(within(screen.getByTestId('systems-table')).getByText('not integrated')).toBeInTheDocument();
    expect(within(screen.getByTestId('freeze-calendar')).getAllByText('Black Friday').length).toBeGreaterThan(1);
    await waitFor(() => expect(screen.getAllByTestId('gate-answer')).toHaveLength(2));
    expect(requests.some((r) => r.path === '/gate' && r.query.get('service') === 'cart-gateway')).toBe(true);
  });

  test('role rules: Viewers see freezes read-only', async () => {
    mockBackend([...base, { path: '/freezes', answer: list([activeFreeze]) }, { path: '/changes', answer: list([]) }, gateOk]);
    renderApp('changes');
    expect(await screen.findByText(/read-only/)).toBeInTheDocument();
    expect(screen.queryByText('New freeze')).not.toBeInTheDocument();
    expect(screen.queryByText('Edit')).not.toBeInTheDocument();
    expect(screen.queryByText('End')).not.toBeInTheDocument();
  });

  test('role rules: Editors create a freeze (PUT) and see the API error text when refused', async () => {
    setRole('Editor');
    const { requests } = mockBackend([
      ...base,
      { path: '/freezes', answer: list([]) },
      { path: '/changes', answer: list([]) },
      gateOk,
      { method: 'PUT', path: /^\/freezes\//, error: { status: 403, message: 'this needs the admin role; the token has read' } },
    ]);
    renderApp('changes');
    await userEvent.click(await screen.findByText('New freeze'));
    fireEvent.change(screen.getByLabelText('Freeze name'), { target: { value: 'Year end' } });
    fireEvent.change(screen.getByLabelText('Freeze reason'), { target: { value: 'Closing the books' } });
    await userEvent.click(screen.getByText('Save'));
    expect(await screen.findByText('this needs the admin role; the token has read')).toBeInTheDocument();
    const put = requests.find((r) => r.method === 'PUT')!;
    expect(put.path).toMatch(/^\/freezes\/freeze-/);
    expect(put.body).toMatchObject({ name: 'Year end', reason: 'Closing the books', scope: {} });
    expect((put.body as { startsAt: string }).startsAt).toMatch(/Z$/);
  });

  test('role rules: Editors end an active freeze (PUT with endsAt now)', async () => {
    setRole('Admin');
    const { requests } = mockBackend([
      ...base,
      { path: '/freezes', answer: list([activeFreeze]) },
      { path: '/changes', answer: list([]) },
      gateOk,
      { method: 'PUT', path: '/freezes/frz-1', answer: activeFreeze },
    ]);
    renderApp('changes');
    await userEvent.click(await screen.findByText('End'));
    fireEvent.click(await screen.findByText('End now'));
    await waitFor(() => expect(requests.some((r) => r.method === 'PUT')).toBe(true));
    const body = requests.find((r) => r.method === 'PUT')!.body as { endsAt: string; name: string };
    expect(body.name).toBe('Black Friday');
    expect(Math.abs(Date.parse(body.endsAt) - Date.now())).toBeLessThan(60_000);
  });

  test('helpers: violations need a covering fixed window and no exemption; the grid starts on Monday', () => {
    expect(violationOf(inFreeze, [activeFreeze], org)?.id).toBe('frz-1');
    expect(violationOf({ ...inFreeze, exemption: 'hotfix' }, [activeFreeze], org)).toBeUndefined();
    expect(violationOf({ ...inFreeze, service: 'cart-gateway', team: 'com-cart', businessLine: 'commerce' }, [activeFreeze], org)).toBeUndefined();
    const days = monthGrid('2026-11');
    expect(days[0].getDay()).toBe(1);
    expect(days.length % 7).toBe(0);
  });
});

describe('recurring freezes', () => {
  test('cronStarts(): Friday 18:00 Berlin, and the calendar shows each occurrence', async () => {
    const { cronStarts } = await import('./cron');
    const starts = cronStarts('0 18 * * 5', 'Europe/Berlin', Date.parse('2026-11-01T00:00:00Z'), Date.parse('2026-12-01T00:00:00Z'));
    expect(starts.map((s) => new Date(s).toISOString())).toEqual(['2026-11-06T17:00:00.000Z', '2026-11-13T17:00:00.000Z', '2026-11-20T17:00:00.000Z', '2026-11-27T17:00:00.000Z']);
    const summer = cronStarts('30 9 1 7 *', 'Europe/Berlin', Date.parse('2026-01-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z'));
    expect(summer.map((s) => new Date(s).toISOString())).toEqual(['2026-07-01T07:30:00.000Z']);
    const weekend = { ...freeze, id: 'wk', startsAt: null, endsAt: null, schedule: { cron: '0 18 * * 5', durationMinutes: 3780, timezone: 'Europe/Berlin' } };
    expect(violationOf({ ...change, startedAt: '2026-11-07T12:00:00Z' }, [weekend], org)?.id).toBe('wk');
    expect(violationOf({ ...change, startedAt: '2026-11-04T12:00:00Z' }, [weekend], org)).toBeUndefined();
    mockBackend([...base, { path: '/freezes', answer: list([weekend]) }, { path: '/changes', answer: list([]) }, gateOk]);
    renderApp('changes?month=2026-11');
    const cal = await screen.findByRole('grid', { name: 'Freeze calendar 2026-11' });
    // Fri 6 → Mon 9 09:00, four weekends in November (plus the padding days of the grid)
    expect(within(cal).getAllByText('Black Friday').length).toBeGreaterThanOrEqual(16);
  });
});
