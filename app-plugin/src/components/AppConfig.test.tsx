/**
 * The config page against Grafana's answers as the host emulation (.config/grafana-host) gives
 * them: settings saved through POST /api/plugins/:id/settings (org Admin only), the page reloaded
 * as the create-plugin template does, and the connection check naming what Grafana's proxy and
 * the exporter really answer: 502 unreachable, 404 no route, 401 refused token, 403 wrong role,
 * another API version.
 */
import React from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { GrafanaHost } from '../../../.config/grafana-host';
import { setRole } from '../testing/mockBackend';
import { appHost, APP_ROUTES, exporterAuth, installHost, TEST_EXPORTER_URL, TEST_TOKENS } from '../testing/grafanaHost';
import { AppSettings } from '../types';
import { AppConfig, SAVED_FLAG, urlProblem } from './AppConfig';

const PLUGIN_ID = 'ballast-stability-app';
const ROLES = {
  [TEST_TOKENS.readToken]: 'read',
  [TEST_TOKENS.ingestToken]: 'ingest',
  [TEST_TOKENS.adminToken]: 'admin',
} as const;
const v1 = { status: 200, body: { status: 'ok', version: '0.1.0', apiVersion: 'v1' } };
/** The exporter's answers: health v1, org for reads, 400 for the deliberately invalid probe writes. */
const exporter = (health: { status: number; body: unknown } = v1) =>
  exporterAuth(ROLES, (method, path) =>
    path === '/api/v1/health'
      ? health
      : method === 'GET'
        ? { status: 200, body: { teams: [] } }
        : { status: 400, body: { error: 'Bad Request', message: 'the request has invalid fields' } }
  );

function meta(host: GrafanaHost) {
  const s = host.appSettings[PLUGIN_ID];
  return {
    id: PLUGIN_ID,
    enabled: s?.enabled ?? false,
    jsonData: s?.jsonData ?? {},
    secureJsonFields: Object.fromEntries(Object.entries(s?.secureJsonData ?? {}).map(([k, v]) => [k, v !== ''])),
  };
}

/** Renders the page from what Grafana holds now (as Grafana does after a reload). */
function renderConfig(host: GrafanaHost) {
  installHost(host);
  const props = { plugin: { meta: meta(host) }, query: {} } as unknown as PluginConfigPageProps<
    AppPluginMeta<AppSettings>
  >;
  return render(<AppConfig {...props} />);
}

let reload: ReturnType<typeof vi.fn>;
beforeEach(() => {
  setRole('Admin');
  window.sessionStorage.clear();
  reload = vi.fn();
  Object.defineProperty(window, 'location', {
    value: { ...window.location, reload },
    writable: true,
    configurable: true,
  });
});

describe('Config page', () => {
  test('saves the URL and the three tokens, reloads, and the reloaded page checks every token', async () => {
    const host = appHost(exporter(), {});
    host.appSettings[PLUGIN_ID].enabled = false;
    host.appSettings[PLUGIN_ID].jsonData = {};
    const first = renderConfig(host);
    await userEvent.type(screen.getByLabelText('Exporter URL'), `${TEST_EXPORTER_URL}/`);
    await userEvent.type(screen.getByLabelText('Read token'), TEST_TOKENS.readToken);
    await userEvent.type(screen.getByLabelText('Ingest token'), TEST_TOKENS.ingestToken);
    await userEvent.type(screen.getByLabelText('Admin token'), TEST_TOKENS.adminToken);
    await userEvent.click(screen.getByText('Save and test'));
    await waitFor(() => expect(reload).toHaveBeenCalledTimes(1));
    // what Grafana now holds: enabled, the URL without its trailing slash, the tokens (never echoed back)
    expect(host.appSettings[PLUGIN_ID]).toMatchObject({
      enabled: true,
      pinned: true,
      jsonData: { url: TEST_EXPORTER_URL },
      secureJsonData: TEST_TOKENS,
    });
    expect(window.sessionStorage.getItem(SAVED_FLAG)).toBe('1');
    first.unmount();

    renderConfig(host);
    expect(await screen.findByText('Settings saved. Connected to the Ballast exporter')).toBeInTheDocument();
    expect(screen.getByText(/read token may read/)).toBeInTheDocument();
    expect(screen.getByText(/ingest token has the ingest role/)).toBeInTheDocument();
    expect(screen.getByText(/admin token has the admin role/)).toBeInTheDocument();
    expect(window.sessionStorage.getItem(SAVED_FLAG)).toBeNull();
    // each check travelled with the token of its route, and no token ever reached the browser's requests
    const sent = host.log
      .filter((e) => e.forwarded)
      .map((e) => `${e.method} ${e.forwarded!.url.replace(TEST_EXPORTER_URL, '')} ${e.forwarded!.authorization}`);
    expect(sent).toEqual([
      `GET /api/v1/health Bearer ${TEST_TOKENS.readToken}`,
      `GET /api/v1/org Bearer ${TEST_TOKENS.readToken}`,
      `PUT /api/v1/alerts/ballast-connection-check Bearer ${TEST_TOKENS.ingestToken}`,
      `PUT /api/v1/freezes/ballast-connection-check Bearer ${TEST_TOKENS.adminToken}`,
    ]);
  });

  test('an untouched token is not sent again; a reset one is cleared', async () => {
    const host = appHost(exporter());
    renderConfig(host);
    await userEvent.click(screen.getAllByRole('button', { name: 'Reset' })[1]);
    await userEvent.click(screen.getByText('Save and test'));
    await waitFor(() => expect(reload).toHaveBeenCalled());
    expect(host.appSettings[PLUGIN_ID].secureJsonData).toEqual({ ...TEST_TOKENS, ingestToken: '' });
  });

  test('only an org Admin may save: Grafana refuses an Editor, the page says so and does not reload', async () => {
    setRole('Editor');
    renderConfig(appHost(exporter()));
    await userEvent.click(screen.getByText('Save and test'));
    expect(await screen.findByText(/Permissions needed: plugins:write/)).toBeInTheDocument();
    expect(reload).not.toHaveBeenCalled();
  });

  test('an unreachable exporter: Grafana answers 502 with no body, the page names the cause', async () => {
    const host = appHost(undefined); // a real HTTP round trip
    host.appSettings[PLUGIN_ID].jsonData.url = 'http://127.0.0.1:9';
    renderConfig(host);
    await userEvent.click(screen.getByText('Test connection'));
    expect(await screen.findByText(/could not connect to the exporter URL/)).toBeInTheDocument();
    expect(host.log[0]).toMatchObject({ status: 502 });
  });

  test('a refused read token: the app proxy passes the exporter 401 through, the page names it', async () => {
    renderConfig(appHost(exporter(), { ...TEST_TOKENS, readToken: 'wrong-token-0123456789' }));
    await userEvent.click(screen.getByText('Test connection'));
    expect(await screen.findByText(/refused the read token \(401: unknown token\)/)).toBeInTheDocument();
    expect(screen.getByText(/reached through Grafana's proxy/)).toBeInTheDocument();
  });

  test('a missing read token reaches the exporter as "Bearer <no value>" and is named as missing', async () => {
    const { readToken: _r, ...rest } = TEST_TOKENS;
    const host = appHost(exporter(), rest);
    renderConfig(host);
    await userEvent.click(screen.getByText('Test connection'));
    expect(await screen.findByText(/No read token is set and the exporter requires one/)).toBeInTheDocument();
    expect(host.log.find((e) => e.url.endsWith('/org'))?.forwarded?.authorization).toBe('Bearer <no value>');
  });

  test('a write token with too low a role: the exporter 403 is named', async () => {
    renderConfig(appHost(exporter(), { ...TEST_TOKENS, adminToken: TEST_TOKENS.ingestToken }));
    await userEvent.click(screen.getByText('Test connection'));
    expect(
      await screen.findByText(
        /admin token is valid but lacks the admin role \(403: this needs the admin role; the token has ingest\)/
      )
    ).toBeInTheDocument();
    expect(screen.getByText(/ingest token has the ingest role/)).toBeInTheDocument();
  });

  test('another API version, and something that is not a Ballast exporter', async () => {
    const first = renderConfig(
      appHost(exporter({ status: 200, body: { status: 'ok', version: '9', apiVersion: 'v2' } }))
    );
    await userEvent.click(screen.getByText('Test connection'));
    expect(await screen.findByText(/speaks API v2; this app needs v1/)).toBeInTheDocument();
    first.unmount();
    renderConfig(appHost(exporter({ status: 200, body: { hello: 'world' } })));
    await userEvent.click(screen.getByText('Test connection'));
    expect(await screen.findByText(/not a Ballast exporter/)).toBeInTheDocument();
  });

  test('an app whose routes do not match (the old "path": "ballast"): Grafana 404 "plugin route match not found" is named', async () => {
    const host = new GrafanaHost({
      plugins: [{ id: PLUGIN_ID, type: 'app', routes: [{ ...APP_ROUTES[APP_ROUTES.length - 1], path: 'ballast' }] }],
      appSettings: {
        [PLUGIN_ID]: { enabled: true, jsonData: { url: TEST_EXPORTER_URL }, secureJsonData: TEST_TOKENS },
      },
      upstream: exporter(),
    });
    renderConfig(host);
    await userEvent.click(screen.getByText('Test connection'));
    expect(await screen.findByText(/Grafana has no proxy route for the app's request/)).toBeInTheDocument();
  });

  test('URL validation', () => {
    expect(urlProblem('')).toMatch(/required/);
    expect(urlProblem('exporter:9464')).toMatch(/absolute/);
    expect(urlProblem('http://x:1/api/v1')).toMatch(/without/);
    expect(urlProblem('http://x:1')).toBe('');
  });
});
