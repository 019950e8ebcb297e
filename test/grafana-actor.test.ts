// Who did what, end to end through Grafana's proxy: the app's own plugin.json routes in the Grafana
// host emulation (.config/grafana-host/, mirroring pkg/api/pluginproxy/pluginproxy.go and
// pkg/util/proxyutil ApplyUserHeader, which deletes a browser-sent X-Grafana-User and sets the
// signed-in login when [dataproxy] send_user_header is on) in front of a real exporter whose
// Grafana tokens are named in BALLAST_GRAFANA_TOKENS.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GrafanaHost, type PluginRoute, type SignedInUser } from '../.config/grafana-host/index.js';
import { parseTokens } from '../exporter/src/api/auth.js';
import { smallOrg } from '../exporter/test/helpers/org.js';
import { startTestServer, type TestServer } from '../exporter/test/helpers/server.js';
import { STORE_TARGETS } from '../exporter/test/helpers/stores.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const plugin = JSON.parse(readFileSync(path.join(here, '../app-plugin/src/plugin.json'), 'utf8')) as {
  id: string;
  routes: PluginRoute[];
};

const TOKENS = {
  readToken: 'grafana-read-token-0123456789',
  ingestToken: 'grafana-ingest-token-0123456789',
  adminToken: 'grafana-admin-token-0123456789',
};
const OPS = 'ops-admin-token-0123456789';

const editor: SignedInUser = { login: 'eddie', orgRole: 'Editor' };
const viewer: SignedInUser = { login: 'vic', orgRole: 'Viewer' };

describe.each([true, false])('the app through Grafana with send_user_header=%s', (sendUserHeader) => {
  let exporter: TestServer;
  let host: GrafanaHost;
  const proxy = async (user: SignedInUser, method: string, rest: string, body?: unknown, headers = {}) => {
    const res = await host.handle({
      method,
      url: `/api/plugin-proxy/${plugin.id}/ballast/api/v1/${rest}`,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      user,
      remoteAddr: '10.0.0.7',
    });
    const text = res.body.toString();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    exporter = await startTestServer(await STORE_TARGETS[0]!.fresh(), {
      tokens: parseTokens(
        `read:grafana-read:${TOKENS.readToken},ingest:grafana-ingest:${TOKENS.ingestToken},admin:grafana-admin:${TOKENS.adminToken},admin:ops:${OPS}`,
        'grafana-read,grafana-ingest,grafana-admin'
      ),
    });
    const org = await fetch(`${exporter.url}/api/v1/org`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${OPS}`, 'content-type': 'application/json' },
      body: JSON.stringify(smallOrg()),
    });
    expect(org.status).toBe(200);
    host = new GrafanaHost({
      plugins: [{ id: plugin.id, type: 'app', routes: plugin.routes }],
      appSettings: { [plugin.id]: { enabled: true, jsonData: { url: exporter.url }, secureJsonData: TOKENS } },
      sendUserHeader,
      upstreamTimeoutMs: 5000,
    });
  });
  afterAll(() => exporter?.close());

  test('an Editor’s verdict is recorded with the Grafana login, a browser-sent X-Grafana-User never', async () => {
    const alert = {
      name: 'HighErrorRate',
      severity: 'critical',
      service: 'checkout-api',
      startsAt: '2026-11-20T10:00:00Z',
    };
    const put = await proxy(
      editor,
      'PUT',
      'alerts/a-1',
      { ...alert, verdict: 'noise' },
      { 'X-Grafana-User': 'mallory' }
    );
    expect(put.status).toBe(201);
    expect(put.json.verdictBy).toBe(sendUserHeader ? 'eddie' : 'grafana-ingest');
    const history = await proxy(viewer, 'GET', 'alerts/a-1/history');
    expect(history.status).toBe(200);
    expect(history.json.items).toHaveLength(1);
    expect(history.json.items[0].actor).toEqual(
      sendUserHeader
        ? { token: 'grafana-ingest', user: 'eddie', name: 'eddie' }
        : { token: 'grafana-ingest', name: 'grafana-ingest' }
    );
  });

  test('an Editor writes a freeze window, but may not say it was announced in the past (403 naming announcedAt)', async () => {
    const window = {
      name: 'Freeze',
      reason: 'Peak',
      scope: {},
      startsAt: '2027-11-26T00:00:00Z',
      endsAt: '2027-11-27T00:00:00Z',
    };
    const backdated = await proxy(editor, 'PUT', 'freezes/f-1', { ...window, announcedAt: '2026-01-01T00:00:00Z' });
    expect(backdated.status).toBe(403);
    expect(backdated.json.issues).toEqual([
      { path: 'announcedAt', message: 'only an admin may say when a window was announced' },
    ]);
    const written = await proxy(editor, 'PUT', 'freezes/f-1', window);
    expect(written.status).toBe(201);
    expect(Date.parse(written.json.announcedAt)).toBeGreaterThan(Date.now() - 60_000);
  });
});
