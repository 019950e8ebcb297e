import fs from 'node:fs';
import path from 'node:path';
import { PAGES } from './constants';

const pluginJson = JSON.parse(fs.readFileSync(path.join(__dirname, 'plugin.json'), 'utf8'));

describe('plugin.json', () => {
  test('a page include (Viewer and up) for every route of the app', () => {
    const pages = pluginJson.includes.filter((i: { type: string }) => i.type === 'page');
    for (const p of PAGES) {
      expect(pages.find((i: { path: string }) => i.path === `/a/%PLUGIN_ID%${p.route ? `/${p.route}` : ''}`)).toMatchObject({ name: p.title, role: 'Viewer', addToNav: true });
    }
  });
  test('the proxy route adds the secure token on the server; writes need Editor', () => {
    for (const r of pluginJson.routes) {
      expect(r).toMatchObject({ path: 'ballast', url: '{{ .JsonData.url }}', headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.apiToken }}' }] });
    }
    const role = (m: string) => pluginJson.routes.find((r: { method: string }) => r.method === m)?.reqRole;
    expect([role('GET'), role('PUT'), role('POST'), role('DELETE')]).toEqual(['Viewer', 'Editor', 'Editor', 'Editor']);
  });
  test('declares the data source and panel, and includes the provisioning dashboards', () => {
    expect(pluginJson.dependencies.plugins.map((p: { id: string }) => p.id).sort()).toEqual(['ballast-scorecard-panel', 'ballast-stability-datasource']);
    const dashboards = pluginJson.includes.filter((i: { type: string }) => i.type === 'dashboard').map((i: { path: string }) => path.basename(i.path)).sort();
    const provisioned = fs.readdirSync(path.join(__dirname, '..', '..', 'provisioning', 'grafana', 'dashboards')).filter((f) => f.endsWith('.json')).sort();
    expect(dashboards).toEqual(provisioned);
    const dist = path.join(__dirname, '..', 'dist');
    if (fs.existsSync(dist)) {
      for (const d of dashboards) {
        expect(fs.existsSync(path.join(dist, 'dashboards', d))).toBe(true);
      }
    }
  });
});
