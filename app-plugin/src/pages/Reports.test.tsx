import { screen, within } from '@testing-library/react';
import type { ReportDetail, ReportSummary } from '@ballast/contract';
import { list, mockBackend, PENDING, setRole } from '../testing/mockBackend';
import { org } from '../testing/fixtures';
import { renderApp } from '../testing/render';

const base = [{ path: '/org', answer: org }];

const summary: ReportSummary = {
  id: 'rp-daily-2026-12-02',
  kind: 'daily',
  key: '2026-12-02',
  title: 'Stability daily report, 2026-12-02',
  producedAt: '2026-12-02T07:30:04.000Z',
  producedBy: 'exporter-1:4242',
  deliveries: { total: 3, delivered: 2, retrying: 1 },
};

const detail: ReportDetail = {
  ...summary,
  content: {
    kind: 'daily',
    key: '2026-12-02',
    title: summary.title,
    subtitle: 'About 2026-12-01 (Europe/Paris); freeze windows for 2026-12-02.',
    link: 'https://grafana.example.com/a/ballast-stability-app',
    sections: [
      {
        id: 'incidents',
        title: 'Open high-priority incidents',
        summary: '1 open',
        tone: 'bad',
        link: 'https://grafana.example.com/a/ballast-stability-app/incidents?open=true',
        items: [
          {
            text: 'P1 Card payments failing',
            meta: 'since 2026-12-01 04:00',
            link: 'https://grafana.example.com/a/ballast-stability-app/incidents/inc-1',
          },
        ],
        more: 2,
      },
      {
        id: 'freezes',
        title: 'Freeze windows today',
        summary: 'no freeze window today',
        tone: 'good',
        link: 'https://grafana.example.com/a/ballast-stability-app/changes',
        items: [],
        more: 0,
      },
    ],
  },
  deliveries: [
    {
      destination: 'eng-slack',
      destinationKind: 'slack',
      status: 'delivered',
      attempts: 1,
      lastError: null,
      nextAttemptAt: null,
      deliveredAt: '2026-12-02T07:30:05.000Z',
      updatedAt: '2026-12-02T07:30:05.000Z',
    },
    {
      destination: 'eng-mail',
      destinationKind: 'email',
      status: 'retrying',
      attempts: 2,
      lastError: 'ECONNREFUSED',
      nextAttemptAt: '2026-12-02T07:32:05.000Z',
      deliveredAt: null,
      updatedAt: '2026-12-02T07:31:05.000Z',
    },
  ],
};

beforeEach(() => setRole('Viewer'));

describe('Reports', () => {
  test('loading and error', async () => {
    mockBackend([...base, { path: '/reports', ...PENDING }]);
    renderApp('reports');
    expect(await screen.findByText(/Loading reports/)).toBeInTheDocument();

    mockBackend([...base, { path: '/reports', error: { status: 503, message: 'the database does not answer' } }]);
    renderApp('reports');
    expect(await screen.findByText('the database does not answer')).toBeInTheDocument();
  });

  test('empty: says where reports are set up', async () => {
    mockBackend([...base, { path: '/reports', answer: list([]) }]);
    renderApp('reports');
    expect(await screen.findByText('No reports')).toBeInTheDocument();
    expect(screen.getByText(/org config \(reports:\)/)).toBeInTheDocument();
  });

  test('list: newest first as the exporter answers, with delivery states, linking to each report', async () => {
    const older = {
      ...summary,
      id: 'rp-week-2026-W48',
      kind: 'week' as const,
      title: 'Pack W48',
      deliveries: { total: 1, failed: 1 },
    };
    const { requests } = mockBackend([...base, { path: '/reports', answer: list([summary, older]) }]);
    renderApp('reports');
    const table = await screen.findByTestId('reports-table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[0]!.textContent)).toEqual([summary.title, 'Pack W48']);
    expect(within(rows[0]!).getByText('2 delivered')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('1 retrying')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('1 failed')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('Weekly pack')).toBeInTheDocument();
    expect(within(rows[0]!).getByText(summary.title)).toHaveAttribute(
      'href',
      expect.stringContaining('/a/ballast-stability-app/reports/rp-daily-2026-12-02')
    );
    expect(requests.find((r) => r.path === '/reports')!.query.get('limit')).toBe('200');
  });

  test('detail: the report as sent, its links into Grafana, and each delivery with its error', async () => {
    const { requests } = mockBackend([...base, { path: '/reports/rp-daily-2026-12-02', answer: detail }]);
    renderApp('reports/rp-daily-2026-12-02');
    const content = await screen.findByTestId('report-content');
    expect(within(content).getByText(summary.title)).toBeInTheDocument();
    const [incidents, freezes] = within(content).getAllByTestId('report-section');
    expect(within(incidents!).getByText('P1 Card payments failing').closest('a')).toHaveAttribute(
      'href',
      'https://grafana.example.com/a/ballast-stability-app/incidents/inc-1'
    );
    expect(within(incidents!).getByText('and 2 more')).toBeInTheDocument();
    expect(within(freezes!).getByText('None')).toBeInTheDocument();
    const deliveries = screen.getByTestId('deliveries-table');
    const mail = within(deliveries).getByText('eng-mail (email)').closest('tr')!;
    expect(within(mail).getByText('retrying')).toBeInTheDocument();
    expect(within(mail).getByText('ECONNREFUSED')).toBeInTheDocument();
    expect(within(mail).getByText(/^next attempt/)).toBeInTheDocument();
    expect(requests.map((r) => r.path)).toContain('/reports/rp-daily-2026-12-02');
  });
});
