import React, { useState } from 'react';
import { Alert as Notice, Badge, Button, Select, Stack } from '@grafana/ui';
import type { AlertNameStats, AlertsByNameResponse } from '@ballast/contract';
import { api, ApiError, recordInput } from '../api/client';
import { useAsync } from '../api/useAsync';
import { FiltersBar } from '../components/FiltersBar';
import { fmtKpi, fmtTime } from '../components/format';
import { Loadable } from '../components/Loadable';
import { nameOf, ownerOptions, useOrg } from '../components/OrgContext';
import { HistoryButton } from '../components/RecordHistory';
import { canEdit } from '../components/roles';
import { Section } from '../components/Section';
import { Table } from '../components/Table';
import { Filters, filtersKey, kpiWindowOf, listParams } from '../components/urlState';
import { Alert, KpiValuesResponse } from '../types';

/**
 * The exporter's reserved team of alerts whose labels named no known service or team. It is no
 * team of the org: the KPI and by-name APIs refuse it as a scope (400 `unknown team "unassigned"`),
 * only the alert list takes it as a filter. Such alerts are listed apart, for an Editor to assign.
 */
export const UNASSIGNED_TEAM = 'unassigned';

/** Names the by-name table shows; the exporter counts every alert, the table pages its names. */
const NAMES = 1000;

/** "5 (2 inferred)": a count and how much of it the exporter inferred without a human verdict. */
const withInferred = (n: number, inferred: number) => (inferred ? `${n} (${inferred} inferred)` : String(n));

/**
 * Alert governance: accuracy by team (the KPI) and by alert name, the noisiest names, and the
 * verdict review queue. The per-name numbers are the exporter's (`/alerts-by-name`), counted by
 * alert_accuracy_ratio's own rules, so they add up to the team and org values.
 */
export function AlertsPage({ filters }: { filters: Filters; query?: Record<string, string> }) {
  if (filters.team === UNASSIGNED_TEAM) {
    // Not a scope the KPIs know (they count these alerts at org level only): the list of them alone.
    return (
      <div data-testid="page-alerts">
        <FiltersBar filters={filters} />
        <Notice severity="info" title="Alerts no team owns">
          These alerts count at org level only until they are assigned: accuracy by team and by name are shown for the
          org&apos;s teams.
        </Notice>
        <UnassignedAlerts filters={filters} />
      </div>
    );
  }
  return <ScopedAlertsPage filters={filters} />;
}

function ScopedAlertsPage({ filters }: { filters: Filters }) {
  const org = useOrg();
  const window = kpiWindowOf(filters);
  const key = filtersKey(filters);
  const accuracy = useAsync(
    () =>
      api.get<KpiValuesResponse>('/kpis', {
        kpi: 'alert_accuracy_ratio',
        level: 'team',
        window,
        businessLine: filters.businessLine,
        team: filters.team,
      }),
    [window, filters.businessLine, filters.team]
  );
  const names = useAsync(
    () => api.get<AlertsByNameResponse>('/alerts-by-name', { ...listParams(filters), limit: NAMES }),
    [key]
  );
  const noisiest = useAsync(
    () => api.get<AlertsByNameResponse>('/alerts-by-name', { ...listParams(filters), sort: 'noise', limit: 10 }),
    [key]
  );
  const queue = useAsync(
    () => api.list<Alert>('/alerts', { ...listParams(filters), highSeverity: true, verdict: 'none' }, 200),
    [key]
  );

  return (
    <div data-testid="page-alerts">
      <FiltersBar filters={filters} />
      <ReviewQueue state={queue} />
      {/* no team owns them, so they belong to no business line either: shown for the whole org */}
      {!filters.businessLine && !filters.team && !filters.service && <UnassignedAlerts filters={filters} />}
      <Section title={`Accuracy by team (${window})`} testId="accuracy-by-team">
        <Loadable state={accuracy} what="alert accuracy" isEmpty={(d) => d.values.length === 0}>
          {(d) => (
            <Table
              rows={[...d.values]
                .sort((a, b) => (a.value ?? 2) - (b.value ?? 2))
                .map((v) => ({ ...v, id: v.team ?? '' }))}
              cols={[
                { id: 'team', header: 'Team', cell: (v) => nameOf(org.teams, v.team) },
                { id: 'value', header: 'Accuracy', cell: (v) => fmtKpi(v.value, 'ratio') },
                {
                  id: 'judged',
                  header: 'Actionable / judged',
                  cell: (v) => (v.denominator ? `${v.numerator} / ${v.denominator}` : '–'),
                },
              ]}
            />
          )}
        </Loadable>
      </Section>
      <Section title="Noisiest alert names" testId="noisiest">
        <Loadable
          state={noisiest}
          what="the noisiest alert names"
          isEmpty={(d) => d.items.length === 0}
          empty="No high-severity alert fired in this range."
        >
          {(d) => {
            const noisy = d.items.filter((s) => s.noise > 0);
            return noisy.length === 0 ? (
              <p>No alert was judged noise in this range.</p>
            ) : (
              <Table<AlertNameStats & { id?: string }>
                rows={noisy}
                rowId={(s) => s.name}
                cols={[
                  { id: 'name', header: 'Alert', cell: (s) => s.name },
                  { id: 'noise', header: 'Noise', cell: (s) => withInferred(s.noise, s.inferredNoise) },
                  { id: 'alerts', header: 'Fired', cell: (s) => String(s.alerts) },
                  { id: 'accuracy', header: 'Accuracy', cell: (s) => fmtKpi(s.accuracy, 'ratio') },
                ]}
              />
            );
          }}
        </Loadable>
      </Section>
      <Loadable state={names} what="high-severity alerts" isEmpty={(d) => d.items.length === 0}>
        {(d) => (
          <Section
            title={`Accuracy by alert name (${d.total > d.items.length ? `the ${d.items.length} most fired of ${d.total} names` : `${d.total} names`})`}
            testId="by-name"
          >
            <Table<AlertNameStats & { id?: string }>
              rows={d.items}
              rowId={(s) => s.name}
              cols={[
                { id: 'name', header: 'Alert', cell: (s) => s.name },
                { id: 'alerts', header: 'Fired', cell: (s) => String(s.alerts) },
                {
                  id: 'actionable',
                  header: 'Actionable',
                  cell: (s) => withInferred(s.actionable, s.inferredActionable),
                },
                { id: 'noise', header: 'Noise', cell: (s) => withInferred(s.noise, s.inferredNoise) },
                { id: 'unreviewed', header: 'Unreviewed', cell: (s) => String(s.unreviewed) },
                { id: 'accuracy', header: 'Accuracy', cell: (s) => fmtKpi(s.accuracy, 'ratio') },
              ]}
            />
          </Section>
        )}
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
      actions={
        !editable && <Badge color="darkgrey" icon="lock" text="read-only (Editor role needed to give verdicts)" />
      }
    >
      {error && (
        <Notice severity="error" title="The exporter refused the verdict" onRemove={() => setError(undefined)}>
          {error}
        </Notice>
      )}
      <Loadable
        state={state}
        what="the review queue"
        isEmpty={(d) => d.items.length === 0}
        empty="Every high-severity alert in range has a verdict."
      >
        {(d) => (
          <Table<Alert>
            testId="queue-table"
            rows={d.items}
            cols={[
              { id: 'name', header: 'Alert', cell: (a) => a.name },
              { id: 'severity', header: 'Severity', cell: (a) => a.severity },
              {
                id: 'service',
                header: 'Service / team',
                cell: (a) => (a.service ? nameOf(org.services, a.service) : nameOf(org.teams, a.team)),
              },
              { id: 'startsAt', header: 'Fired', cell: (a) => fmtTime(a.startsAt) },
              { id: 'incident', header: 'Incident', cell: (a) => a.incident ?? '–' },
              {
                id: 'history',
                header: '',
                cell: (a) => <HistoryButton collection="alerts" id={a.id} title={a.name} />,
              },
              {
                id: 'verdict',
                header: 'Verdict',
                cell: (a) =>
                  done[a.id] ? (
                    <Badge color={done[a.id] === 'noise' ? 'orange' : 'green'} text={`marked ${done[a.id]}`} />
                  ) : editable ? (
                    <Stack gap={1}>
                      <Button
                        size="sm"
                        variant="secondary"
                        icon="check"
                        disabled={busy === a.id}
                        onClick={() => judge(a, 'actionable')}
                      >
                        Actionable
                      </Button>
                      <Button
                        size="sm"
                        variant="secondary"
                        icon="times"
                        disabled={busy === a.id}
                        onClick={() => judge(a, 'noise')}
                      >
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

/**
 * Alerts kept under the reserved `unassigned` team in the range, for an Editor to assign to a
 * service or team: the whole record back (`PUT /api/v1/alerts/{id}`) with the new owner; the
 * exporter records who assigned it, and later notifications of the alert keep that owner.
 */
function UnassignedAlerts({ filters }: { filters: Filters }) {
  const org = useOrg();
  const editable = canEdit();
  const { from, to } = listParams(filters);
  const state = useAsync(
    () => api.list<Alert>('/alerts', { team: UNASSIGNED_TEAM, from, to }, 500),
    [filters.from, filters.to]
  );
  const [owner, setOwner] = useState<Record<string, string>>({});
  const [assigned, setAssigned] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const options = ownerOptions(org);

  const assign = async (a: Alert) => {
    const [kind, id] = (owner[a.id] ?? '').split(/:(.*)/s);
    setBusy(a.id);
    setError(undefined);
    try {
      const next = kind === 'service' ? { ...a, service: id, team: null } : { ...a, service: null, team: id };
      await api.put(`/alerts/${encodeURIComponent(a.id)}`, recordInput(next));
      setAssigned((d) => ({ ...d, [a.id]: options.find((o) => o.value === owner[a.id])?.label ?? id! }));
    } catch (e) {
      setError(`${a.name}: ${(e as ApiError).message}`);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Section title="Unassigned alerts" testId="unassigned-alerts">
      {error && (
        <Notice severity="error" title="The exporter refused the assignment" onRemove={() => setError(undefined)}>
          {error}
        </Notice>
      )}
      <Loadable
        state={state}
        what="unassigned alerts"
        isEmpty={(d) => d.items.length === 0}
        empty="Every alert in range names a known service or team."
      >
        {(d) => (
          <Table<Alert>
            testId="unassigned-table"
            rows={d.items}
            cols={[
              { id: 'name', header: 'Alert', cell: (a) => a.name },
              { id: 'severity', header: 'Severity', cell: (a) => a.severity },
              { id: 'startsAt', header: 'Fired', cell: (a) => fmtTime(a.startsAt) },
              {
                id: 'assign',
                header: 'Owner',
                cell: (a) =>
                  assigned[a.id] ? (
                    <Badge color="green" text={`assigned to ${assigned[a.id]}`} />
                  ) : editable ? (
                    <Stack gap={1}>
                      <Select
                        aria-label={`Owner of ${a.name}`}
                        width={30}
                        options={options}
                        value={owner[a.id] ?? null}
                        onChange={(v) => setOwner((o) => ({ ...o, [a.id]: v.value! }))}
                      />
                      <Button
                        size="sm"
                        variant="secondary"
                        disabled={!owner[a.id] || busy === a.id}
                        onClick={() => assign(a)}
                      >
                        Assign
                      </Button>
                    </Stack>
                  ) : (
                    'unassigned'
                  ),
              },
            ]}
          />
        )}
      </Loadable>
    </Section>
  );
}
