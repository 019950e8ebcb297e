import { screen, within } from '@testing-library/react';
import { list, mockBackend, PENDING, setRole } from '../testing/mockBackend';
import { action, alert, finding, freeze, incident, org, scorecard } from '../testing/fixtures';
import { renderApp } from '../testing/render';

const base = [{ path: '/org', answer: org }];

beforeEach(() => setRole('Viewer'));

describe('Overview', () => {
  test('loading', async () => {
    mockBackend([
      ...base,
      { path: '/scorecard', ...PENDING },
      { path: /\/(alerts|incidents|freezes|actions|findings)$/, ...PENDING },
    ]);
    renderApp();
    expect(await screen.findByTestId('page-overview')).toBeInTheDocument();
    expect(screen.getByText(/Loading today's report/)).toBeInTheDocument();
    expect(screen.getByText(/Loading the scorecard/)).toBeInTheDocument();
  });

  test('error shows the API message, and a failing org points at the configuration', async () => {
    mockBackend([{ path: '/org', error: { status: 401, message: 'unknown token' } }]);
    renderApp();
    expect(await screen.findByText('unknown token')).toBeInTheDocument();
    expect(screen.getByText('Check the app configuration')).toBeInTheDocument();

    mockBackend([
      ...base,
      { path: '/scorecard', error: { status: 500, message: 'store down' } },
      { path: /\/(alerts|incidents|freezes|actions|findings)$/, error: { status: 500, message: 'store down' } },
    ]);
    renderApp('?team=x');
    expect((await screen.findAllByText('store down')).length).toBeGreaterThan(0);
  });

  test('empty', async () => {
    mockBackend([
      ...base,
      { path: '/scorecard', answer: { ...scorecard, scopes: [] } },
      { path: /\/(alerts|incidents|freezes|actions|findings)$/, answer: list([]) },
    ]);
    renderApp();
    expect(await screen.findByText('No the scorecard')).toBeInTheDocument();
    expect((await screen.findAllByText('None')).length).toBe(6);
  });

  test('data: daily report, warnings and scorecard, filtered by the URL', async () => {
    const { requests } = mockBackend([
      ...base,
      { path: '/scorecard', answer: scorecard },
      { path: '/alerts', answer: list([alert]) },
      { path: '/incidents', answer: list([incident]) },
      { path: '/freezes', answer: list([freeze]) },
      { path: '/actions', answer: list([action]) },
      { path: '/findings', answer: list([finding]) },
    ]);
    renderApp('?businessLine=payments&from=now-7d');
    const report = await screen.findByTestId('daily-report');
    expect(await within(report).findByText('P1 Checkout errors')).toHaveAttribute(
      'href',
      expect.stringContaining('/incidents/inc-1')
    );
    expect(within(report).getByText(/Black Friday/)).toBeInTheDocument();
    expect(within(report).getByText(/Payments: MTTR/)).toBeInTheDocument();
    expect(screen.getByTestId('scorecard-table')).toHaveTextContent('Payments');
    const inc = requests.find((r) => r.path === '/incidents')!;
    expect(inc.query.get('businessLine')).toBe('payments');
    expect(inc.query.get('highPriority')).toBe('true');
    expect(inc.query.get('open')).toBe('true');
    // Open freezes (recurring ones included) are the exporter's answer, not computed here.
    expect(requests.find((r) => r.path === '/freezes')!.query.get('active')).toBe('true');
    expect(requests.find((r) => r.path === '/scorecard')!.query.get('window')).toBe('7d');
  });
});
