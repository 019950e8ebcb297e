import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { api } from '../api/client';
import { useAsync } from '../api/useAsync';
import { FiltersBar } from '../components/FiltersBar';
import { fmtDate, fmtDuration, secondsBetween } from '../components/format';
import { Loadable } from '../components/Loadable';
import { nameOf, useOrg } from '../components/OrgContext';
import { Section } from '../components/Section';
import { Table } from '../components/Table';
import { Filters, filtersKey, listParams } from '../components/urlState';
import { Drill } from '../types';

const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export function drillsByTeam(drills: Drill[]) {
  const map = new Map<string, Drill[]>();
  for (const d of drills) {
    map.set(d.team ?? '', [...(map.get(d.team ?? '') ?? []), d]);
  }
  return [...map.entries()]
    .map(([team, ds]) => ({
      id: team,
      team,
      count: ds.length,
      score: avg(ds.map((d) => d.score)),
      recovery: avg(ds.map((d) => secondsBetween(d.startedAt, d.recoveredAt)).filter((x): x is number => x !== null)),
      last: ds
        .map((d) => d.startedAt)
        .sort()
        .at(-1),
    }))
    .sort((a, b) => (a.score ?? 0) - (b.score ?? 0));
}

export function drillTrend(drills: Drill[]) {
  const map = new Map<string, Drill[]>();
  for (const d of drills) {
    const m = d.startedAt.slice(0, 7);
    map.set(m, [...(map.get(m) ?? []), d]);
  }
  return [...map.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, ds]) => ({
      id: month,
      month,
      count: ds.length,
      score: avg(ds.map((d) => d.score)) ?? 0,
      recovery: avg(ds.map((d) => secondsBetween(d.startedAt, d.recoveredAt)).filter((x): x is number => x !== null)),
    }));
}

/** Drills by team with scores and recovery times, and the monthly trend. */
export function DrillsPage({ filters }: { filters: Filters }) {
  const styles = useStyles2(getStyles);
  const org = useOrg();
  const state = useAsync(() => api.list<Drill>('/drills', listParams(filters), 5000), [filtersKey(filters)]);
  return (
    <div data-testid="page-drills">
      <FiltersBar filters={filters} />
      <Loadable state={state} what="drills" isEmpty={(d) => d.items.length === 0}>
        {(d) => (
          <>
            <Section title="Trend (average score by month)" testId="drill-trend">
              <div className={styles.trend}>
                {drillTrend(d.items).map((m) => (
                  <div
                    key={m.month}
                    className={styles.col}
                    title={`${m.month}: ${m.score.toFixed(1)} over ${m.count} drills, recovery ${fmtDuration(m.recovery)}`}
                  >
                    <div className={styles.value}>{m.score.toFixed(0)}</div>
                    <div className={styles.bar} style={{ height: `${Math.max(2, m.score)}%` }} />
                    <div className={styles.label}>{m.month}</div>
                  </div>
                ))}
              </div>
            </Section>
            <Section title="By team" testId="drills-by-team">
              <Table
                rows={drillsByTeam(d.items)}
                cols={[
                  { id: 'team', header: 'Team', cell: (t) => nameOf(org.teams, t.team) },
                  { id: 'count', header: 'Drills', cell: (t) => String(t.count) },
                  { id: 'score', header: 'Average score', cell: (t) => (t.score === null ? '–' : t.score.toFixed(1)) },
                  { id: 'recovery', header: 'Average recovery', cell: (t) => fmtDuration(t.recovery) },
                  { id: 'last', header: 'Last drill', cell: (t) => fmtDate(t.last) },
                ]}
              />
            </Section>
            <Section title={`Drills (${d.items.length})`}>
              <Table<Drill>
                rows={d.items}
                cols={[
                  { id: 'scenario', header: 'Scenario', cell: (x) => x.scenario },
                  { id: 'team', header: 'Team', cell: (x) => nameOf(org.teams, x.team) },
                  { id: 'startedAt', header: 'Date', cell: (x) => fmtDate(x.startedAt) },
                  {
                    id: 'detect',
                    header: 'Detected after',
                    cell: (x) => fmtDuration(secondsBetween(x.startedAt, x.detectedAt)),
                  },
                  {
                    id: 'recover',
                    header: 'Recovered after',
                    cell: (x) => fmtDuration(secondsBetween(x.startedAt, x.recoveredAt)),
                  },
                  { id: 'score', header: 'Score', cell: (x) => String(x.score) },
                ]}
              />
            </Section>
          </>
        )}
      </Loadable>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  trend: css({ display: 'flex', alignItems: 'flex-end', gap: theme.spacing(1), height: 160, overflowX: 'auto' }),
  col: css({
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'flex-end',
    height: '100%',
    minWidth: 48,
  }),
  bar: css({ width: 24, background: theme.colors.primary.main, borderRadius: theme.shape.radius.default }),
  value: css({ fontSize: theme.typography.bodySmall.fontSize }),
  label: css({ fontSize: theme.typography.bodySmall.fontSize, color: theme.colors.text.secondary }),
});
