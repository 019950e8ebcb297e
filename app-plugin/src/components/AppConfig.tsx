import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps } from '@grafana/data';
import { getBackendSrv, locationService } from '@grafana/runtime';
import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack, useStyles2 } from '@grafana/ui';
import { lastValueFrom } from 'rxjs';
import { api, ApiError } from '../api/client';
import { PLUGIN_ID } from '../constants';
import { AppSecureSettings, AppSettings, HealthResponse } from '../types';

type Props = PluginConfigPageProps<AppPluginMeta<AppSettings>>;
type TokenKey = keyof AppSecureSettings;

/**
 * The three secure settings, one per exporter role (exporter/src/api/auth.ts). plugin.json sends
 * each only on the routes that need it: reads carry the read token, alert verdicts the ingest
 * token, freeze windows and saved reviews the admin token.
 */
export const TOKENS: Array<{ key: TokenKey; label: string; role: string; use: string }> = [
  {
    key: 'readToken',
    label: 'Read token',
    role: 'read',
    use: 'every page, for everyone who may open the app (Viewer and up)',
  },
  { key: 'ingestToken', label: 'Ingest token', role: 'ingest', use: 'alert verdicts (Editors)' },
  {
    key: 'adminToken',
    label: 'Admin token',
    role: 'admin',
    use: 'freeze windows and saved committee reviews (Editors)',
  },
];

/** The record id of the connection check's probe writes (they are refused as invalid, nothing is stored). */
const PROBE_ID = 'ballast-connection-check';

/** Set before the reload that follows a save, so the reloaded page runs the connection check. */
export const SAVED_FLAG = 'ballast-stability-app:settings-saved';

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

/**
 * What a failed call through Grafana's app proxy means. Grafana answers some of these itself
 * (.config/grafana-host: pluginproxy.go, app_plugin_checks.go, proxyutil errorHandler), the rest
 * are the exporter's own answers passed through.
 */
function unreachable(err: ApiError): string | undefined {
  if (err.status === 502) {
    return "Grafana's server could not connect to the exporter URL (connection refused, unknown host or TLS error: Grafana answers 502 and writes the cause to its server log). Check the URL as Grafana's server sees it.";
  }
  if (err.status === 504) {
    return "Grafana's server reached no answer from the exporter URL in time (504). Check the URL and any firewall between Grafana and the exporter.";
  }
  if (err.status === 404 && err.message === 'plugin route match not found') {
    return "Grafana has no proxy route for the app's request: the installed app is older or newer than this page. Reinstall the app and restart Grafana.";
  }
  if (err.status === 404 && /^Plugin (is not enabled|setting not found)$/.test(err.message)) {
    return 'The app is not enabled yet: save these settings to enable it.';
  }
  if (!err.status) {
    return `No answer from Grafana (${err.message}).`;
  }
  return undefined;
}

function refused(label: string, role: string, err: ApiError, set: boolean): string {
  if (err.status === 401) {
    return set
      ? `The exporter refused the ${label.toLowerCase()} (401: ${err.message}). Enter a ${role} token of the exporter's BALLAST_TOKENS.`
      : `No ${label.toLowerCase()} is set and the exporter requires one (401: ${err.message}).`;
  }
  if (err.status === 403) {
    return `The ${label.toLowerCase()} is valid but lacks the ${role} role (403: ${err.message}).`;
  }
  return unreachable(err) ?? `Checking the ${label.toLowerCase()} failed (${err.status}: ${err.message}).`;
}

/** A write the exporter refuses as invalid AFTER its role check: 400 proves the token may write, nothing is stored. */
async function probeWrite(write: () => Promise<unknown>): Promise<ApiError | null> {
  try {
    await write();
    return new ApiError(200, 'the probe was accepted', '');
  } catch (e) {
    const err = e as ApiError;
    return err.status === 400 ? null : err;
  }
}

/**
 * The connection check, through Grafana's proxy as the pages use it: the exporter answers and
 * speaks API v1, then each configured token is accepted with its role (reads: GET /org; the
 * write tokens: a deliberately invalid write, which the exporter rejects with 400 only after the
 * token passed its role check).
 */
export async function checkConnection(secureJsonFields: Partial<Record<TokenKey, boolean>> = {}): Promise<CheckResult> {
  const steps: CheckResult['steps'] = [];
  const fail = (text: string) => {
    steps.push({ ok: false, text });
    return { ok: false, steps };
  };
  try {
    const health = await api.get<HealthResponse>('/health');
    if (!health || typeof health !== 'object' || !('apiVersion' in health)) {
      return fail(
        'Something answers at the exporter URL, but not a Ballast exporter (no apiVersion in /api/v1/health).'
      );
    }
    if (health.apiVersion !== 'v1') {
      return fail(
        `The exporter answers but speaks API ${health.apiVersion}; this app needs v1. Upgrade the older of the two.`
      );
    }
    steps.push({
      ok: true,
      text: `Exporter ${health.version} reached through Grafana's proxy (API v1, status ${health.status}).`,
    });
  } catch (e) {
    const err = e as ApiError;
    if (err.status === 503) {
      return fail(`The exporter answers but its database is unavailable (503: ${err.message}).`);
    }
    return fail(
      unreachable(err) ??
        (err.status === 404
          ? `Something answers at the exporter URL, but has no Ballast API (404: ${err.message}). Is it the exporter's base URL?`
          : `The exporter's health check failed (${err.status}: ${err.message}).`)
    );
  }
  const [read, ingest, admin] = TOKENS;
  try {
    await api.get('/org');
    steps.push({ ok: true, text: 'The read token may read (GET /api/v1/org).' });
  } catch (e) {
    return fail(refused(read.label, read.role, e as ApiError, Boolean(secureJsonFields.readToken)));
  }
  // Invalid dates: the exporter validates the body only after the role check, and stores nothing.
  const probes: Array<[typeof ingest, () => Promise<unknown>]> = [
    [ingest, () => api.put(`/alerts/${PROBE_ID}`, { startsAt: 'not-a-date' })],
    [admin, () => api.put(`/freezes/${PROBE_ID}`, { endsAt: 'not-a-date' })],
  ];
  let ok = true;
  for (const [token, write] of probes) {
    if (!secureJsonFields[token.key]) {
      steps.push({ ok: false, text: `No ${token.label.toLowerCase()} is set: ${token.use} will be refused.` });
      ok = false;
      continue;
    }
    const err = await probeWrite(write);
    if (err) {
      steps.push({ ok: false, text: refused(token.label, token.role, err, true) });
      ok = false;
    } else {
      steps.push({ ok: true, text: `The ${token.label.toLowerCase()} has the ${token.role} role (${token.use}).` });
    }
  }
  return { ok, steps };
}

/**
 * App configuration: the exporter URL (jsonData.url, read by the plugin.json routes) and one
 * token per exporter role (secureJsonData: encrypted by Grafana, added by its proxy, never sent
 * back to the browser). Saving stores them and reloads the page, as the create-plugin template
 * does (the app's settings reach the rest of Grafana's page only on a reload); the reloaded page
 * then runs the connection check.
 */
export function AppConfig({ plugin }: Props) {
  const styles = useStyles2(getStyles);
  const meta = plugin.meta;
  const [url, setUrl] = useState(meta.jsonData?.url ?? '');
  const [tokens, setTokens] = useState<Partial<Record<TokenKey, string>>>({});
  const [configured, setConfigured] = useState<Partial<Record<TokenKey, boolean>>>(() =>
    Object.fromEntries(TOKENS.map((t) => [t.key, Boolean(meta.secureJsonFields?.[t.key])]))
  );
  const [saving, setSaving] = useState(false);
  const [checking, setChecking] = useState(false);
  // Set by save() just before the reload; this page is the reloaded one.
  const [justSaved] = useState(() => Boolean(window.sessionStorage.getItem(SAVED_FLAG)));
  const [result, setResult] = useState<CheckResult | undefined>();
  const [saveError, setSaveError] = useState<string | undefined>();
  const problem = urlProblem(url);

  const test = async () => {
    setChecking(true);
    setResult(undefined);
    setResult(await checkConnection(configured));
    setChecking(false);
  };

  useEffect(() => {
    if (!justSaved) {
      return;
    }
    window.sessionStorage.removeItem(SAVED_FLAG);
    let live = true;
    checkConnection(configured).then((r) => live && setResult(r));
    return () => {
      live = false;
    };
    // once, after the reload that follows a save, with the tokens Grafana said are configured
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [justSaved]);

  const save = async () => {
    setSaving(true);
    setSaveError(undefined);
    setResult(undefined);
    // Only what changed: a token left untouched stays as Grafana holds it; a reset one is cleared.
    const secureJsonData: Partial<Record<TokenKey, string>> = {};
    for (const t of TOKENS) {
      if (tokens[t.key]) {
        secureJsonData[t.key] = tokens[t.key];
      } else if (!configured[t.key] && meta.secureJsonFields?.[t.key]) {
        secureJsonData[t.key] = '';
      }
    }
    try {
      await lastValueFrom(
        getBackendSrv().fetch({
          url: `/api/plugins/${PLUGIN_ID}/settings`,
          method: 'POST',
          data: {
            enabled: true,
            pinned: true,
            jsonData: { ...meta.jsonData, url: url.trim().replace(/\/+$/, '') },
            secureJsonData,
          },
          showErrorAlert: false,
        })
      );
      window.sessionStorage.setItem(SAVED_FLAG, '1');
      window.location.reload();
    } catch (e) {
      const err = e as { data?: { message?: string }; message?: string; status?: number };
      setSaveError(err.data?.message ?? err.message ?? `HTTP ${err.status}`);
      setSaving(false);
    }
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
          <Input
            id="ballast-app-url"
            aria-label="Exporter URL"
            value={url}
            placeholder="http://exporter:9464"
            onChange={(e) => setUrl(e.currentTarget.value)}
            width={50}
          />
        </Field>
        {TOKENS.map((t) => (
          <Field
            key={t.key}
            label={t.label}
            description={`A ${t.role} token of the exporter's BALLAST_TOKENS, used for ${t.use}. Stored encrypted; Grafana's proxy sends it, the browser never sees it.`}
          >
            <SecretInput
              id={`ballast-app-${t.key}`}
              aria-label={t.label}
              isConfigured={Boolean(configured[t.key])}
              value={tokens[t.key] ?? ''}
              placeholder={`${t.role} token`}
              onChange={(e) => setTokens({ ...tokens, [t.key]: e.currentTarget.value })}
              onReset={() => {
                setConfigured({ ...configured, [t.key]: false });
                setTokens({ ...tokens, [t.key]: '' });
              }}
              width={50}
            />
          </Field>
        ))}
      </FieldSet>
      <Stack gap={1}>
        <Button onClick={save} disabled={saving || problem !== ''} icon={saving ? 'spinner' : undefined}>
          Save and test
        </Button>
        <Button variant="secondary" onClick={test} disabled={saving || checking}>
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
      {justSaved && !result && <Alert severity="info" title="Settings saved; checking the connection…" />}
      {result && (
        <Alert
          severity={result.ok ? 'success' : 'error'}
          title={`${justSaved ? 'Settings saved. ' : ''}${result.ok ? 'Connected to the Ballast exporter' : 'The connection check failed'}`}
          data-testid="connection-result"
        >
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
