import React from 'react';
import { act, fireEvent, screen, within, render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createTheme, FieldType, LoadingState, toDataFrame } from '@grafana/data';
import { ballastScorecardFrame, prometheusFrames, timelineFrames } from '../demo/demo';
import { panelProps, range, renderPanel } from '../test/props';
import { KpiOrderEditor } from './KpiOrderEditor';
import { DEFAULT_KPIS } from '../kpis';

/**
 * The status colours written out from Grafana's palette (packages/grafana-data/src/themes/
 * createVisualizationColors.ts: the primary shade of green, orange and red per theme), not computed
 * by the component's own helper: a swapped or hard-coded colour fails here.
 */
const STATUS_RGB = {
  dark: { met: 'rgb(115, 191, 105)', at_risk: 'rgb(255, 152, 48)', missed: 'rgb(242, 73, 92)' }, // #73BF69 #FF9830 #F2495C
  light: { met: 'rgb(86, 166, 75)', at_risk: 'rgb(255, 120, 10)', missed: 'rgb(224, 47, 68)' }, // #56A64B #FF780A #E02F44
} as const;

const rowNames = () => screen.getAllByRole('rowheader').map((h) => h.textContent);

describe('Scorecard view', () => {
  it.each(['dark', 'light'] as const)(
    'Ballast frames, %s theme: scopes with owners, KPI columns, cells with value, target, status colour and trend',
    (mode) => {
      renderPanel(panelProps([ballastScorecardFrame(2, 3)]), mode);
      const grid = screen.getByRole('grid', { name: 'Stability scorecard' });
      // Header: scope, score, the twelve KPIs in the default order.
      const headers = within(grid)
        .getAllByRole('columnheader')
        .map((h) => h.textContent);
      expect(headers[0]).toMatch(/^Scope/);
      expect(headers[1]).toMatch(/^Score/);
      expect(headers.slice(2)).toHaveLength(12);
      expect(headers[3]).toMatch(/^MTTR/);
      expect(headers[3]).toMatch(/lower is better/);
      // Rows: org, business lines with owner, teams with manager.
      expect(rowNames()[0]).toBe('Organization');
      expect(rowNames()[1]).toMatch(/^Payments.*Owner: A\. Moreau$/);
      expect(rowNames()[2]).toMatch(/Manager: /);
      // Every cell: status attribute and the theme's colour for it; value, target and trend.
      const cells = within(grid)
        .getAllByRole('gridcell')
        .filter((c) => c.hasAttribute('data-status'));
      expect(cells).toHaveLength(9 * 12);
      for (const status of ['met', 'at_risk', 'missed'] as const) {
        const cell = cells.find((c) => c.getAttribute('data-status') === status)!;
        expect(cell, status).toBeDefined();
        const style = getComputedStyle(cell);
        expect(style.borderLeftColor, `${mode} ${status}`).toBe(STATUS_RGB[mode][status]);
        expect(style.backgroundColor || style.background).not.toMatch(/^(|transparent)$/);
      }
      const mttr = cells.find((c) => /^MTTR for Organization/.test(c.getAttribute('aria-label')!))!;
      expect(mttr.getAttribute('aria-label')).toMatch(
        /^MTTR for Organization: (\d+h \d\dm|\d+m), target 45m, (met|at risk|missed), previous window/
      );
      expect(mttr.textContent).toMatch(/≤ 45m/);
      expect(mttr.querySelector('[data-trend]')).not.toBeNull();
    }
  );

  it('Prometheus frames: the same scorecard from stability_* series, targets and the previous-window query', () => {
    renderPanel(panelProps(prometheusFrames(2, 3)));
    expect(rowNames()).toEqual(expect.arrayContaining(['Organization', 'bl-1', 'bl-2']));
    expect(screen.queryByTestId('ballast-notes')).toBeNull();
    expect(screen.queryByRole('columnheader', { name: /Score/ })).toBeNull(); // no score in Prometheus
    const cells = screen.getAllByRole('gridcell').filter((c) => c.hasAttribute('data-status'));
    expect(cells.filter((c) => c.getAttribute('data-status') !== 'no_data').length).toBeGreaterThan(cells.length * 0.8);
    expect(cells.some((c) => c.querySelector('[data-trend]'))).toBe(true);
  });

  it('Prometheus frames without targets or previous window: says what is missing', () => {
    const only = prometheusFrames(1, 2).filter((f) => f.refId === 'A');
    renderPanel(panelProps(only));
    expect(screen.getByTestId('ballast-notes')).toHaveTextContent(
      /No stability_kpi_window_target series of window ytd.*No previous window \(query refId "previous"/
    );
  });

  it('sorts by any column: click a KPI header for highest first, again for lowest, a third time for none', async () => {
    const user = userEvent.setup();
    renderPanel(panelProps([ballastScorecardFrame(4, 2)], { collapsed: true }));
    const header = screen.getByRole('columnheader', { name: /^Alert accuracy/ });
    const lineValues = () =>
      screen
        .getAllByRole('gridcell')
        .filter((c) =>
          /^Alert accuracy for (Payments|Retail|Logistics|Identity):/.test(c.getAttribute('aria-label') ?? '')
        )
        .map((c) => parseFloat(c.textContent!));
    await user.click(within(header).getByRole('button'));
    expect(header).toHaveAttribute('aria-sort', 'descending');
    expect(lineValues()).toEqual([...lineValues()].sort((a, b) => b - a));
    await user.click(within(header).getByRole('button'));
    expect(header).toHaveAttribute('aria-sort', 'ascending');
    expect(lineValues()).toEqual([...lineValues()].sort((a, b) => a - b));
    await user.click(within(header).getByRole('button'));
    expect(header).toHaveAttribute('aria-sort', 'none');
    await user.click(within(screen.getByRole('columnheader', { name: /^Scope/ })).getByRole('button'));
    expect(
      rowNames()
        .slice(1)
        .map((n) => n!.replace(/Owner.*/, ''))
    ).toEqual(['Identity', 'Logistics', 'Payments', 'Retail']);
  });

  it('business lines collapse and expand', async () => {
    const user = userEvent.setup();
    renderPanel(panelProps([ballastScorecardFrame(2, 3)]));
    expect(screen.getAllByRole('row')).toHaveLength(1 + 9);
    await user.click(screen.getByRole('button', { name: 'Collapse Payments' }));
    expect(screen.getAllByRole('row')).toHaveLength(1 + 6);
    await user.click(screen.getByRole('button', { name: 'Expand Payments' }));
    expect(screen.getAllByRole('row')).toHaveLength(1 + 9);
  });

  it('the KPI choice and order from the options', () => {
    renderPanel(
      panelProps([ballastScorecardFrame(1, 1)], { kpis: ['drill_score', 'mttr_seconds', 'mttr_p90_seconds'] })
    );
    const headers = screen.getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers.slice(2).map((h) => h!.replace(/[↓↑] (lower|higher) is better/, '').trim())).toEqual([
      'Drill score',
      'MTTR',
    ]);
    expect(screen.getByTestId('ballast-notes')).toHaveTextContent('Not in the data: MTTR p90.');
  });

  it('data links on scope and cell, with placeholders and dashboard variables', () => {
    const props = panelProps([ballastScorecardFrame(1, 1)], {
      scopeLink: '/d/team?var-team=${team}&var-bl=${businessLine}&env=$env',
      cellLink: '/a/ballast-stability-app/governance?kpi=${kpi}&scope=${scope}&level=${level}&w=${window}',
    });
    renderPanel(props);
    const team = screen.getAllByRole('rowheader')[2];
    expect(within(team).getByRole('link')).toHaveAttribute(
      'href',
      '/d/team?var-team=bl-1-checkout-1&var-bl=bl-1&env=prod'
    );
    const cell = screen
      .getAllByRole('gridcell')
      .find((c) => /^MTTR for Organization/.test(c.getAttribute('aria-label') ?? ''))!;
    expect(within(cell).getByRole('link')).toHaveAttribute(
      'href',
      '/a/ballast-stability-app/governance?kpi=mttr_seconds&scope=org&level=org&w=ytd'
    );
    expect(props.replaceVariables).toHaveBeenCalled();
  });

  it('200 teams × 12 KPIs: rows are virtualised (only the visible ones are in the DOM)', () => {
    renderPanel(panelProps([ballastScorecardFrame(20, 10)], {}, { height: 600 }));
    const grid = screen.getByRole('grid');
    expect(grid).toHaveAttribute('aria-rowcount', String(1 + 1 + 20 + 200));
    const rendered = screen.getAllByRole('row').length - 1;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(40);
  });
});

describe('states that say what is missing', () => {
  it('loading', () => {
    renderPanel(
      panelProps([], {}, { data: { series: [], state: LoadingState.Loading, timeRange: range(0, 1) } as never })
    );
    expect(screen.getByText('Loading scorecard…')).toBeInTheDocument();
  });
  it('error, with the query messages', () => {
    renderPanel(
      panelProps(
        [],
        {},
        {
          data: {
            series: [],
            state: LoadingState.Error,
            errors: [{ refId: 'A', message: 'exporter unreachable' }],
            timeRange: range(0, 1),
          } as never,
        }
      )
    );
    expect(screen.getByText('The scorecard query failed')).toBeInTheDocument();
    expect(screen.getByText(/A: exporter unreachable/)).toBeInTheDocument();
  });
  it('no frames', () => {
    renderPanel(panelProps([]));
    expect(screen.getByTestId('ballast-empty')).toHaveTextContent(
      /type Scorecard, or Prometheus queries of the stability_\* KPI gauges/
    );
  });
  it('frames that are not a scorecard', () => {
    renderPanel(
      panelProps([toDataFrame({ name: 'up', fields: [{ name: 'Value', type: FieldType.number, values: [1] }] })])
    );
    expect(screen.getByTestId('ballast-empty')).toHaveTextContent(
      /returned 1 frame, but none is a Ballast Scorecard frame/
    );
  });
  it('none of the chosen KPIs in the data', () => {
    renderPanel(panelProps([ballastScorecardFrame(1, 1, ['mttr_seconds'])], { kpis: ['drill_score'] }));
    expect(screen.getByTestId('ballast-empty')).toHaveTextContent(
      /Chosen in the panel options: Drill score\. The data has: MTTR/
    );
  });
  it('timeline without records', () => {
    renderPanel(panelProps([], { view: 'timeline' }));
    expect(screen.getByTestId('ballast-empty')).toHaveTextContent(/type Incidents, Changes and Freeze windows/);
  });
});

describe('Timeline view', () => {
  const demo = () => timelineFrames(300, 8);

  it.each(['dark', 'light'] as const)(
    '%s theme: incidents as bars coloured by priority, changes as ticks, freezes as bands, a lane per team',
    (mode) => {
      const d = demo();
      const { container, theme } = renderPanel(
        panelProps(d.frames, { view: 'timeline' }, { timeRange: range(d.from, d.to) as never }),
        mode
      );
      const svg = screen.getByRole('img', {
        name: /^Timeline: \d+ incidents, \d+ changes, \d+ freeze windows in 8 lanes/,
      });
      const bars = svg.querySelectorAll('[data-kind="incident"]');
      expect(bars.length).toBe(12);
      const p1 = [...bars].find((b) => b.getAttribute('data-priority') === 'P1')!;
      expect(p1.getAttribute('fill')).toBe(theme.visualization.getColorByName('red'));
      const p3 = [...bars].find((b) => b.getAttribute('data-priority') === 'P3')!;
      expect(p3.getAttribute('fill')).toBe(theme.visualization.getColorByName('yellow'));
      expect(count(svg, 'normal') + count(svg, 'suspect')).toBeGreaterThan(250);
      expect(count(svg, 'violation')).toBeGreaterThan(0);
      expect(count(svg, 'suspect')).toBeGreaterThan(0);
      expect(svg.querySelector('[data-changes="suspect"]')!.getAttribute('stroke')).toBe(
        theme.visualization.getColorByName('purple')
      );
      expect(container.querySelectorAll('[data-freeze] rect').length).toBeGreaterThan(0);
    }
  );

  it('the incident tooltip lists the suspect changes', () => {
    const d = demo();
    renderPanel(
      panelProps(d.frames, { view: 'timeline', suspectMinutes: 120 }, { timeRange: range(d.from, d.to) as never })
    );
    const bar = screen.getByRole('img').querySelector('[data-kind="incident"]')!;
    fireEvent.mouseMove(bar, { clientX: 300, clientY: 100 });
    const tip = screen.getByTestId('incident-tooltip');
    expect(tip).toHaveTextContent(/Suspect changes \(\d+, ≤ 120 min before start\)/);
    expect(within(tip).getAllByRole('listitem').length).toBeGreaterThan(0);
    // Its suspects are emphasised while it is hovered.
    expect(
      Number(screen.getByRole('img').querySelector('[data-changes="hovered-suspects"]')!.getAttribute('data-count'))
    ).toBe(within(tip).getAllByRole('listitem').length);
    fireEvent.mouseMove(screen.getByRole('img'), { clientX: 5, clientY: 5 });
    expect(screen.queryByTestId('incident-tooltip')).toBeNull();
  });

  it('hovering a change tick shows the change (nearest tick in the lane under the pointer)', () => {
    const d = demo();
    renderPanel(panelProps(d.frames, { view: 'timeline' }, { timeRange: range(d.from, d.to) as never, width: 1150 }));
    const svg = screen.getByRole('img');
    svg.getBoundingClientRect = () => ({
      left: 0,
      top: 0,
      right: 1146,
      bottom: 600,
      width: 1146,
      height: 600,
      x: 0,
      y: 0,
      toJSON() {},
    });
    const path = svg.querySelector('[data-changes="normal"]')!;
    const [, x, y] = /^M([\d.]+) ([\d.]+)/.exec(path.getAttribute('d')!)!.map(Number);
    fireEvent.mouseMove(svg, { clientX: x + 1, clientY: y + 4 });
    expect(screen.getByTestId('change-tooltip')).toHaveTextContent(/(argo|jenkins|terraform)/);
  });

  it('a smaller suspect window finds fewer suspects', () => {
    const d = demo();
    const suspects = (minutes: number) => {
      const r = renderPanel(
        panelProps(d.frames, { view: 'timeline', suspectMinutes: minutes }, { timeRange: range(d.from, d.to) as never })
      );
      const n = count(r.container, 'suspect');
      r.unmount();
      return n;
    };
    expect(suspects(120)).toBeGreaterThan(suspects(10));
    expect(suspects(0)).toBe(0);
  });

  it('follows the dashboard time range, and drag-selecting zooms it (onChangeTimeRange)', () => {
    const d = demo();
    const props = panelProps(d.frames, { view: 'timeline' }, { timeRange: range(d.from, d.to) as never, width: 1150 });
    const { rerender } = renderPanel(props);
    const svg = screen.getByRole('img');
    svg.getBoundingClientRect = () => ({
      left: 0,
      top: 0,
      right: 1146,
      bottom: 600,
      width: 1146,
      height: 600,
      x: 0,
      y: 0,
      toJSON() {},
    });
    fireEvent.mouseDown(svg, { clientX: 150, button: 0 });
    fireEvent.mouseMove(svg, { clientX: 646 });
    expect(screen.getByTestId('zoom-selection')).toBeInTheDocument();
    fireEvent.mouseUp(svg, { clientX: 646 });
    // Plot: x 150…1142 (992 px) over the range; 496 px = the first half.
    const call = (props.onChangeTimeRange as ReturnType<typeof vi.fn>).mock.calls[0][0];
    expect(call.from).toBe(d.from);
    expect(Math.abs(call.to - (d.from + ((d.to - d.from) * 496) / 992))).toBeLessThan(60e3);
    // A narrower range shows fewer items.
    const all = count(svg, 'normal') + count(svg, 'suspect');
    act(() => {
      rerender(
        <PanelInTheme
          {...panelProps(d.frames, { view: 'timeline' }, { timeRange: range(call.from, call.to) as never })}
        />
      );
    });
    const img = screen.getByRole('img');
    expect(count(img, 'normal') + count(img, 'suspect')).toBeLessThan(all);
  });

  it('lanes per service', () => {
    const d = demo();
    renderPanel(
      panelProps(d.frames, { view: 'timeline', laneBy: 'service' }, { timeRange: range(d.from, d.to) as never })
    );
    expect(screen.getByRole('img', { name: /in 24 lanes/ })).toBeInTheDocument();
  });
});

describe('KPI option editor', () => {
  it('ticks, unticks and reorders KPIs', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    const { rerender } = render(
      <KpiOrderEditor
        value={['mttr_seconds', 'drill_score']}
        onChange={onChange}
        item={{} as never}
        context={{} as never}
      />
    );
    await user.click(screen.getByRole('button', { name: 'Move Drill score up' }));
    expect(onChange).toHaveBeenLastCalledWith(['drill_score', 'mttr_seconds']);
    await user.click(screen.getByLabelText('MTTR'));
    expect(onChange).toHaveBeenLastCalledWith(['drill_score']);
    await user.click(screen.getByLabelText('Freeze violations'));
    expect(onChange).toHaveBeenLastCalledWith(['mttr_seconds', 'drill_score', 'freeze_violations']);
    await user.click(screen.getByRole('button', { name: 'Committee twelve' }));
    expect(onChange).toHaveBeenLastCalledWith([...DEFAULT_KPIS]);
    rerender(<KpiOrderEditor value={[]} onChange={onChange} item={{} as never} context={{} as never} />);
    expect(screen.getByText(/Showing every KPI the data has/)).toBeInTheDocument();
  });
});

import { ThemeContext } from '@grafana/ui';
import { BallastPanel } from './BallastPanel';
function PanelInTheme(props: React.ComponentProps<typeof BallastPanel>) {
  return (
    <ThemeContext.Provider value={createTheme({ colors: { mode: 'dark' } })}>
      <BallastPanel {...props} />
    </ThemeContext.Provider>
  );
}

function count(root: Element, kind: string) {
  return [...root.querySelectorAll(`[data-changes="${kind}"]`)].reduce(
    (n, p) => n + Number(p.getAttribute('data-count')),
    0
  );
}
