import React from 'react';
import { css } from '@emotion/css';
import { AppRootProps, GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { AppSettings } from '../types';

/** Placeholder root page; the app's pages are their own issue. */
export function App(props: AppRootProps<AppSettings>) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.page} data-testid="ballast-app-root">
      <h2>Ballast</h2>
      <p>Stability governance: the pages of this app are being built ({props.meta.id}).</p>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({
    padding: theme.spacing(2),
    color: theme.colors.text.primary,
  }),
});
