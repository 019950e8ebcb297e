import fs from 'node:fs';
import path from 'node:path';
import { PAGES } from './constants';

const pluginJson = JSON.parse(fs.readFileSync(path.join(__dirname, 'plugin.json'), 'utf8'));

describe('plugin.json', () => {
  test('a page include (Viewer and up) for every route of the app', () => {
    const pages = pluginJson.includes.filter((i: { type: string }) => i.type === 'page');
    for (const p of PAGES) {
      expect(
        pages.find((i: { path: string }) => i.path === `/a/%PLUGIN_ID%${p.route ? `/${p.route}` : ''}`)
      ).toMatchObject({ name: p.title, role: 'Viewer', addToNav: true });
    }
  });
  test('the proxy routes: exact writes for Editors (Admins under ballast-admin/) with the token of the exporter role they need, reads with the read token, each naming its reqRole to the exporter (details: routes.contract.test.ts)', () => {
    const summary = pluginJson.routes.map(
      (r: { method: string; path: string; reqRole: string; headers: Array<{ name: string; content: string }> }) => {
        // X-Ballast-Grafana-Role tells the exporter which Grafana role the route demanded (a set header: not forgeable)
        expect(r.headers.find((h) => h.name === 'X-Ballast-Grafana-Role')?.content).toBe(r.reqRole);
        return `${r.method} ${r.path} ${r.reqRole} ${/SecureJsonData\.(\w+)/.exec(r.headers[0].content)?.[1]}`;
      }
    );
    expect(summary).toEqual([
      'PUT ballast/api/v1/alerts/* Editor ingestToken',
      'PUT ballast/api/v1/freezes/* Editor adminToken',
      'DELETE ballast/api/v1/freezes/* Editor adminToken',
      'POST ballast/api/v1/reviews Editor adminToken',
      'PUT ballast/api/v1/incidents/* Editor ingestToken',
      // shadows the batch write under the steps route: the read token, which the exporter refuses for a write
      'POST ballast/api/v1/incidents/batch Editor readToken',
      'POST ballast/api/v1/incidents/* Editor ingestToken',
      'PUT ballast/api/v1/findings/* Editor ingestToken',
      'PUT ballast/api/v1/actions/* Editor ingestToken',
      'PUT ballast/api/v1/changes/* Editor ingestToken',
      'PUT ballast-admin/api/v1/changes/* Admin adminToken',
      'PUT ballast-admin/api/v1/org Admin adminToken',
      'POST ballast-admin/api/v1/red-lines/violations/* Admin adminToken',
      'GET ballast/api/v1/* Viewer readToken',
    ]);
  });
  test('declares the data source and panel, and includes no dashboards (file provisioning is their one source)', () => {
    expect(pluginJson.dependencies.plugins.map((p: { id: string }) => p.id).sort()).toEqual([
      'ballast-scorecard-panel',
      'ballast-stability-datasource',
    ]);
    // Grafana imports included dashboards with overwrite (pkg/services/plugindashboards/service/dashboard_updater.go)
    // and refuses to save over a provisioned one (ErrDashboardCannotSaveProvisionedDashboard): one source only.
    expect(pluginJson.includes.filter((i: { type: string }) => i.type === 'dashboard')).toEqual([]);
    const dist = path.join(__dirname, '..', 'dist');
    if (fs.existsSync(dist)) {
      expect(fs.existsSync(path.join(dist, 'dashboards'))).toBe(false);
    }
  });
});
