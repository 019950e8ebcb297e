import React, { useState } from 'react';
import { Alert as Notice, Badge, Button, Stack } from '@grafana/ui';
import { api, ApiError, recordInput } from '../api/client';
import { useAsync } from '../api/useAsync';
import { FiltersBar } from '../components/FiltersBar';
import { fmtKpi, fmtTime } from '../components/format';
import { Loadable } from '../components/Loadable';
import { nameOf, useOrg } from '../components/OrgContext';
import { canEdit } from '../components/roles';
import { Section } from '../components/Section';
import { Table } from '../components/Table';
import { Filters, filtersKey, kpiWindowOf, listParams } from '../components/urlState';
import { Alert, KpiValuesResponse } from '../types';

export interface NameStats {
  id: string;
  name: string;
  total: number;
  actionable: number;
  noise: number;
  none: number;
  accuracy: number | null;
}

/** High-severity alerts grouped by name: verdict counts and accuracy (actionable / judged). */
export function byName(alerts: Alert[]): NameStats[] {
  const map = new Map<string, NameStats>();
  for (const a of alerts) {
    const s = map.get(a.name) ?? { id: a.name, name: a.name, total: 0, actionable: 0, noise: 0, none: 0, accuracy: null };
    s.total++;
    if (a.verdict === 'actionable') {
      s.actionable++;
    } else if (a.verdict === 'noise') {
      s.noise++;
    } else {
      s.none++;
    }
    map.set(a.name, s);
  }
  return [...map.values()]
    .map((s) => ({ ...s, accuracy: s.actionable + s.noise ? s.actionable / (s.actionable + s.noise) : null }))
    .sort((a, b) => b.total - a.total);
}

/** Alert governance: accuracy by team and by alert name, the noisiest names and the verdict review queue. */
export function AlertsPage({ filters }: { filters: Filters; query?: Record<string, string> }) {
  const org = useOrg();
  const window = kpiWindowOf(filters);
  const key = filtersKey(filters);
  const accuracy = useAsync(
    () => api.get<KpiValuesResponse>('/kpis', { kpi: 'alert_accuracy_ratio', level: 'team', window, businessLine: filters.businessLine, team: filters.team }),
    [window, filters.businessLine, filters.team]
  );
  const alerts = useAsync(() => api.list<Alert>('/alerts', { ...listParams(filters), highSeverity: true }, 5000), [key]);
  const queue = useAsync(() => api.list<Alert>('/alerts', { ...listParams(filters), highSeverity: true, verdict: 'none' }, 200), [key]);

  return (
    <div data-testid="page-alerts">
      <FiltersBar filters={filters} />
      <ReviewQueue state={queue} />
      <Section title={`Accuracy by team (${window})`} testId="accuracy-by-team">
        <Loadable state={accuracy} what="alert accuracy" isEmpty={(d) => d.values.length === 0}>
          {(d) => (
            <Table
              rows={[...d.values].sort((a, b) => (a.value ?? 2) - (b.value ?? 2)).map((v) => ({ ...v, id: v.team ?? '' }))}
              cols={[
                { id: 'team', header: 'Team', cell: (v) => nameOf(org.teams, v.team) },
                { id: 'value', header: 'Accuracy', cell: (v) => fmtKpi(v.value, 'ratio') },
                { id: 'judged', header: 'Actionable / judged', cell: (v) => (v.denominator ? `${v.numerator} / ${v.denominator}` : '–') },
              ]}
            />
          )}
        </Loadable>
      </Section>
      <Loadable state={alerts} what="high-severity alerts" isEmpty={(d) => d.items.length === 0}>
        {(d) => {
          const stats = byName(d.items);
          const noisiest = [...stats].filter((s) => s.noise > 0).sort((a, b) => b.noise - a.noise || b.total - a.total).slice(0, 10);
          return (
            <>
              <Section title="Noisiest alert names" testId="noisiest">
                {noisiest.length === 0 ? (
                  <p>No alert was judged noise in this range.</p>
                ) : (
                  <Table<NameStats>
                    rows={noisiest}
                    cols={[
                      { id: 'name', header: 'Alert', cell: (s) => s.name },
                      { id: 'noise', header: 'Noise', cell: (s) => String(s.noise) },
                      { id: 'total', header: 'Fired', cell: (s) => String(s.total) },
                      { id: 'accuracy', header: 'Accuracy', cell: (s) => fmtKpi(s.accuracy, 'ratio') },
                    ]}
                  />
                )}
              </Section>
              <Section title={`Accuracy by alert name (${d.total > d.items.length ? `newest ${d.items.length} of ${d.total}` : d.items.length} high-severity alerts)`} testId="by-name">
                <Table<NameStats>
                  rows={stats}
                  cols={[
                    { id: 'name', header: 'Alert', cell: (s) => s.name },
                    { id: 'total', header: 'Fired', cell: (s) => String(s.total) },
                    { id: 'actionable', header: 'Actionable', cell: (s) => String(s.actionable) },
                    { id: 'noise', header: 'Noise', cell: (s) => String(s.noise) },
                    { id: 'none', header: 'No verdict', cell: (s) => String(s.none) },
                    { id: 'accuracy', header: 'Accuracy', cell: (s) => fmtKpi(s.accuracy, 'ratio') },
                  ]}
                />
              </Section>
            </>
          );
        }}
      </Loadable>
    </div>
  );
}

function ReviewQueue({ state }: { state: ReturnType<typeof useAsync<{ items: Alert[]; total: number }>> }) {
  const org = useOrg();
  const editable = canEdit();
  const [done, setDone] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();

  const judge = async (a: Alert, verdict: 'actionable' | 'noise') => {
    setBusy(a.id);
    setError(undefined);
    try {
      await api.put(`/alerts/${encodeURIComponent(a.id)}`, recordInput({ ...a, verdict }));
      setDone((d) => ({ ...d, [a.id]: verdict }));
    } catch (e) {
      setError(`${a.name}: ${(e as ApiError).message}`);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Section
      title="Review queue: high-severity alerts without a verdict"
      testId="review-queue"
      actions={!editable && <Badge color="darkgrey" icon="lock" text="read-only (Editor role needed to give verdicts)" />}
    >
      {error && (
        <Notice severity="error" title="The exporter refused the verdict" onRemove={() => setError(undefined)}>
          {error}
        </Notice>
      )}
      <Loadable state={state} what="the review queue" isEmpty={(d) => d.items.length === 0} empty="Every high-severity alert in range has a verdict.">
        {(d) => (
          <Table<Alert>
            testId="queue-table"
            rows={d.items}
            cols={[
              { id: 'name', header: 'Alert', cell: (a) => a.name },
              { id: 'severity', header: 'Severity', cell: (a) => a.severity },
              { id: 'service', header: 'Service / team', cell: (a) => (a.service ? nameOf(org.services, a.service) : nameOf(org.teams, a.team)) },
              { id: 'startsAt', header: 'Fired', cell: (a) => fmtTime(a.startsAt) },
              { id: 'incident', header: 'Incident', cell: (a) => a.incident ?? '–' },
              {
                id: 'verdict',
                header: 'Verdict',
                cell: (a) =>
                  done[a.id] ? (
                    <Badge color={done[a.id] === 'noise' ? 'orange' : 'green'} text={`marked ${done[a.id]}`} />
                  ) : editable ? (
                    <Stack gap={1}>
                      <Button size="sm" variant="secondary" icon="check" disabled={busy === a.id} onClick={() => judge(a, 'actionable')}>
                        Actionable
                      </Button>
                      <Button size="sm" variant="secondary" icon="times" disabled={busy === a.id} onClick={() => judge(a, 'noise')}>
                        Noise
                      </Button>
                    </Stack>
                  ) : (
                    'none'
                  ),
              },
            ]}
          />
        )}
      </Loadable>
    </Section>
  );
}
