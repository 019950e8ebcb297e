/**
 * Panel option editor for the KPI columns: tick the KPIs to show and move them up or down.
 * The value is the ordered list of keys; empty means "every KPI the data has".
 */
import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, StandardEditorProps } from '@grafana/data';
import { Button, Checkbox, IconButton, useStyles2 } from '@grafana/ui';
import { DEFAULT_KPIS, KPI_CATALOG } from '../kpis';

export function KpiOrderEditor({ value, onChange }: StandardEditorProps<string[]>) {
  const styles = useStyles2(getStyles);
  const chosen = value ?? [];
  const rest = KPI_CATALOG.filter((k) => !chosen.includes(k.key));
  const move = (i: number, by: number) => {
    const next = [...chosen];
    const [k] = next.splice(i, 1);
    next.splice(i + by, 0, k);
    onChange(next);
  };
  return (
    <div className={styles.list} data-testid="kpi-order-editor">
      {chosen.length === 0 && (
        <div className={styles.hint}>Showing every KPI the data has. Tick KPIs to choose and order them.</div>
      )}
      {chosen.map((key, i) => {
        const info = KPI_CATALOG.find((k) => k.key === key);
        return (
          <div key={key} className={styles.item}>
            <Checkbox
              value={true}
              label={info?.title ?? key}
              onChange={() => onChange(chosen.filter((k) => k !== key))}
            />
            <span className={styles.buttons}>
              <IconButton
                name="arrow-up"
                aria-label={`Move ${info?.title ?? key} up`}
                disabled={i === 0}
                onClick={() => move(i, -1)}
              />
              <IconButton
                name="arrow-down"
                aria-label={`Move ${info?.title ?? key} down`}
                disabled={i === chosen.length - 1}
                onClick={() => move(i, 1)}
              />
            </span>
          </div>
        );
      })}
      {rest.map((k) => (
        <div key={k.key} className={styles.item}>
          <Checkbox value={false} label={k.title} onChange={() => onChange([...chosen, k.key])} />
        </div>
      ))}
      <div className={styles.actions}>
        <Button size="sm" variant="secondary" onClick={() => onChange([...DEFAULT_KPIS])}>
          Committee twelve
        </Button>
        <Button size="sm" variant="secondary" fill="text" onClick={() => onChange([])} disabled={chosen.length === 0}>
          All in data
        </Button>
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) }),
  item: css({ display: 'flex', alignItems: 'center', justifyContent: 'space-between', minHeight: 24 }),
  buttons: css({ display: 'flex', gap: theme.spacing(0.5) }),
  hint: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  actions: css({ display: 'flex', gap: theme.spacing(1), marginTop: theme.spacing(1) }),
});
