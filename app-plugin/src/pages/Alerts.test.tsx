import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { list, mockBackend, PENDING, setRole } from '../testing/mockBackend';
import { alert, org } from '../testing/fixtures';
import { renderApp } from '../testing/render';
import { byName } from './Alerts';

const base = [{ path: '/org', answer: org }];
const kpis = { window: '30d', from: '', to: '', values: [{ kpi: 'alert_accuracy_ratio', level: 'team', businessLine: 'payments', team: 'pay-checkout', value: 0.5, numerator: 1, denominator: 2 }] };
const judged = [alert, { ...alert, id: 'al-2', verdict: 'noise' as const }, { ...alert, id: 'al-3', name: 'DiskFull', verdict: 'actionable' as const }];
const routes = (queue = [alert]) => [
  ...base,
  { path: '/kpis', answer: kpis },
  { path: '/alerts', answer: ({ query }: { query: URLSearchParams }) => list(query.get('verdict') === 'none' ? queue : judged) },
];

beforeEach(() => setRole('Viewer'));

describe('Alert governance', () => {
  test('loading', async () => {
    mockBackend([...base, { path: '/kpis', ...PENDING }, { path: '/alerts', ...PENDING }]);
    renderApp('alerts');
    expect(await screen.findByText(/Loading the review queue/)).toBeInTheDocument();
    expect(screen.getByText(/Loading alert accuracy/)).toBeInTheDocument();
  });
  test('error', async () => {
    mockBackend([...base, { path: '/kpis', error: { status: 400, message: 'unknown team x' } }, { path: '/alerts', error: { status: 400, message: 'unknown team x' } }]);
    renderApp('alerts?team=x');
    expect((await screen.findAllByText('unknown team x')).length).toBe(3);
  });
  test('empty', async () => {
    mockBackend([...base, { path: '/kpis', answer: { ...kpis, values: [] } }, { path: '/alerts', answer: list([]) }]);
    renderApp('alerts');
    expect(await screen.findByText('Every high-severity alert in range has a verdict.')).toBeInTheDocument();
    expect(screen.getByText('No high-severity alerts')).toBeInTheDocument();
  });
  test('data: accuracy by team and name, the noisiest names; Viewers cannot judge', async () => {
    mockBackend(routes());
    renderApp('alerts');
    expect(await within(await screen.findByTestId('accuracy-by-team')).findByText('50.0%')).toBeInTheDocument();
    expect(within(await screen.findByTestId('noisiest')).getByText('HighErrorRate')).toBeInTheDocument();
    expect(within(screen.getByTestId('by-name')).getByText('DiskFull')).toBeInTheDocument();
    expect(await screen.findByText(/read-only/)).toBeInTheDocument();
    expect(within(screen.getByTestId('queue-table')).queryByRole('button', { name: /Actionable/ })).not.toBeInTheDocument();
  });
  test('role rules: an Editor marks an alert noise (PUT of the full record)', async () => {
    setRole('Editor');
    const { requests } = mockBackend([...routes(), { method: 'PUT', path: '/alerts/al-1', answer: { ...alert, verdict: 'noise' } }]);
    renderApp('alerts');
    const queue = await screen.findByTestId('queue-table');
    await userEvent.click(await within(queue).findByText('Noise'));
    expect(await screen.findByText('marked noise')).toBeInTheDocument();
    const put = requests.find((r) => r.method === 'PUT')!;
    expect(put.body).toEqual({ name: 'HighErrorRate', severity: 'critical', startsAt: alert.startsAt, verdict: 'noise', service: 'checkout-api', incident: 'inc-1' });
  });
  test('a refused verdict shows the API error text', async () => {
    setRole('Editor');
    mockBackend([...routes(), { method: 'PUT', path: '/alerts/al-1', error: { status: 403, message: 'this needs the ingest role; the token has read' } }]);
    renderApp('alerts');
    await userEvent.click(await within(await screen.findByTestId('queue-table')).findByText('Actionable'));
    await waitFor(() => expect(screen.getByText(/this needs the ingest role; the token has read/)).toBeInTheDocument());
  });
  test('byName()', () => {
    const s = byName(judged);
    expect(s[0]).toMatchObject({ name: 'HighErrorRate', total: 2, noise: 1, none: 1, accuracy: 0 });
    expect(s[1]).toMatchObject({ name: 'DiskFull', accuracy: 1 });
  });
});
