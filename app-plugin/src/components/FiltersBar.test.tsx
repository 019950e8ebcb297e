import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { locationService } from '@grafana/runtime';
import { list, mockBackend, setRole } from '../testing/mockBackend';
import { org } from '../testing/fixtures';
import { renderApp } from '../testing/render';
import { filterQuery, filtersFrom, kpiWindowOf, listParams } from './urlState';

beforeEach(() => setRole('Viewer'));

describe('filters kept in the URL', () => {
  test('choosing a business line writes it to the URL and the page refetches with it; tabs carry the filters', async () => {
    const { requests } = mockBackend([
      { path: '/org', answer: org },
      { path: '/drills', answer: list([]) },
    ]);
    renderApp('drills?from=now-90d');
    await screen.findByText('No drills');
    const bar = screen.getByTestId('filters-bar');
    await userEvent.click(within(bar).getByLabelText('Business line'));
    await userEvent.click(await screen.findByText('Commerce'));
    await waitFor(() => expect(locationService.getSearchObject().businessLine).toBe('commerce'));
    await waitFor(() =>
      expect(
        requests
          .filter((r) => r.path === '/drills')
          .at(-1)!
          .query.get('businessLine')
      ).toBe('commerce')
    );
    expect(locationService.getSearchObject().from).toBe('now-90d');
    const tab = screen.getByRole('tab', { name: /Incidents/ });
    expect(tab.closest('a') ?? tab).toHaveAttribute(
      'href',
      '/a/ballast-stability-app/incidents?businessLine=commerce&from=now-90d'
    );
  });

  test('helpers: defaults, list parameters, KPI window', () => {
    const f = filtersFrom({ team: 'com-cart', from: 'now-7d' });
    expect(f).toMatchObject({ team: 'com-cart', from: 'now-7d', to: 'now' });
    const p = listParams(f);
    expect(Date.parse(p.to!) - Date.parse(p.from!)).toBeCloseTo(7 * 86400e3, -5);
    expect(kpiWindowOf(f)).toBe('7d');
    expect(kpiWindowOf(filtersFrom({}))).toBe('30d');
    expect(filterQuery(filtersFrom({ service: 'x' }))).toBe('?service=x');
  });
});
