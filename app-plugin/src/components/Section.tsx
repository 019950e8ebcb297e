import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

/** A titled block of a page, theme-aware, kept whole on a printed page. */
export function Section({
  title,
  actions,
  children,
  testId,
}: {
  title: React.ReactNode;
  actions?: React.ReactNode;
  children: React.ReactNode;
  testId?: string;
}) {
  const styles = useStyles2(getStyles);
  return (
    <section className={styles.section} data-testid={testId}>
      <div className={styles.head}>
        <h3 className={styles.title}>{title}</h3>
        {actions && <div>{actions}</div>}
      </div>
      {children}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(2),
    marginBottom: theme.spacing(2),
    breakInside: 'avoid',
    '@media print': { border: 'none', padding: 0, background: 'none' },
  }),
  head: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(1),
  }),
  title: css({ ...theme.typography.h4, margin: 0 }),
});
