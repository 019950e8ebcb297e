import React, { useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Badge, Button, TextLink, useStyles2 } from '@grafana/ui';
import { api } from '../api/client';
import { useAsync } from '../api/useAsync';
import { ROUTES } from '../constants';
import { FiltersBar } from '../components/FiltersBar';
import { fmtKpi, fmtTime } from '../components/format';
import { pageUrl } from '../components/links';
import { Loadable } from '../components/Loadable';
import { isAdmin } from '../components/roles';
import { ScorecardTable } from '../components/ScorecardTable';
import { Section } from '../components/Section';
import { Filters, kpiWindowOf, listParams } from '../components/urlState';
import { Action, Alert, Finding, Freeze, Incident, Scorecard } from '../types';
import { GoalsEditor } from './GoalsEditor';

interface Daily {
  alerts: { items: Alert[]; total: number };
  incidents: { items: Incident[]; total: number };
  freezes: { items: Freeze[]; total: number };
  actions: { items: Action[]; total: number };
  findings: { items: Finding[]; total: number };
}

/** Overview: the org scorecard and today's daily report, with links into the other pages. */
export function OverviewPage({ filters }: { filters: Filters }) {
  const styles = useStyles2(getStyles);
  const window = kpiWindowOf(filters);
  const scope = listParams(filters, false);
  const scorecard = useAsync(() => api.get<Scorecard>('/scorecard', { window }), [window]);
  const [editingGoals, setEditingGoals] = useState(false);
  const daily = useAsync<Daily>(async () => {
    const since = new Date(Date.now() - 86_400_000).toISOString();
    const [alerts, incidents, freezes, actions, findings] = await Promise.all([
      api.list<Alert>('/alerts', { ...scope, highSeverity: true, from: since }, 200),
      api.list<Incident>('/incidents', { ...scope, highPriority: true, open: true, drill: false }, 200),
      api.list<Freeze>('/freezes', { ...scope, active: true }, 200),
      api.list<Action>('/actions', { ...scope, overdue: true }, 200),
      api.list<Finding>('/findings', { ...scope, overdue: true }, 200),
    ]);
    return { alerts, incidents, freezes, actions, findings };
  }, [filters.businessLine, filters.team, filters.service]);

  const scopes = (sc: Scorecard) =>
    sc.scopes.filter((s) =>
      filters.businessLine
        ? s.level === 'org' ||
          (s.level === 'business_line' && s.id === filters.businessLine) ||
          (s.level === 'team' && s.businessLine === filters.businessLine)
        : s.level !== 'team'
    );
  const warnings = (sc: Scorecard) => {
    const out: Array<{ scope: string; kpi: string; text: string }> = [];
    for (const s of scopes(sc)) {
      for (const k of sc.kpis) {
        const c = s.cells[k.key];
        if (c?.status === 'missed') {
          out.push({
            scope: s.name,
            kpi: k.title,
            text: `${fmtKpi(c.value, k.unit)} against a goal of ${fmtKpi(c.target, k.unit)}`,
          });
        }
      }
    }
    return out;
  };

  return (
    <div data-testid="page-overview">
      <FiltersBar filters={filters} />
      <Section title="Today's report" testId="daily-report">
        <Loadable state={daily} what="today's report" isEmpty={() => false}>
          {(d) => (
            <div className={styles.grid}>
              <ReportBlock
                title="High-severity alerts (24h)"
                count={d.alerts.total}
                href={pageUrl(ROUTES.Alerts, filters)}
                items={d.alerts.items.map((a) => ({
                  key: a.id,
                  text: `${a.name} · ${a.service ?? a.team ?? ''}`,
                  meta: fmtTime(a.startsAt),
                }))}
              />
              <ReportBlock
                title="Open high-priority incidents"
                count={d.incidents.total}
                href={pageUrl(ROUTES.Incidents, filters, { open: 'true', highPriority: 'true' })}
                items={d.incidents.items.map((i) => ({
                  key: i.id,
                  text: `${i.priority} ${i.title}`,
                  meta: fmtTime(i.startedAt),
                  href: pageUrl(`${ROUTES.Incidents}/${encodeURIComponent(i.id)}`, filters),
                }))}
              />
              <ReportBlock
                title="Open freezes"
                count={d.freezes.total}
                href={pageUrl(ROUTES.Changes, filters)}
                items={d.freezes.items.map((f) => ({
                  key: f.id,
                  text: f.name,
                  meta: f.endsAt ? `until ${fmtTime(f.endsAt)}` : 'scheduled',
                }))}
              />
              <ReportBlock
                title="Overdue actions"
                count={d.actions.total}
                href={pageUrl(ROUTES.Actions, filters)}
                items={d.actions.items.map((a) => ({
                  key: a.id,
                  text: `${a.title} · ${a.owner}`,
                  meta: `due ${fmtTime(a.dueAt)}`,
                }))}
              />
              <ReportBlock
                title="Overdue findings"
                count={d.findings.total}
                href={pageUrl(ROUTES.Actions, filters)}
                items={d.findings.items.map((f) => ({
                  key: f.id,
                  text: `${f.check} · ${f.service ?? f.team ?? ''}`,
                  meta: `due ${fmtTime(f.dueAt)}`,
                }))}
              />
              <Loadable state={scorecard} what="key warnings" isEmpty={() => false}>
                {(sc) => {
                  const w = warnings(sc);
                  return (
                    <ReportBlock
                      title="Key warnings (goals missed)"
                      count={w.length}
                      href={pageUrl(ROUTES.Committee, filters)}
                      items={w.map((x, i) => ({ key: String(i), text: `${x.scope}: ${x.kpi}`, meta: x.text }))}
                    />
                  );
                }}
              </Loadable>
            </div>
          )}
        </Loadable>
      </Section>
      <Section
        title={`Scorecard (${window})`}
        testId="org-scorecard"
        actions={
          isAdmin() && (
            <Button size="sm" variant="secondary" icon="pen" onClick={() => setEditingGoals(true)}>
              Edit goals
            </Button>
          )
        }
      >
        <Loadable state={scorecard} what="the scorecard" isEmpty={(sc) => sc.scopes.length === 0}>
          {(sc) => <ScorecardTable kpis={sc.kpis} scopes={scopes(sc)} />}
        </Loadable>
        {editingGoals && (
          <GoalsEditor
            onClose={() => setEditingGoals(false)}
            onSaved={() => {
              setEditingGoals(false);
              scorecard.reload();
            }}
          />
        )}
      </Section>
    </div>
  );
}

function ReportBlock({
  title,
  count,
  href,
  items,
}: {
  title: string;
  count: number;
  href: string;
  items: Array<{ key: string; text: string; meta: string; href?: string }>;
}) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.block} data-testid="report-block">
      <div className={styles.blockHead}>
        <TextLink href={href} inline={false}>
          {title}
        </TextLink>
        <Badge color={count > 0 ? 'orange' : 'green'} text={String(count)} />
      </div>
      {items.length === 0 ? (
        <div className={styles.none}>None</div>
      ) : (
        <ul className={styles.list}>
          {items.slice(0, 5).map((i) => (
            <li key={i.key}>
              {i.href ? <TextLink href={i.href}>{i.text}</TextLink> : i.text}{' '}
              <span className={styles.none}>{i.meta}</span>
            </li>
          ))}
          {items.length > 5 && <li className={styles.none}>and {count - 5} more</li>}
        </ul>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(340px, 1fr))', gap: theme.spacing(2) }),
  block: css({
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1.5),
  }),
  blockHead: css({
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    marginBottom: theme.spacing(1),
  }),
  list: css({ margin: 0, paddingLeft: theme.spacing(2), fontSize: theme.typography.bodySmall.fontSize }),
  none: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
