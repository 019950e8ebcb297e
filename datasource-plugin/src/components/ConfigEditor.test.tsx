import React, { useState } from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DataSourceSettings } from '@grafana/data';
import { ConfigEditor, urlProblem } from './ConfigEditor';
import { BallastOptions, BallastSecureOptions } from '../types';

type Settings = DataSourceSettings<BallastOptions, BallastSecureOptions>;

function settings(jsonData: BallastOptions = {}, secureJsonFields: Record<string, boolean> = {}): Settings {
  return {
    id: 1,
    uid: 'ballast',
    orgId: 1,
    name: 'Ballast',
    type: 'ballast-stability-datasource',
    typeName: 'Ballast',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    jsonData,
    secureJsonFields,
    readOnly: false,
    withCredentials: false,
  } as Settings;
}

/** The editor as Grafana's settings page holds it: controlled, every change recorded. */
function Harness({ initial, changes }: { initial: Settings; changes: Settings[] }) {
  const [options, setOptions] = useState(initial);
  return (
    <ConfigEditor
      options={options}
      onOptionsChange={(o) => {
        changes.push(o);
        setOptions(o);
      }}
    />
  );
}

describe('ConfigEditor', () => {
  it('asks for the URL when it is empty', () => {
    render(<Harness initial={settings()} changes={[]} />);
    expect(screen.getByText('The exporter URL is required.')).toBeInTheDocument();
    expect(screen.getByLabelText('Exporter URL')).toHaveValue('');
  });

  it('keeps the URL in jsonData and clears the error once it is valid', async () => {
    const changes: Settings[] = [];
    render(<Harness initial={settings()} changes={changes} />);
    await userEvent.type(screen.getByLabelText('Exporter URL'), 'http://ballast:9464');
    expect(changes.at(-1)!.jsonData.url).toBe('http://ballast:9464');
    expect(screen.queryByText('The exporter URL is required.')).not.toBeInTheDocument();
    expect(screen.queryByText(/Use an absolute/)).not.toBeInTheDocument();
  });

  it('refuses a URL that is not absolute http(s), or that ends in /api/v1', async () => {
    const { unmount } = render(<Harness initial={settings({ url: 'ballast:9464' })} changes={[]} />);
    expect(screen.getByText(/Use an absolute http:\/\/ or https:\/\/ URL/)).toBeInTheDocument();
    unmount();
    render(<Harness initial={settings({ url: 'http://ballast:9464/api/v1' })} changes={[]} />);
    expect(screen.getByText(/without \/api\/v1/)).toBeInTheDocument();
    expect(urlProblem('https://ballast.example.com')).toBe('');
  });

  it('puts the token in secureJsonData only (never jsonData)', async () => {
    const changes: Settings[] = [];
    render(<Harness initial={settings({ url: 'http://ballast:9464' })} changes={changes} />);
    await userEvent.type(screen.getByLabelText('API token'), 'sekret-token');
    const last = changes.at(-1)!;
    expect(last.secureJsonData?.apiToken).toBe('sekret-token');
    expect(JSON.stringify(last.jsonData)).not.toContain('sekret');
  });

  it('shows a saved token as configured, and Reset clears it', async () => {
    const changes: Settings[] = [];
    render(<Harness initial={settings({ url: 'http://ballast:9464' }, { apiToken: true })} changes={changes} />);
    expect(screen.getByLabelText('API token')).toHaveValue('configured');
    expect(screen.getByLabelText('API token')).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(changes.at(-1)!.secureJsonFields.apiToken).toBe(false);
    expect(changes.at(-1)!.secureJsonData?.apiToken).toBe('');
    expect(screen.getByLabelText('API token')).toBeEnabled();
  });
});
