import React from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { mockBackend } from '../testing/mockBackend';
import { AppSettings } from '../types';
import { AppConfig, urlProblem } from './AppConfig';

function renderConfig(jsonData: AppSettings = { url: 'http://exporter:9464' }, tokenSet = true) {
  const props = { plugin: { meta: { id: 'ballast-stability-app', jsonData, secureJsonFields: { apiToken: tokenSet }, enabled: true } }, query: {} } as unknown as PluginConfigPageProps<AppPluginMeta<AppSettings>>;
  return render(<AppConfig {...props} />);
}

const health = { path: '/health', answer: { status: 'ok', version: '0.1.0', apiVersion: 'v1' } };

describe('Config page', () => {
  test('saves the URL and the token as secureJsonData, then the check passes', async () => {
    const { requests } = mockBackend([{ method: 'POST', path: '/api/plugins/ballast-stability-app/settings', answer: {} }, health, { path: '/org', answer: {} }]);
    renderConfig({}, false);
    await userEvent.type(screen.getByLabelText('Exporter URL'), 'http://exporter:9464');
    await userEvent.type(screen.getByLabelText('API token'), 'secret-token-1234567890');
    await userEvent.click(screen.getByText('Save and test'));
    expect(await screen.findByText('Connected to the Ballast exporter')).toBeInTheDocument();
    const post = requests.find((r) => r.method === 'POST')!;
    expect(post.body).toEqual({ enabled: true, pinned: true, jsonData: { url: 'http://exporter:9464' }, secureJsonData: { apiToken: 'secret-token-1234567890' } });
    // every exporter call goes through Grafana's plugin proxy, never with the token
    for (const r of requests.filter((x) => x.method === 'GET')) {
      expect(r.url.startsWith('/api/plugin-proxy/ballast-stability-app/ballast/api/v1/')).toBe(true);
      expect(JSON.stringify(r)).not.toContain('secret-token');
    }
  });
  test('an unreachable exporter: says so', async () => {
    mockBackend([{ path: '/health', error: { status: 502, message: 'Bad Gateway' } }]);
    renderConfig();
    await userEvent.click(screen.getByText('Test connection'));
    expect(await screen.findByText(/could not reach the exporter URL/)).toBeInTheDocument();
  });
  test('a refused token: says so', async () => {
    mockBackend([health, { path: '/org', error: { status: 401, message: 'unknown token' } }]);
    renderConfig();
    await userEvent.click(screen.getByText('Test connection'));
    expect(await screen.findByText(/refused the token \(401: unknown token\)/)).toBeInTheDocument();
    expect(screen.getByText(/reached through Grafana's proxy/)).toBeInTheDocument();
  });
  test('a wrong API version and a failed save are reported', async () => {
    mockBackend([{ path: '/health', answer: { status: 'ok', version: '9', apiVersion: 'v2' } }, { method: 'POST', path: '/api/plugins/ballast-stability-app/settings', error: { status: 403, message: 'Permission denied' } }]);
    renderConfig();
    await userEvent.click(screen.getByText('Test connection'));
    expect(await screen.findByText(/speaks API v2/)).toBeInTheDocument();
    await userEvent.click(screen.getByText('Save and test'));
    await waitFor(() => expect(screen.getByText('Permission denied')).toBeInTheDocument());
  });
  test('URL validation', () => {
    expect(urlProblem('')).toMatch(/required/);
    expect(urlProblem('exporter:9464')).toMatch(/absolute/);
    expect(urlProblem('http://x:1/api/v1')).toMatch(/without/);
    expect(urlProblem('http://x:1')).toBe('');
  });
});
