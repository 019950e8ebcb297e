import { screen, within } from '@testing-library/react';
import { list, mockBackend, PENDING, setRole } from '../testing/mockBackend';
import { action, alert, change, incident, org } from '../testing/fixtures';
import { renderApp } from '../testing/render';
import { safeHref, timeline } from './IncidentDetail';

const base = [{ path: '/org', answer: org }];
beforeEach(() => setRole('Viewer'));

describe('Incidents list', () => {
  test('loading', async () => {
    mockBackend([...base, { path: '/incidents', ...PENDING }]);
    renderApp('incidents');
    expect(await screen.findByText(/Loading incidents/)).toBeInTheDocument();
  });
  test('error', async () => {
    mockBackend([
      ...base,
      { path: '/incidents', error: { status: 400, message: 'from: must be an ISO 8601 date-time' } },
    ]);
    renderApp('incidents');
    expect(await screen.findByText('from: must be an ISO 8601 date-time')).toBeInTheDocument();
  });
  test('empty', async () => {
    mockBackend([...base, { path: '/incidents', answer: list([]) }]);
    renderApp('incidents');
    expect(await screen.findByText('No incidents')).toBeInTheDocument();
  });
  test('data, with the URL toggles sent as filters', async () => {
    const { requests } = mockBackend([...base, { path: '/incidents', answer: list([incident]) }]);
    renderApp('incidents?open=true&highPriority=true&team=pay-checkout');
    const link = await screen.findByText('Checkout errors');
    expect(link.closest('a')).toHaveAttribute(
      'href',
      expect.stringContaining('/a/ballast-stability-app/incidents/inc-1')
    );
    const q = requests.find((r) => r.path === '/incidents')!.query;
    expect(q.get('open')).toBe('true');
    expect(q.get('highPriority')).toBe('true');
    expect(q.get('team')).toBe('pay-checkout');
    expect(q.get('drill')).toBe('false');
  });
});

describe('Incident source (where it came from, linked back)', () => {
  const fromPagerDuty = {
    ...incident,
    source: 'pagerduty',
    sourceUrl: 'https://acme.pagerduty.com/incidents/PGR0VU2',
  };
  test('the list names the tool and links to the incident in it', async () => {
    const hostile = { ...incident, id: 'inc-2', title: 'Other', source: 'opsgenie', sourceUrl: 'javascript:alert(1)' };
    mockBackend([
      ...base,
      { path: '/incidents', answer: list([fromPagerDuty, hostile, { ...incident, id: 'inc-3' }]) },
    ]);
    renderApp('incidents');
    const table = await screen.findByTestId('incidents-table');
    expect(within(table).getByText('PagerDuty').closest('a')).toHaveAttribute(
      'href',
      'https://acme.pagerduty.com/incidents/PGR0VU2'
    );
    // A javascript: URL is shown as the tool's name only, never as a link.
    expect(within(table).getByText('Opsgenie').closest('a')).toBeNull();
    expect(within(table).getByText('entered in Ballast')).toBeInTheDocument();
    expect(table.querySelector('a[href^="javascript:"]')).toBeNull();
  });
  test('the detail page links back, and a javascript: post-mortem URL never becomes a link (issue 17, defect 11)', async () => {
    mockBackend([
      ...base,
      {
        path: '/incidents/inc-1',
        answer: { ...fromPagerDuty, postmortemUrl: 'javascript:fetch("/api/admin")' },
      },
      { path: /^\/(alerts|actions|changes)$/, answer: list([]) },
    ]);
    renderApp('incidents/inc-1');
    const source = await screen.findByTestId('incident-source');
    expect(within(source).getByText('PagerDuty').closest('a')).toHaveAttribute(
      'href',
      'https://acme.pagerduty.com/incidents/PGR0VU2'
    );
    expect(screen.getByText('post-mortem link is not http(s)')).toBeInTheDocument();
    expect(screen.queryByText('Post-mortem document')).toBeNull();
    expect(document.querySelector('a[href^="javascript:"]')).toBeNull();
  });
  test('safeHref() keeps http(s) only', () => {
    expect(safeHref('https://wiki.example/pm/1')).toBe('https://wiki.example/pm/1');
    expect(safeHref('http://wiki.example/pm/1')).toBe('http://wiki.example/pm/1');
    for (const bad of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'data:text/html,x',
      '/relative',
      '',
      null,
      undefined,
    ]) {
      expect(safeHref(bad)).toBeUndefined();
    }
  });
});

describe('Incident detail', () => {
  const detail = [
    ...base,
    { path: '/incidents/inc-1', answer: incident },
    { path: '/alerts', answer: list([alert]) },
    { path: '/actions', answer: list([action]) },
    { path: '/changes', answer: list([change]) },
  ];
  test('loading', async () => {
    mockBackend([...base, { path: '/incidents/inc-1', ...PENDING }]);
    renderApp('incidents/inc-1');
    expect(await screen.findByText(/Loading incident inc-1/)).toBeInTheDocument();
  });
  test('error (404 from the exporter)', async () => {
    mockBackend([...base, { path: '/incidents/inc-1', error: { status: 404, message: 'no incident inc-1' } }]);
    renderApp('incidents/inc-1');
    expect(await screen.findByText('no incident inc-1')).toBeInTheDocument();
  });
  test('empty: no alerts, changes or actions', async () => {
    mockBackend([
      ...base,
      { path: '/incidents/inc-1', answer: { ...incident, causedByChange: null, steps: [] } },
      { path: /^\/(alerts|actions|changes)$/, answer: list([]) },
    ]);
    renderApp('incidents/inc-1');
    expect(await screen.findByText('No alert is linked to this incident.')).toBeInTheDocument();
    expect(screen.getByText(/No change of this service/)).toBeInTheDocument();
    expect(screen.getByText('No improvement action recorded.')).toBeInTheDocument();
    expect(screen.getAllByText('not recorded')).toHaveLength(8);
  });
  test('data: the process timeline, alerts, suspect changes, post-mortem and actions', async () => {
    const { requests } = mockBackend(detail);
    renderApp('incidents/inc-1');
    const tl = await screen.findByTestId('incident-timeline');
    expect(within(tl).getByText(/Eva · .* · took 5m/)).toBeInTheDocument();
    expect(within(tl).getByText(/Ana · .* · took 45m/)).toBeInTheDocument();
    expect(within(screen.getByTestId('suspect-changes')).getByText('named as cause')).toBeInTheDocument();
    expect(screen.getByText('HighErrorRate')).toBeInTheDocument();
    expect(within(screen.getByTestId('incident-actions')).getByText('Rosa')).toBeInTheDocument();
    expect(within(screen.getByTestId('incident-actions')).getByText('overdue')).toBeInTheDocument();
    expect(screen.getAllByText(/Post-mortem/).length).toBeGreaterThan(0);
    const ch = requests.find((r) => r.path === '/changes')!.query;
    expect(ch.get('service')).toBe('checkout-api');
    expect(ch.get('to')).toBe(incident.startedAt);
  });
  test('timeline(): steps in process order, durations from the previous step', () => {
    const rows = timeline(incident);
    expect(rows.map((r) => r.step)).toEqual([
      'response',
      'judgment',
      'notification',
      'war_room',
      'escalation',
      'resolution',
      'verification',
      'postmortem',
    ]);
    expect(rows[0].took).toBe(300);
    expect(rows[5].took).toBe(2700);
    expect(rows[2].record).toBeUndefined();
  });
});
