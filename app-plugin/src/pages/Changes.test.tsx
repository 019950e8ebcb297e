import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { list, mockBackend, PENDING, setRole } from '../testing/mockBackend';
import { change, changesBySystem, freeze, org } from '../testing/fixtures';
import { renderApp } from '../testing/render';
import { Freeze, FreezeOccurrence } from '../types';
import { monthGrid, nextDay, onDay } from './calendar';

const base = [{ path: '/org', answer: org }];
const systems = { path: '/changes-by-system', answer: changesBySystem };
const gateOk = { path: '/gate', answer: { allowed: true, checkId: 'chk-1' } };
const activeFreeze = {
  ...freeze,
  startsAt: new Date(Date.now() - 3600_000).toISOString(),
  endsAt: new Date(Date.now() + 86_400_000).toISOString(),
};
const inFreeze = { ...change, startedAt: new Date(Date.now() - 1800_000).toISOString(), violatedFreezes: ['frz-1'] };
const occurrenceOf = (f: Freeze, startsAt = f.startsAt!, endsAt = f.endsAt!): FreezeOccurrence => ({
  freeze: f.id,
  name: f.name,
  reason: f.reason,
  scope: f.scope,
  startsAt,
  endsAt,
});
const occurrences = (items: FreezeOccurrence[]) => ({
  path: '/freeze-occurrences',
  answer: { items, truncated: false },
});
/** `/freezes` answers the records, and with `active=true` the ones open now (the exporter's answer). */
const freezesRoute = (all: Freeze[], active: Freeze[] = all) => ({
  path: '/freezes',
  answer: ({ query }: { query: URLSearchParams }) => list(query.get('active') === 'true' ? active : all),
});

beforeEach(() => setRole('Viewer'));

describe('Change control', () => {
  test('loading', async () => {
    mockBackend([
      ...base,
      { path: '/freezes', ...PENDING },
      { path: '/freeze-occurrences', ...PENDING },
      { path: '/changes', ...PENDING },
      { path: '/gate', ...PENDING },
      { path: '/changes-by-system', ...PENDING },
    ]);
    renderApp('changes');
    expect(await screen.findByText(/Loading changes/)).toBeInTheDocument();
    expect(screen.getByText(/Loading change systems/)).toBeInTheDocument();
    expect(screen.getByText(/Loading freeze windows/)).toBeInTheDocument();
    expect(screen.getByText(/Loading the gate's answers/)).toBeInTheDocument();
  });

  test('error', async () => {
    const down = { error: { status: 503, message: 'store unavailable' } };
    mockBackend([
      ...base,
      { path: '/freezes', ...down },
      { path: '/freeze-occurrences', ...down },
      { path: '/changes', ...down },
      { path: '/changes-by-system', ...down },
      gateOk,
    ]);
    renderApp('changes');
    // The calendar, the systems and the changes each say why.
    expect((await screen.findAllByText('store unavailable')).length).toBe(3);
  });

  test('error of the occurrences shows the API message in the calendar', async () => {
    mockBackend([
      ...base,
      systems,
      freezesRoute([activeFreeze]),
      { path: '/freeze-occurrences', error: { status: 400, message: 'from: is required' } },
      { path: '/changes', answer: list([]) },
      gateOk,
    ]);
    renderApp('changes');
    expect(
      await within(await screen.findByTestId('freeze-calendar')).findByText('from: is required')
    ).toBeInTheDocument();
  });

  test('empty', async () => {
    mockBackend([...base, systems, freezesRoute([]), occurrences([]), { path: '/changes', answer: list([]) }, gateOk]);
    renderApp('changes?service=checkout-api');
    expect(await screen.findByText('No changes')).toBeInTheDocument();
    expect(await screen.findByText(/No freeze window in this month/)).toBeInTheDocument();
  });

  test('data: violations are asked of the exporter (violation=true) and labelled from violatedFreezes; systems, the calendar and the gate (423 = frozen)', async () => {
    const controlledDeploy = {
      ...change,
      id: 'chg-2',
      title: 'Controlled deploy',
      system: 'argocd',
      controlled: true,
      startedAt: '2026-01-01T00:00:00Z',
      violatedFreezes: [],
    };
    const { requests } = mockBackend([
      ...base,
      systems,
      freezesRoute([activeFreeze]),
      occurrences([occurrenceOf(activeFreeze)]),
      {
        path: '/changes',
        answer: ({ query }: { query: URLSearchParams }) =>
          list(query.get('violation') === 'true' ? [inFreeze] : [inFreeze, controlledDeploy]),
      },
      {
        path: '/gate',
        answer: ({ query }: { query: URLSearchParams }) => {
          if (query.get('service') === 'checkout-api') {
            // The exporter's 423 body (exporter/src/api/gate-routes.ts): a refused answer with the freezes in force.
            const frozen = {
              allowed: false,
              checkId: 'chk-frozen',
              at: new Date().toISOString(),
              service: 'checkout-api',
              freezes: [
                {
                  id: activeFreeze.id,
                  name: activeFreeze.name,
                  reason: activeFreeze.reason,
                  startsAt: activeFreeze.startsAt,
                  endsAt: activeFreeze.endsAt,
                },
              ],
            };
            throw Object.assign(new Error('Locked'), { status: 423, data: frozen });
          }
          return {
            allowed: true,
            checkId: 'c1',
            at: new Date().toISOString(),
            service: query.get('service'),
            freezes: [],
          };
        },
      },
    ]);
    renderApp('changes?control=violations');
    // The first render of the page pays for its module transform: more than findBy's 1 s on a loaded machine.
    expect(await screen.findByText('in freeze Black Friday', undefined, { timeout: 10_000 })).toBeInTheDocument();
    expect(screen.queryByText('Controlled deploy')).not.toBeInTheDocument();
    const asked = requests.filter((r) => r.path === '/changes');
    expect(asked.every((r) => r.query.get('violation') === 'true' && !r.query.has('controlled'))).toBe(true);
    expect(within(screen.getByTestId('systems-table')).getByText('not integrated')).toBeInTheDocument();
    const calendar = screen.getByTestId('freeze-calendar');
    expect(within(calendar).getAllByText('Black Friday').length).toBeGreaterThan(1);
    expect(within(calendar).getByText('in force')).toBeInTheDocument();
    await waitFor(() => expect(screen.getAllByTestId('gate-answer')).toHaveLength(2));
    expect(requests.some((r) => r.path === '/gate' && r.query.get('service') === 'cart-gateway')).toBe(true);
    // Which answer is which: checkout-api frozen (423), cart-gateway allowed (200).
    const answers = Object.fromEntries(
      screen.getAllByTestId('gate-answer').map((el) => [el.textContent, el.getAttribute('data-allowed')])
    );
    expect(answers).toEqual({ 'checkout-api': 'false', 'cart-gateway': 'true' });
    const frozen = screen.getAllByTestId('gate-answer').find((el) => el.textContent === 'checkout-api')!;
    fireEvent.mouseEnter(frozen);
    fireEvent.focus(frozen);
    expect(await screen.findByText('Frozen by Black Friday')).toBeInTheDocument();
    expect(requests.some((r) => r.path === '/freezes' && r.query.get('active') === 'true')).toBe(true);
  });

  test("data: per-system coverage, failures and violations are the exporter's (/changes-by-system), asked for the filters and range", async () => {
    const stray = {
      system: 'old-ci',
      name: 'old-ci',
      integrated: null,
      changes: 1,
      controlled: 0,
      coverage: 0,
      withResult: 0,
      failed: 0,
      failureRatio: null,
      freezeViolations: 0,
    };
    const { requests } = mockBackend([
      ...base,
      { path: '/changes-by-system', answer: { ...changesBySystem, items: [...changesBySystem.items, stray] } },
      freezesRoute([]),
      occurrences([]),
      // The change list holds nothing: the system numbers do not come from it.
      { path: '/changes', answer: list([]) },
      gateOk,
    ]);
    renderApp('changes?team=pay-checkout');
    const table = await screen.findByTestId('systems-table');
    const manual = within(table).getByText('Manual').closest('tr')!;
    expect(within(manual).getByText('not integrated')).toBeInTheDocument();
    expect(within(manual).getByText('25.0% (1 / 4)')).toBeInTheDocument();
    expect(within(manual).getByText('50.0% (1 / 2)')).toBeInTheDocument();
    expect(within(manual).getByText('2')).toBeInTheDocument();
    const argo = within(table).getByText('Argo CD').closest('tr')!;
    expect(within(argo).getByText('integrated')).toBeInTheDocument();
    expect(within(argo).getByText('100.0% (8 / 8)')).toBeInTheDocument();
    expect(
      within(within(table).getByText('old-ci').closest('tr')!).getByText('not in the org config')
    ).toBeInTheDocument();
    expect(screen.getByTestId('systems-integration')).toHaveTextContent(
      '1 of 2 change systems integrated with the gate (50.0%).'
    );
    const asked = requests.filter((r) => r.path === '/changes-by-system');
    expect(asked.length).toBeGreaterThan(0);
    for (const r of asked) {
      expect(r.query.get('team')).toBe('pay-checkout');
      expect(r.query.get('from')).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(r.query.get('to')).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
  });

  test('data: the mark comes from violatedFreezes only (no client-side rule), names fall back to the id; uncontrolled asks controlled=false', async () => {
    const { requests } = mockBackend([
      ...base,
      systems,
      freezesRoute([activeFreeze]),
      occurrences([occurrenceOf(activeFreeze)]),
      // Inside the window but not a violation by the exporter's rule, and a violation of a freeze the list does not hold.
      {
        path: '/changes',
        answer: list([
          { ...inFreeze, violatedFreezes: [] },
          { ...change, id: 'chg-3', title: 'Late deploy', violatedFreezes: ['frz-gone'] },
        ]),
      },
      gateOk,
    ]);
    renderApp('changes?control=uncontrolled');
    expect(await screen.findByText('Late deploy')).toBeInTheDocument();
    expect(screen.getByText('in freeze frz-gone')).toBeInTheDocument();
    expect(screen.queryByText('in freeze Black Friday')).not.toBeInTheDocument();
    const asked = requests.filter((r) => r.path === '/changes');
    expect(asked.every((r) => r.query.get('controlled') === 'false' && !r.query.has('violation'))).toBe(true);
  });

  test('role rules: Viewers see freezes read-only', async () => {
    mockBackend([
      ...base,
      systems,
      freezesRoute([activeFreeze]),
      occurrences([occurrenceOf(activeFreeze)]),
      { path: '/changes', answer: list([]) },
      gateOk,
    ]);
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
      systems,
      freezesRoute([]),
      occurrences([]),
      { path: '/changes', answer: list([]) },
      gateOk,
      {
        method: 'PUT',
        path: /^\/freezes\//,
        error: { status: 403, message: 'this needs the admin role; the token has read' },
      },
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

  test('role rules: Editors end an active freeze (PUT with endsAt now), then the calendar is asked again', async () => {
    setRole('Admin');
    const { requests } = mockBackend([
      ...base,
      systems,
      freezesRoute([activeFreeze]),
      occurrences([occurrenceOf(activeFreeze)]),
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
    await waitFor(() => expect(requests.filter((r) => r.path === '/freeze-occurrences').length).toBeGreaterThan(1));
  });

  test('helpers: the grid starts on Monday; an occurrence marks each local day it is open on', () => {
    const days = monthGrid('2026-11');
    expect(days[0].getDay()).toBe(1);
    expect(days.length % 7).toBe(0);
    expect(nextDay(new Date(2026, 9, 25)).getDate()).toBe(26);
    const o = occurrenceOf(freeze, new Date(2026, 10, 6, 18).toISOString(), new Date(2026, 10, 9, 9).toISOString());
    expect(days.filter((d) => onDay(o, d)).map((d) => d.getDate())).toEqual([6, 7, 8, 9]);
  });
});

describe('recurring freezes', () => {
  test('the calendar shows the occurrences the exporter expanded (Friday 18:00 Berlin, 63 h), asked for the displayed month and scope', async () => {
    const weekend: Freeze = {
      ...freeze,
      id: 'wk',
      name: 'Weekend freeze',
      startsAt: null,
      endsAt: null,
      schedule: { cron: '0 18 * * 5', durationMinutes: 3780, timezone: 'Europe/Berlin' },
    };
    const starts = [
      '2026-10-30T17:00:00Z',
      '2026-11-06T17:00:00Z',
      '2026-11-13T17:00:00Z',
      '2026-11-20T17:00:00Z',
      '2026-11-27T17:00:00Z',
    ];
    const { requests } = mockBackend([
      ...base,
      systems,
      freezesRoute([weekend], []),
      occurrences(
        starts.map((s) =>
          occurrenceOf(weekend, new Date(s).toISOString(), new Date(Date.parse(s) + 3780 * 60_000).toISOString())
        )
      ),
      { path: '/changes', answer: list([{ ...change, startedAt: '2026-11-07T12:00:00Z', violatedFreezes: ['wk'] }]) },
      gateOk,
    ]);
    renderApp('changes?month=2026-11&team=pay-checkout');
    const cal = await screen.findByRole('grid', { name: 'Freeze calendar 2026-11' });
    // Fri → Mon 09:00, four weekends in November and one from October (the grid starts on Mon 26 October)
    expect(within(cal).getAllByText('Weekend freeze').length).toBeGreaterThanOrEqual(18);
    const day7 = cal.querySelector('[data-day="7"]') as HTMLElement;
    expect(within(day7).getByText('Weekend freeze')).toBeInTheDocument();
    expect(
      within(cal.querySelector('[data-day="4"]') as HTMLElement).queryByText('Weekend freeze')
    ).not.toBeInTheDocument();
    expect(within(screen.getByTestId('freezes-table')).getByText(/0 18 \* \* 5/)).toBeInTheDocument();
    expect(screen.getByText('in freeze Weekend freeze')).toBeInTheDocument();
    const asked = requests.find((r) => r.path === '/freeze-occurrences')!;
    expect(asked.query.get('team')).toBe('pay-checkout');
    const grid = monthGrid('2026-11');
    expect(asked.query.get('from')).toBe(grid[0].toISOString());
    expect(asked.query.get('to')).toBe(nextDay(grid[grid.length - 1]).toISOString());
  });
});
