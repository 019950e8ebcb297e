/**
 * Harness page: hosts the BUILT app (dist/module.js) the way Grafana does. Grafana's loader
 * evaluates module.js as an AMD module and hands it Grafana's own shared modules; this page does
 * the same with a small `define` whose dependencies are the real packages (React, @grafana/data,
 * @grafana/ui, @grafana/runtime, ...), bundled here by esbuild. The app's root page renders inside
 * the real ThemeContext and a router on locationService's (browser) history, as in Grafana; its
 * config page renders at /plugins/ballast-stability-app.
 *
 * getBackendSrv().fetch() behaves as Grafana's frontend (backend-srv.ts) over a fetch to this page's
 * origin, where the harness server runs the Grafana host emulation: settings, and the app plugin
 * proxy with the app's real plugin.json routes, forwarding to the real exporter with the tokens
 * it holds (the page never has them).
 *
 * Hash parameters: #theme=dark|light&role=Viewer|Editor|Admin
 */
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as ReactDOMClient from 'react-dom/client';
import * as jsxRuntime from 'react/jsx-runtime';
import * as grafanaData from '@grafana/data';
import * as grafanaUi from '@grafana/ui';
import * as grafanaRuntime from '@grafana/runtime';
import * as emotionCss from '@emotion/css';
import * as rxjs from 'rxjs';
import { loadPlugin as loadSharedPlugin } from '../../.config/harness/amd-loader';
import { GrafanaRouter } from '../src/testing/GrafanaRouter';
import { createBackendSrv } from '../../.config/grafana-host/backend-srv';

const { createTheme, AppPlugin } = grafanaData;
const { ThemeContext, GlobalStyles } = grafanaUi;
const { config, setBackendSrv } = grafanaRuntime;

const SHARED: Record<string, unknown> = {
  react: React,
  'react-dom': ReactDOM,
  'react/jsx-runtime': jsxRuntime,
  '@grafana/data': grafanaData,
  '@grafana/ui': grafanaUi,
  '@grafana/runtime': grafanaRuntime,
  '@emotion/css': emotionCss,
  rxjs,
};

const loadPlugin = (url: string) => loadSharedPlugin(url, SHARED);

const hash = new URLSearchParams(location.hash.slice(1));
const mode = (hash.get('theme') ?? 'dark') as 'dark' | 'light';
const role = hash.get('role') ?? 'Viewer';
const theme = createTheme({ colors: { mode } });
(config as unknown as { theme2: unknown }).theme2 = theme;
(config.bootData as unknown as { user: Record<string, unknown> }).user = {
  ...(config.bootData?.user ?? {}),
  orgRole: role,
  isGrafanaAdmin: false,
  login: 'harness',
};

/**
 * Grafana's backendSrv.fetch as the frontend behaves (.config/grafana-host/backend-srv.ts: body
 * parsing, FetchError shape, processRequestError, the one retry of a 401), over window.fetch to
 * this page's origin, where the harness server plays Grafana (the host emulation).
 */
const backendSrv = createBackendSrv(async (req) => {
  const res = await window.fetch(req.url, {
    method: req.method,
    headers: req.headers,
    body: req.body,
    credentials: 'same-origin',
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k] = v));
  return { status: res.status, statusText: res.statusText, headers, body: await res.text() };
});
setBackendSrv({ fetch: backendSrv.fetch } as unknown as grafanaRuntime.BackendSrv);

async function main() {
  const exports = await loadPlugin('/public/plugins/ballast-stability-app/module.js');
  const plugin = exports.plugin as InstanceType<typeof AppPlugin>;
  if (!(plugin instanceof AppPlugin)) {
    throw new Error('module.js does not export an AppPlugin');
  }
  const settings = await (await window.fetch('/api/plugins/ballast-stability-app/settings')).json();
  const meta = {
    id: 'ballast-stability-app',
    name: 'Ballast',
    type: 'app',
    enabled: true,
    jsonData: settings.jsonData ?? {},
    secureJsonFields: settings.secureJsonFields ?? {},
  };
  const Root = plugin.root as unknown as React.ComponentType<Record<string, unknown>>;
  const Config = plugin.configPages?.[0]?.body as unknown as React.ComponentType<Record<string, unknown>>;
  const isConfig = location.pathname.startsWith('/plugins/');
  const root = ReactDOMClient.createRoot(document.getElementById('root')!);
  root.render(
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <div style={{ padding: 16, minHeight: '100vh', background: theme.colors.background.canvas }}>
        <GrafanaRouter>
          {isConfig ? (
            <Config plugin={{ meta }} query={{}} />
          ) : (
            <Root
              meta={meta}
              basename="/a/ballast-stability-app"
              path="/a/ballast-stability-app"
              query={{}}
              onNavChanged={() => {}}
            />
          )}
        </GrafanaRouter>
      </div>
    </ThemeContext.Provider>
  );
  (window as unknown as { __ready: boolean }).__ready = true;
}

main().catch((e) => {
  (window as unknown as { __error: string }).__error = String(e?.stack ?? e);
  document.body.textContent = `Harness error: ${e}`;
});
