import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { list, mockBackend, PENDING, setRole } from '../testing/mockBackend';
import { alert, alertsByName, org } from '../testing/fixtures';
import { renderApp } from '../testing/render';

const base = [{ path: '/org', answer: org }];
const kpis = {
  window: '30d',
  from: '',
  to: '',
  values: [
    {
      kpi: 'alert_accuracy_ratio',
      level: 'team',
      businessLine: 'payments',
      team: 'pay-checkout',
      value: 0.5,
      numerator: 1,
      denominator: 2,
    },
  ],
};
/** `/alerts-by-name`: the exporter's answer, ordered by noise when asked so. */
const byNameRoute = (answer = alertsByName) => ({
  path: '/alerts-by-name',
  answer: ({ query }: { query: URLSearchParams }) =>
    query.get('sort') === 'noise' ? { ...answer, items: [...answer.items].sort((a, b) => b.noise - a.noise) } : answer,
});
const routes = (queue = [alert]) => [
  ...base,
  { path: '/kpis', answer: kpis },
  byNameRoute(),
  {
    path: '/alerts',
    answer: ({ query }: { query: URLSearchParams }) => list(query.get('verdict') === 'none' ? queue : []),
  },
];

beforeEach(() => setRole('Viewer'));

describe('Alert governance', () => {
  test('loading', async () => {
    mockBackend([
      ...base,
      { path: '/kpis', ...PENDING },
      { path: '/alerts', ...PENDING },
      { path: '/alerts-by-name', ...PENDING },
    ]);
    renderApp('alerts');
    expect(await screen.findByText(/Loading the review queue/)).toBeInTheDocument();
    expect(screen.getByText(/Loading alert accuracy/)).toBeInTheDocument();
    expect(screen.getByText(/Loading the noisiest alert names/)).toBeInTheDocument();
    expect(screen.getByText(/Loading high-severity alerts/)).toBeInTheDocument();
  });
  test('error', async () => {
    const refused = { error: { status: 400, message: 'unknown team x' } };
    mockBackend([
      ...base,
      { path: '/kpis', ...refused },
      { path: '/alerts', ...refused },
      { path: '/alerts-by-name', ...refused },
    ]);
    renderApp('alerts?team=x');
    // The queue, the team accuracy, the noisiest names and the by-name table each say why.
    expect((await screen.findAllByText('unknown team x')).length).toBe(4);
  });
  test('empty', async () => {
    mockBackend([
      ...base,
      { path: '/kpis', answer: { ...kpis, values: [] } },
      { path: '/alerts', answer: list([]) },
      byNameRoute({ ...alertsByName, items: [], total: 0 }),
    ]);
    renderApp('alerts');
    expect(await screen.findByText('Every high-severity alert in range has a verdict.')).toBeInTheDocument();
    expect(await screen.findByText('No high-severity alerts')).toBeInTheDocument();
    expect(screen.getByText('No high-severity alert fired in this range.')).toBeInTheDocument();
  });
  test("data: accuracy by team and by name are the exporter's numbers (inferred verdicts shown), asked for the filters; Viewers cannot judge", async () => {
    const { requests } = mockBackend(routes());
    renderApp('alerts?team=pay-checkout&service=checkout-api');
    expect(await within(await screen.findByTestId('accuracy-by-team')).findByText('50.0%')).toBeInTheDocument();
    const byName = await screen.findByTestId('by-name');
    expect(within(byName).getByText('Accuracy by alert name (2 names)')).toBeInTheDocument();
    const row = within(byName).getByText('HighErrorRate').closest('tr')!;
    expect(within(row).getByText('12')).toBeInTheDocument();
    expect(within(row).getByText('5 (2 inferred)')).toBeInTheDocument();
    expect(within(row).getByText('5 (1 inferred)')).toBeInTheDocument();
    expect(within(row).getByText('50.0%')).toBeInTheDocument();
    expect(within(within(byName).getByText('DiskFull').closest('tr')!).getByText('100.0%')).toBeInTheDocument();
    // Only names with noise are listed among the noisiest.
    const noisiest = screen.getByTestId('noisiest');
    expect(within(noisiest).getByText('HighErrorRate')).toBeInTheDocument();
    expect(within(noisiest).queryByText('DiskFull')).not.toBeInTheDocument();
    const asked = requests.filter((r) => r.path === '/alerts-by-name');
    expect(asked.map((r) => r.query.get('sort') ?? 'alerts (default)').sort()).toEqual(['alerts (default)', 'noise']);
    for (const r of asked) {
      expect(r.query.get('team')).toBe('pay-checkout');
      expect(r.query.get('service')).toBe('checkout-api');
      expect(r.query.get('from')).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(r.query.get('to')).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    // No alert list is fetched to count in the browser: the only /alerts call is the review queue.
    expect(requests.filter((r) => r.path === '/alerts').every((r) => r.query.get('verdict') === 'none')).toBe(true);
    expect(await screen.findByText(/read-only/)).toBeInTheDocument();
    expect(
      within(screen.getByTestId('queue-table')).queryByRole('button', { name: /Actionable/ })
    ).not.toBeInTheDocument();
  });
  test('by name: says how many names the table shows when the exporter has more', async () => {
    mockBackend([
      ...routes().filter((r) => r.path !== '/alerts-by-name'),
      byNameRoute({ ...alertsByName, total: 1500 }),
    ]);
    renderApp('alerts');
    expect(
      await within(await screen.findByTestId('by-name')).findByText(
        'Accuracy by alert name (the 2 most fired of 1500 names)'
      )
    ).toBeInTheDocument();
  });
  test('noisiest: none judged noise', async () => {
    const quiet = { ...alertsByName, items: alertsByName.items.map((i) => ({ ...i, noise: 0, inferredNoise: 0 })) };
    mockBackend([...routes().filter((r) => r.path !== '/alerts-by-name'), byNameRoute(quiet)]);
    renderApp('alerts');
    expect(
      await within(await screen.findByTestId('noisiest')).findByText('No alert was judged noise in this range.')
    ).toBeInTheDocument();
  });
  test('role rules: an Editor marks an alert noise (PUT of the full record)', async () => {
    setRole('Editor');
    const { requests } = mockBackend([
      ...routes(),
      { method: 'PUT', path: '/alerts/al-1', answer: { ...alert, verdict: 'noise' } },
    ]);
    renderApp('alerts');
    const queue = await screen.findByTestId('queue-table');
    await userEvent.click(await within(queue).findByText('Noise'));
    expect(await screen.findByText('marked noise')).toBeInTheDocument();
    const put = requests.find((r) => r.method === 'PUT')!;
    expect(put.body).toEqual({
      name: 'HighErrorRate',
      severity: 'critical',
      startsAt: alert.startsAt,
      verdict: 'noise',
      service: 'checkout-api',
      incident: 'inc-1',
    });
  });
  test('a refused verdict shows the API error text', async () => {
    setRole('Editor');
    mockBackend([
      ...routes(),
      {
        method: 'PUT',
        path: '/alerts/al-1',
        error: { status: 403, message: 'this needs the ingest role; the token has read' },
      },
    ]);
    renderApp('alerts');
    await userEvent.click(await within(await screen.findByTestId('queue-table')).findByText('Actionable'));
    await waitFor(() => expect(screen.getByText(/this needs the ingest role; the token has read/)).toBeInTheDocument());
  });
});
