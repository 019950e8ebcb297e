import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { locationService } from '@grafana/runtime';
import { mockBackend, PENDING, setRole } from '../testing/mockBackend';
import { action, incident, org, review as fixture } from '../testing/fixtures';
import { renderApp } from '../testing/render';
import { Review, ReviewChange } from '../types';
import { changeText, parseNames, reviewScopeParams } from './Committee';

const change = (patch: Partial<ReviewChange>): ReviewChange => ({
  level: 'business_line',
  scope: 'payments',
  scopeName: 'Payments',
  kpi: 'mttr_seconds',
  previous: 1800,
  value: 3600,
  relative: 1,
  better: false,
  statusBefore: 'met',
  status: 'missed',
  reasons: ['threshold', 'status'],
  ...patch,
});
/** A draft as the exporter answers it: scope, what changed (largest first), the scope's incidents. */
const review: Review = {
  ...fixture,
  scope: { level: 'org', id: 'org', name: 'Organization' },
  changeThreshold: 0.05,
  changes: [
    change({}),
    change({
      kpi: 'alert_accuracy_ratio',
      previous: 0.5,
      value: 0.6,
      relative: 0.2,
      better: true,
      statusBefore: 'missed',
      status: 'missed',
      reasons: ['threshold'],
    }),
  ],
  overdueActionsTotal: 1,
};

const base = [{ path: '/org', answer: org }];
const savedList = {
  items: [
    {
      id: 'rev-1',
      title: 'Week 48 review',
      period: 'week',
      from: review.from,
      to: review.to,
      savedAt: '2026-11-30T12:00:00Z',
    },
  ],
};
beforeEach(() => setRole('Viewer'));

describe('Committee review', () => {
  test('loading', async () => {
    mockBackend([...base, { path: '/reviews/draft', ...PENDING }, { path: '/reviews', ...PENDING }]);
    renderApp('committee');
    expect(await screen.findByText(/Loading the review/)).toBeInTheDocument();
    expect(screen.getByText(/Loading saved reviews/)).toBeInTheDocument();
  });
  test('error', async () => {
    mockBackend([
      ...base,
      { path: '/reviews/draft', error: { status: 400, message: 'at: must be an ISO 8601 date-time' } },
      { path: '/reviews', answer: { items: [] } },
    ]);
    renderApp('committee');
    expect(await screen.findByText('at: must be an ISO 8601 date-time')).toBeInTheDocument();
  });
  test('empty: a quiet period and no saved review', async () => {
    mockBackend([
      ...base,
      { path: '/reviews/draft', answer: { ...review, topIncidents: [], overdueActions: [], changes: [] } },
      { path: '/reviews', answer: { items: [] } },
    ]);
    renderApp('committee');
    expect(await screen.findByText('No high-priority incident in the period.')).toBeInTheDocument();
    expect(screen.getByText('No overdue action.')).toBeInTheDocument();
    expect(screen.getByText('No KPI moved by 5 % or more, and no status changed.')).toBeInTheDocument();
    expect(screen.getByText('No review has been saved yet.')).toBeInTheDocument();
  });
  test('data: KPIs with the previous period, what changed from the API, top incidents, overdue actions; period and date from the URL', async () => {
    const { requests } = mockBackend([
      ...base,
      { path: '/reviews/draft', answer: review },
      { path: '/reviews', answer: savedList },
    ]);
    renderApp('committee?period=month&at=2026-11-15');
    expect(await screen.findByText(/live draft/)).toBeInTheDocument();
    expect(within(screen.getByTestId('review-kpis')).getAllByText(/before/).length).toBeGreaterThan(0);
    // The exporter's list, as it is: worse on one side, better on the other, status changes badged.
    const worse = within(screen.getByTestId('changes-worse'));
    expect(worse.getByText(/Payments: MTTR .*\(\+100\.0 %\)/)).toBeInTheDocument();
    expect(worse.getByText('met')).toBeInTheDocument();
    expect(worse.getByText('missed')).toBeInTheDocument();
    const better = within(screen.getByTestId('changes-better'));
    expect(better.getByText(/Payments: Alert accuracy .*\(\+20\.0 %\)/)).toBeInTheDocument();
    expect(better.queryByText('missed')).not.toBeInTheDocument();
    expect(within(screen.getByTestId('review-incidents')).getByText('Checkout errors')).toBeInTheDocument();
    expect(within(screen.getByTestId('review-actions')).getByText('Add canary for checkout')).toBeInTheDocument();
    expect(within(screen.getByTestId('saved-reviews')).getByText('Week 48 review').closest('a')).toHaveAttribute(
      'href',
      expect.stringContaining('/committee/rev-1')
    );
    const q = requests.find((r) => r.path === '/reviews/draft')!.query;
    expect(q.get('period')).toBe('month');
    expect(q.get('at')).toMatch(/^2026-11-15T/);
    for (const p of ['business_line', 'team', 'service']) expect(q.has(p)).toBe(false);
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    await userEvent.click(screen.getByText('Print / PDF'));
    await waitFor(() => expect(print).toHaveBeenCalled());
    expect(locationService.getSearchObject().kiosk).toBeDefined();
  });
  test('the filters choose the scope the exporter drafts (the most specific one), and the quarter', async () => {
    const scoped: Review = {
      ...review,
      period: 'quarter',
      scope: { level: 'team', id: 'pay-checkout', name: 'Checkout' },
      scopes: [{ ...review.scopes[1]!, level: 'team', id: 'pay-checkout', name: 'Checkout' }],
      // Shown as the exporter computed them for the scope: the page filters nothing itself.
      topIncidents: [{ ...incident, businessLine: 'commerce' }],
      overdueActions: [action],
      overdueActionsTotal: 3,
    };
    const { requests } = mockBackend([
      ...base,
      { path: '/reviews/draft', answer: scoped },
      { path: '/reviews', answer: { items: [] } },
    ]);
    renderApp('committee?period=quarter&businessLine=payments&team=pay-checkout');
    expect(
      await screen.findByRole('heading', { name: /Stability review of Checkout: quarter of/ })
    ).toBeInTheDocument();
    const q = requests.find((r) => r.path === '/reviews/draft')!.query;
    expect(q.get('period')).toBe('quarter');
    expect(q.get('team')).toBe('pay-checkout');
    expect(q.has('business_line')).toBe(false);
    expect(screen.getByRole('radio', { name: 'Quarter' })).toBeChecked();
    expect(within(screen.getByTestId('review-incidents')).getByText('Checkout errors')).toBeInTheDocument();
    // The total, not the listed page.
    expect(screen.getByText('Overdue actions (3)')).toBeInTheDocument();
    expect(within(screen.getByTestId('review-kpis')).getByText('Checkout')).toBeInTheDocument();
  });
  test('reviewScopeParams() sends one scope, the most specific', () => {
    expect(reviewScopeParams({ from: 'now-7d', to: 'now' })).toEqual({});
    expect(reviewScopeParams({ businessLine: 'payments', from: '', to: '' })).toEqual({ business_line: 'payments' });
    expect(reviewScopeParams({ businessLine: 'payments', team: 'pay-checkout', from: '', to: '' })).toEqual({
      team: 'pay-checkout',
    });
    expect(
      reviewScopeParams({ businessLine: 'payments', team: 'pay-checkout', service: 'checkout-api', from: '', to: '' })
    ).toEqual({ service: 'checkout-api' });
  });
  test('a saved review reopens as it was saved', async () => {
    mockBackend([
      ...base,
      {
        path: '/reviews/rev-1',
        answer: {
          ...review,
          id: 'rev-1',
          title: 'Week 48 review',
          notes: 'Freeze payments',
          savedAt: '2026-11-30T12:00:00Z',
          savedBy: 'Jonas',
          attendees: ['Jonas', 'Rosa'],
          decisions: [
            {
              actionId: 'rev-1-decision-1',
              title: 'Canary for checkout',
              owner: 'Rosa',
              dueAt: '2026-12-15T00:00:00Z',
              incident: 'inc-1',
            },
          ],
        },
      },
      { path: '/reviews', answer: savedList },
    ]);
    renderApp('committee/rev-1');
    expect(await screen.findByText(/snapshot saved/)).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Week 48 review' })).toBeInTheDocument();
    expect(screen.getByText('Freeze payments')).toBeInTheDocument();
    expect(screen.getByText(/snapshot saved .* by Jonas/)).toBeInTheDocument();
    expect(screen.getByTestId('review-attendees')).toHaveTextContent('Attendees: Jonas, Rosa');
    const decisions = within(screen.getByTestId('review-decisions'));
    expect(decisions.getByText('Canary for checkout')).toBeInTheDocument();
    expect(decisions.getByText('rev-1-decision-1')).toBeInTheDocument();
    expect(decisions.getByText('inc-1').closest('a')).toHaveAttribute(
      'href',
      expect.stringContaining('/incidents/inc-1')
    );
    expect(screen.getByText('Live draft')).toBeInTheDocument();
  });
  test('role rules: Viewers cannot save; Editors save a snapshot (POST) and land on it', async () => {
    mockBackend([...base, { path: '/reviews/draft', answer: review }, { path: '/reviews', answer: savedList }]);
    const { unmount } = renderApp('committee');
    expect(await screen.findByText(/Editor role needed to save reviews/)).toBeInTheDocument();
    expect(screen.queryByText('Save as snapshot')).not.toBeInTheDocument();
    unmount();

    setRole('Editor');
    const { requests } = mockBackend([
      ...base,
      { path: '/reviews/draft', answer: review },
      { path: '/reviews', answer: savedList },
      {
        method: 'POST',
        path: '/reviews',
        answer: { ...review, id: 'rev-2', title: 'W48', savedAt: '2026-11-30T13:00:00Z' },
      },
      { path: '/reviews/rev-2', answer: { ...review, id: 'rev-2', title: 'W48', savedAt: '2026-11-30T13:00:00Z' } },
    ]);
    renderApp('committee?period=week&businessLine=payments');
    await userEvent.click(await screen.findByText('Save as snapshot'));
    fireEvent.change(screen.getByLabelText('Review title'), { target: { value: 'W48' } });
    fireEvent.change(screen.getByLabelText('Review notes'), { target: { value: 'Decided: freeze' } });
    fireEvent.change(screen.getByLabelText('Attendees'), { target: { value: 'Jonas, Rosa ,, ' } });
    await userEvent.click(screen.getByText('Add decision'));
    // The review's top incident is proposed; the decision needs its owner and due date first.
    expect(screen.getByLabelText('Decision 1 incident')).toHaveValue('inc-1');
    fireEvent.change(screen.getByLabelText('Decision 1'), { target: { value: 'Canary for checkout' } });
    expect(screen.getByText('Save snapshot').closest('button')).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Decision 1 owner'), { target: { value: 'Rosa' } });
    fireEvent.change(screen.getByLabelText('Decision 1 due date'), { target: { value: '2026-12-15' } });
    expect(screen.getByText('Save snapshot').closest('button')).toBeEnabled();
    await userEvent.click(screen.getByText('Save snapshot'));
    await waitFor(() =>
      expect(locationService.getLocation().pathname).toBe('/a/ballast-stability-app/committee/rev-2')
    );
    expect(requests.find((r) => r.method === 'POST')!.body).toEqual({
      period: 'week',
      business_line: 'payments',
      title: 'W48',
      notes: 'Decided: freeze',
      attendees: ['Jonas', 'Rosa'],
      decisions: [
        {
          title: 'Canary for checkout',
          owner: 'Rosa',
          dueAt: new Date('2026-12-15T23:59:59').toISOString(),
          incident: 'inc-1',
        },
      ],
    });
  });
  test('a refused save shows the API error text', async () => {
    setRole('Admin');
    mockBackend([
      ...base,
      { path: '/reviews/draft', answer: review },
      { path: '/reviews', answer: savedList },
      {
        method: 'POST',
        path: '/reviews',
        error: { status: 403, message: 'this needs the admin role; the token has ingest' },
      },
    ]);
    renderApp('committee');
    await userEvent.click(await screen.findByText('Save as snapshot'));
    await userEvent.click(screen.getByText('Save snapshot'));
    expect(await screen.findByText('this needs the admin role; the token has ingest')).toBeInTheDocument();
  });
  test('changeText() and parseNames()', () => {
    const kpi = review.kpis.find((k) => k.key === 'mttr_seconds');
    expect(changeText(change({ previous: 0, value: 2, relative: null }), { ...kpi!, unit: 'count' })).toBe(
      '0 → 2 (from 0)'
    );
    expect(changeText(change({ previous: 0.5, value: 0.45, relative: -0.1 }), { ...kpi!, unit: 'ratio' })).toMatch(
      /\(-10\.0 %\)$/
    );
    expect(parseNames(' Ada ,Ken\n\nRosa, ')).toEqual(['Ada', 'Ken', 'Rosa']);
  });
});
