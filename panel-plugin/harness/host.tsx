/**
 * Harness page: hosts the BUILT panel (dist/module.js) the way Grafana does. Grafana's loader
 * evaluates module.js as an AMD module and hands it Grafana's own shared modules (React,
 * @grafana/data, @grafana/ui, @emotion/css, ...); this page does the same with a small `define`
 * whose dependencies are the real packages, bundled here by esbuild. The panel then renders in
 * @grafana/ui's PanelChrome inside the real ThemeContext, with PanelProps as a dashboard passes
 * them (data, time range, onChangeTimeRange, replaceVariables).
 *
 * URL: ?view=scorecard|timeline&source=ballast|prometheus&theme=dark|light&w=&h=&lines=&teams=&items=&bench=1
 */
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as ReactDOMClient from 'react-dom/client';
import * as jsxRuntime from 'react/jsx-runtime';
import * as grafanaData from '@grafana/data';
import * as grafanaUi from '@grafana/ui';
import * as emotionCss from '@emotion/css';
import * as rxjs from 'rxjs';
import { loadPlugin as loadSharedPlugin } from '../../.config/harness/amd-loader';
import { flushSync } from 'react-dom';
import { ballastScorecardFrame, prometheusFrames, timelineFrames } from '../src/demo/demo';

const { createTheme, dateTime, LoadingState, PanelPlugin } = grafanaData;
const { ThemeContext, PanelChrome, GlobalStyles } = grafanaUi;

const SHARED: Record<string, unknown> = {
  react: React,
  'react-dom': ReactDOM,
  'react/jsx-runtime': jsxRuntime,
  '@grafana/data': grafanaData,
  '@grafana/ui': grafanaUi,
  '@emotion/css': emotionCss,
  rxjs,
};

const loadPlugin = (url: string) => loadSharedPlugin(url, SHARED);

const params = new URLSearchParams(location.search);
const view = params.get('view') ?? 'scorecard';
const source = params.get('source') ?? 'ballast';
const mode = (params.get('theme') ?? 'dark') as 'dark' | 'light';
const width = Number(params.get('w') ?? 1400);
const height = Number(params.get('h') ?? 700);
const theme = createTheme({ colors: { mode } });

function demoData(lines: number, teams: number, items: number) {
  if (view === 'timeline') {
    const d = timelineFrames(items, Number(params.get('lanes') ?? 10));
    return { series: d.frames, from: d.from, to: d.to };
  }
  const to = Date.UTC(2026, 5, 30);
  return {
    series: source === 'prometheus' ? prometheusFrames(lines, teams) : [ballastScorecardFrame(lines, teams)],
    from: Date.UTC(2026, 0, 1),
    to,
  };
}

type PanelComponent = React.ComponentType<Record<string, unknown>>;

function Host({
  Panel,
  series,
  from: f0,
  to: t0,
  options,
  panelKey = 0,
}: {
  Panel: PanelComponent;
  series: grafanaData.DataFrame[];
  from: number;
  to: number;
  options: Record<string, unknown>;
  panelKey?: number;
}) {
  const [range, setRange] = React.useState({ from: f0, to: t0 });
  const timeRange = {
    from: dateTime(range.from),
    to: dateTime(range.to),
    raw: { from: dateTime(range.from), to: dateTime(range.to) },
  };
  const title =
    view === 'timeline'
      ? 'Incidents, changes and freezes'
      : `Stability scorecard (${source === 'prometheus' ? 'Prometheus' : 'Ballast'})`;
  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <div style={{ padding: 16, background: theme.colors.background.canvas, width: width + 32 }}>
        <PanelChrome title={title} width={width} height={height}>
          {(innerWidth: number, innerHeight: number) => (
            <Panel
              key={panelKey}
              id={1}
              data={{ series, state: LoadingState.Done, timeRange }}
              timeRange={timeRange}
              timeZone="utc"
              options={options}
              fieldConfig={{ defaults: {}, overrides: [] }}
              transparent={false}
              width={innerWidth}
              height={innerHeight}
              renderCounter={1}
              title={title}
              eventBus={{}}
              onOptionsChange={() => {}}
              onFieldConfigChange={() => {}}
              replaceVariables={(s: string) => s}
              onChangeTimeRange={(r: { from: number; to: number }) => {
                (window as unknown as { __zoomed: unknown }).__zoomed = r;
                setRange(r);
              }}
            />
          )}
        </PanelChrome>
      </div>
    </ThemeContext.Provider>
  );
}

function defaults(plugin: InstanceType<typeof PanelPlugin>) {
  const builder = new grafanaData.PanelOptionsEditorBuilder();
  grafanaData.standardEditorsRegistry.setInit(() =>
    ['radio', 'boolean', 'text', 'select', 'number', 'custom'].map((id) => ({ id, name: id, editor: () => null }))
  );
  plugin.getPanelOptionsSupplier()(builder, { data: [] });
  const options: Record<string, unknown> = {};
  for (const item of builder.getItems()) {
    options[item.path] = item.defaultValue;
  }
  return options;
}

async function main() {
  const exports = await loadPlugin('/plugin/module.js');
  const plugin = exports.plugin as InstanceType<typeof PanelPlugin>;
  if (!(plugin instanceof PanelPlugin)) {
    throw new Error('module.js does not export a PanelPlugin');
  }
  const Panel = plugin.panel as unknown as PanelComponent;
  const options = {
    ...defaults(plugin),
    view,
    ...(params.get('collapsed') ? { collapsed: true } : {}),
    scopeLink: '/d/ballast-team?var-team=${team}',
    cellLink: '/a/ballast-stability-app/governance?kpi=${kpi}&scope=${scope}',
  };
  const container = document.getElementById('root')!;
  const root = ReactDOMClient.createRoot(container);
  const lines = Number(params.get('lines') ?? 4);
  const teams = Number(params.get('teams') ?? 4);
  const items = Number(params.get('items') ?? 400);

  if (params.get('bench')) {
    // Render time of the panel: from root.render to the committed DOM (flushSync), then to the
    // next frame (style, layout, paint). The page (theme, global styles, PanelChrome) stays
    // mounted; each run mounts the panel afresh (new key) with freshly generated frames, so the
    // frame parsing is included. Repeated; the first run is a warm-up.
    const runs = Number(params.get('runs') ?? 7);
    const commit: number[] = [];
    const frame: number[] = [];
    const nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const d0 = demoData(lines, teams, items);
    flushSync(() =>
      root.render(<Host Panel={Panel} series={[]} from={d0.from} to={d0.to} options={options} panelKey={-1} />)
    );
    await nextFrame();
    for (let i = 0; i < runs + 1; i++) {
      const d = demoData(lines, teams, items);
      flushSync(() =>
        root.render(<Host Panel={Panel} series={[]} from={d.from} to={d.to} options={options} panelKey={-1} />)
      );
      await nextFrame();
      const t0 = performance.now();
      flushSync(() =>
        root.render(<Host Panel={Panel} series={d.series} from={d.from} to={d.to} options={options} panelKey={i} />)
      );
      const t1 = performance.now();
      await nextFrame();
      const t2 = performance.now();
      if (i > 0) {
        commit.push(t1 - t0);
        frame.push(t2 - t0);
      }
    }
    const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    const w = window as unknown as { __bench: unknown };
    w.__bench = {
      commitMs: median(commit),
      frameMs: median(frame),
      commitAll: commit.map((x) => Math.round(x)),
      runs,
      cells: document.querySelectorAll('[data-status]').length,
      rows: document.querySelectorAll('[role="row"]').length,
      items: document.querySelectorAll('[data-kind]').length,
    };
    return;
  }
  const d = demoData(lines, teams, items);
  flushSync(() => root.render(<Host Panel={Panel} series={d.series} from={d.from} to={d.to} options={options} />));
  (window as unknown as { __ready: boolean }).__ready = true;
}

main().catch((e) => {
  (window as unknown as { __error: string }).__error = String(e?.stack ?? e);
  document.body.textContent = `Harness error: ${e}`;
});
