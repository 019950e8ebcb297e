import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Icon, Tooltip, useStyles2 } from '@grafana/ui';
import { KpiColumn, Scope } from '../types';
import { fmtKpi } from './format';
import { StatusBadge } from './StatusBadge';

/** KPIs (rows) against scopes (columns): value, goal, status and, optionally, the change since the previous period. */
export function ScorecardTable({
  kpis,
  scopes,
  showPrevious,
}: {
  kpis: KpiColumn[];
  scopes: Scope[];
  showPrevious?: boolean;
}) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.wrap}>
      <table className={styles.table} data-testid="scorecard-table">
        <thead>
          <tr>
            <th>KPI</th>
            {scopes.map((s) => (
              <th key={`${s.level}:${s.id}`}>
                {s.name}
                {s.score !== null && <div className={styles.sub}>score {s.score.toFixed(0)}</div>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {kpis.map((k) => (
            <tr key={k.key}>
              <th scope="row">
                {k.title}
                <div className={styles.sub}>{k.direction === 'lower' ? 'lower is better' : 'higher is better'}</div>
              </th>
              {scopes.map((s) => {
                const c = s.cells[k.key];
                if (!c) {
                  return <td key={`${s.level}:${s.id}`}>–</td>;
                }
                const delta = showPrevious && c.value !== null && c.previous !== null ? c.value - c.previous : null;
                const better = delta === null || delta === 0 ? null : delta < 0 === (k.direction === 'lower');
                return (
                  <td key={`${s.level}:${s.id}`}>
                    <div className={styles.cell}>
                      <span className={styles.value}>{fmtKpi(c.value, k.unit)}</span>
                      <StatusBadge status={c.status} />
                    </div>
                    <div className={styles.sub}>
                      goal {fmtKpi(c.target, k.unit)}
                      {showPrevious && (
                        <>
                          {' · before '}
                          {fmtKpi(c.previous, k.unit)}
                          {better !== null && (
                            <Tooltip
                              content={better ? 'better than the previous period' : 'worse than the previous period'}
                            >
                              <Icon
                                name={delta! > 0 ? 'arrow-up' : 'arrow-down'}
                                className={better ? styles.better : styles.worse}
                                aria-label={better ? 'better' : 'worse'}
                              />
                            </Tooltip>
                          )}
                        </>
                      )}
                    </div>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrap: css({ overflowX: 'auto', '@media print': { overflow: 'visible' } }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    fontSize: theme.typography.bodySmall.fontSize,
    'th, td': {
      padding: theme.spacing(0.75, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
      verticalAlign: 'top',
    },
    'thead th': { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
    'tbody th': { fontWeight: theme.typography.fontWeightRegular },
    tr: { breakInside: 'avoid' },
  }),
  cell: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'center' }),
  value: css({ fontWeight: theme.typography.fontWeightMedium }),
  sub: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  better: css({ color: theme.colors.success.text }),
  worse: css({ color: theme.colors.error.text }),
});
