import React, { ChangeEvent } from 'react';
import { css } from '@emotion/css';
import { DataSourcePluginOptionsEditorProps, GrafanaTheme2 } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput, useStyles2 } from '@grafana/ui';
import { BallastOptions, BallastSecureOptions } from '../types';

type Props = DataSourcePluginOptionsEditorProps<BallastOptions, BallastSecureOptions>;

/** Why a URL cannot be used ('' when it can). */
export function urlProblem(url: string | undefined): string {
  const value = (url ?? '').trim();
  if (value === '') {
    return 'The exporter URL is required.';
  }
  if (!/^https?:\/\/[^\s/]+/i.test(value)) {
    return 'Use an absolute http:// or https:// URL, e.g. http://ballast-exporter:9464.';
  }
  if (/\/api\/v1\/?$/.test(value)) {
    return 'Give the exporter’s base URL, without /api/v1.';
  }
  return '';
}

/**
 * Data source settings: the exporter URL (jsonData.url, read by the plugin.json proxy route) and
 * the API token (secureJsonData.apiToken: encrypted by Grafana, added by its proxy as
 * `Authorization: Bearer …`, never sent back to the browser).
 */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const styles = useStyles2(getStyles);
  const { jsonData, secureJsonFields } = options;
  const secureJsonData = (options.secureJsonData ?? {}) as BallastSecureOptions;
  const problem = urlProblem(jsonData.url);

  const onUrlChange = (event: ChangeEvent<HTMLInputElement>) => {
    onOptionsChange({ ...options, jsonData: { ...jsonData, url: event.target.value.trim() } });
  };
  const onTokenChange = (event: ChangeEvent<HTMLInputElement>) => {
    onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, apiToken: event.target.value } });
  };
  const onTokenReset = () => {
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, apiToken: false },
      secureJsonData: { ...secureJsonData, apiToken: '' },
    });
  };

  return (
    <div className={styles.container}>
      <FieldSet label="Ballast exporter">
        <Field
          label="URL"
          description="Base URL of the Ballast exporter as Grafana’s server reaches it (requests go through the Grafana data source proxy)."
          invalid={problem !== ''}
          error={problem}
          required
        >
          <Input
            id="ballast-url"
            aria-label="Exporter URL"
            value={jsonData.url ?? ''}
            placeholder="http://ballast-exporter:9464"
            onChange={onUrlChange}
            width={50}
          />
        </Field>
        <Field
          label="API token"
          description="A token with the read role (BALLAST_TOKENS on the exporter). Stored encrypted; Grafana’s proxy sends it as a Bearer token, the browser never sees it. Leave empty when the exporter has no tokens."
        >
          <SecretInput
            id="ballast-token"
            aria-label="API token"
            isConfigured={Boolean(secureJsonFields?.apiToken)}
            value={secureJsonData.apiToken ?? ''}
            placeholder="read token"
            onChange={onTokenChange}
            onReset={onTokenReset}
            width={50}
          />
        </Field>
      </FieldSet>
      <p className={styles.hint}>
        <b>Save &amp; test</b> checks that the exporter answers (GET /api/v1/health), that it speaks API v1, and that
        the token may read (GET /api/v1/org).
      </p>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({ maxWidth: theme.spacing(100) }),
  hint: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
