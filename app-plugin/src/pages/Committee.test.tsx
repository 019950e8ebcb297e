import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { locationService } from '@grafana/runtime';
import { mockBackend, PENDING, setRole } from '../testing/mockBackend';
import { org, review } from '../testing/fixtures';
import { renderApp } from '../testing/render';
import { movements } from './Committee';

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
      { path: '/reviews/draft', answer: { ...review, topIncidents: [], overdueActions: [] } },
      { path: '/reviews', answer: { items: [] } },
    ]);
    renderApp('committee');
    expect(await screen.findByText('No high-priority incident in the period.')).toBeInTheDocument();
    expect(screen.getByText('No overdue action.')).toBeInTheDocument();
    expect(screen.getByText('No review has been saved yet.')).toBeInTheDocument();
  });
  test('data: KPIs with the previous period, what changed, top incidents, overdue actions; period and date from the URL', async () => {
    const { requests } = mockBackend([
      ...base,
      { path: '/reviews/draft', answer: review },
      { path: '/reviews', answer: savedList },
    ]);
    renderApp('committee?period=month&at=2026-11-15');
    expect(await screen.findByText(/live draft/)).toBeInTheDocument();
    expect(within(screen.getByTestId('review-kpis')).getAllByText(/before/).length).toBeGreaterThan(0);
    expect(within(screen.getByTestId('review-changes')).getAllByText(/MTTR/).length).toBe(2);
    expect(within(screen.getByTestId('review-incidents')).getByText('Checkout errors')).toBeInTheDocument();
    expect(within(screen.getByTestId('review-actions')).getByText('Add canary for checkout')).toBeInTheDocument();
    expect(within(screen.getByTestId('saved-reviews')).getByText('Week 48 review').closest('a')).toHaveAttribute(
      'href',
      expect.stringContaining('/committee/rev-1')
    );
    const q = requests.find((r) => r.path === '/reviews/draft')!.query;
    expect(q.get('period')).toBe('month');
    expect(q.get('at')).toMatch(/^2026-11-15T/);
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    await userEvent.click(screen.getByText('Print / PDF'));
    await waitFor(() => expect(print).toHaveBeenCalled());
    expect(locationService.getSearchObject().kiosk).toBeDefined();
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
        },
      },
      { path: '/reviews', answer: savedList },
    ]);
    renderApp('committee/rev-1');
    expect(await screen.findByText(/snapshot saved/)).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Week 48 review' })).toBeInTheDocument();
    expect(screen.getByText('Freeze payments')).toBeInTheDocument();
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
    renderApp('committee?period=week');
    await userEvent.click(await screen.findByText('Save as snapshot'));
    fireEvent.change(screen.getByLabelText('Review title'), { target: { value: 'W48' } });
    fireEvent.change(screen.getByLabelText('Review notes'), { target: { value: 'Decided: freeze' } });
    await userEvent.click(screen.getByText('Save snapshot'));
    await waitFor(() =>
      expect(locationService.getLocation().pathname).toBe('/a/ballast-stability-app/committee/rev-2')
    );
    expect(requests.find((r) => r.method === 'POST')!.body).toEqual({
      period: 'week',
      title: 'W48',
      notes: 'Decided: freeze',
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
  test('movements()', () => {
    const m = movements(review);
    expect(m.find((x) => x.id === 'null:mttr_seconds')).toMatchObject({ better: true });
    expect(m.find((x) => x.id === 'null:alert_accuracy_ratio')).toMatchObject({ better: true });
  });
});
