import React, { useState } from 'react';
import { css } from '@emotion/css';
import { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps } from '@grafana/data';
import { getBackendSrv, locationService } from '@grafana/runtime';
import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack, useStyles2 } from '@grafana/ui';
import { lastValueFrom } from 'rxjs';
import { api, ApiError } from '../api/client';
import { PLUGIN_ID } from '../constants';
import { AppSettings, HealthResponse } from '../types';

type Props = PluginConfigPageProps<AppPluginMeta<AppSettings>>;

/** Why a URL cannot be used ('' when it can). */
export function urlProblem(url: string | undefined): string {
  const value = (url ?? '').trim();
  if (value === '') {
    return 'The exporter URL is required.';
  }
  if (!/^https?:\/\/[^\s/]+/i.test(value)) {
    return 'Use an absolute http:// or https:// URL, e.g. http://exporter:9464.';
  }
  if (/\/api\/v1\/?$/.test(value)) {
    return 'Give the exporter’s base URL, without /api/v1.';
  }
  return '';
}

export interface CheckResult {
  ok: boolean;
  /** One line per step: what was checked and what came back. */
  steps: Array<{ ok: boolean; text: string }>;
}

/** The connection check: the exporter answers through Grafana's proxy, speaks API v1, and accepts the token. */
export async function checkConnection(): Promise<CheckResult> {
  const steps: CheckResult['steps'] = [];
  try {
    const health = await api.get<HealthResponse>('/health');
    if (health.apiVersion !== 'v1') {
      steps.push({ ok: false, text: `The exporter answers but speaks API ${health.apiVersion}; this app needs v1.` });
      return { ok: false, steps };
    }
    steps.push({ ok: true, text: `Exporter ${health.version} reached through Grafana's proxy (API v1, status ${health.status}).` });
  } catch (e) {
    const err = e as ApiError;
    const why =
      err.status === 502 || err.status === 0 || err.status === 504
        ? `Grafana's server could not reach the exporter URL (${err.message}). Check the URL as Grafana's server sees it.`
        : err.status === 404
          ? `No exporter API at that URL (404: ${err.message}). Is the URL the exporter's base URL, and is the app enabled?`
          : `The exporter's health check failed (${err.status}: ${err.message}).`;
    steps.push({ ok: false, text: why });
    return { ok: false, steps };
  }
  try {
    await api.get('/org');
    steps.push({ ok: true, text: 'The token may read (GET /api/v1/org).' });
  } catch (e) {
    const err = e as ApiError;
    const why =
      err.status === 401
        ? `The exporter refused the token (401: ${err.message}). Enter a token from the exporter's BALLAST_TOKENS.`
        : err.status === 403
          ? `The token may not read (403: ${err.message}).`
          : `Reading the org failed (${err.status}: ${err.message}).`;
    steps.push({ ok: false, text: why });
    return { ok: false, steps };
  }
  return { ok: true, steps };
}

/**
 * App configuration: the exporter URL (jsonData.url, read by the plugin.json proxy route) and the
 * API token (secureJsonData.apiToken: encrypted by Grafana, added by its proxy, never sent back to
 * the browser). Saving stores both and runs the connection check.
 */
export function AppConfig({ plugin }: Props) {
  const styles = useStyles2(getStyles);
  const meta = plugin.meta;
  const [url, setUrl] = useState(meta.jsonData?.url ?? '');
  const [token, setToken] = useState('');
  const [tokenSet, setTokenSet] = useState(Boolean(meta.secureJsonFields?.apiToken));
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<CheckResult | undefined>();
  const [saveError, setSaveError] = useState<string | undefined>();
  const problem = urlProblem(url);

  const save = async () => {
    setSaving(true);
    setSaveError(undefined);
    setResult(undefined);
    try {
      const secureJsonData = token ? { apiToken: token } : tokenSet ? undefined : { apiToken: '' };
      await lastValueFrom(
        getBackendSrv().fetch({
          url: `/api/plugins/${PLUGIN_ID}/settings`,
          method: 'POST',
          data: { enabled: true, pinned: true, jsonData: { ...meta.jsonData, url: url.trim() }, secureJsonData },
          showErrorAlert: false,
        })
      );
      if (token) {
        setTokenSet(true);
        setToken('');
      }
      setResult(await checkConnection());
    } catch (e) {
      const err = e as { data?: { message?: string }; message?: string; status?: number };
      setSaveError(err.data?.message ?? err.message ?? `HTTP ${err.status}`);
    } finally {
      setSaving(false);
    }
  };

  const test = async () => {
    setResult(undefined);
    setResult(await checkConnection());
  };

  return (
    <div className={styles.container} data-testid="app-config">
      <FieldSet label="Ballast exporter">
        <Field
          label="URL"
          description="Base URL of the Ballast exporter as Grafana’s server reaches it. The app's requests go through Grafana's plugin proxy."
          invalid={problem !== ''}
          error={problem}
          required
        >
          <Input id="ballast-app-url" aria-label="Exporter URL" value={url} placeholder="http://exporter:9464" onChange={(e) => setUrl(e.currentTarget.value)} width={50} />
        </Field>
        <Field
          label="API token"
          description="A token of the exporter's BALLAST_TOKENS. Writes need it: verdicts the ingest role, freeze windows and saved reviews the admin role. Stored encrypted; Grafana's proxy sends it, the browser never sees it."
        >
          <SecretInput
            id="ballast-app-token"
            aria-label="API token"
            isConfigured={tokenSet}
            value={token}
            placeholder="admin token"
            onChange={(e) => setToken(e.currentTarget.value)}
            onReset={() => {
              setTokenSet(false);
              setToken('');
            }}
            width={50}
          />
        </Field>
      </FieldSet>
      <Stack gap={1}>
        <Button onClick={save} disabled={saving || problem !== ''} icon={saving ? 'spinner' : undefined}>
          Save and test
        </Button>
        <Button variant="secondary" onClick={test} disabled={saving}>
          Test connection
        </Button>
        <Button variant="secondary" fill="text" onClick={() => locationService.push(`/a/${PLUGIN_ID}`)}>
          Open the app
        </Button>
      </Stack>
      {saveError && (
        <Alert severity="error" title="The settings were not saved">
          {saveError}
        </Alert>
      )}
      {result && (
        <Alert severity={result.ok ? 'success' : 'error'} title={result.ok ? 'Connected to the Ballast exporter' : 'The connection check failed'} data-testid="connection-result">
          <ul>
            {result.steps.map((s, i) => (
              <li key={i}>
                {s.ok ? '✓' : '✗'} {s.text}
              </li>
            ))}
          </ul>
        </Alert>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({ maxWidth: theme.spacing(100), display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
});
