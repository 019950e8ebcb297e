import React, { useState } from 'react';
import { css, cx } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import {
  Alert,
  Badge,
  Button,
  ConfirmButton,
  InlineField,
  RadioButtonGroup,
  Stack,
  Tooltip,
  useStyles2,
} from '@grafana/ui';
import { ExemptionEditor } from './ExemptionEditor';
import { HistoryButton } from '../components/RecordHistory';
import type { ChangesBySystemResponse, ChangeSystemStats } from '@ballast/contract';
import { api, ApiError } from '../api/client';
import { useAsync } from '../api/useAsync';
import { FiltersBar } from '../components/FiltersBar';
import { fmtKpi, fmtTime } from '../components/format';
import { Loadable } from '../components/Loadable';
import { nameOf, useOrg } from '../components/OrgContext';
import { canEdit, isAdmin } from '../components/roles';
import { Section } from '../components/Section';
import { Table } from '../components/Table';
import { Filters, filtersKey, listParams, setQuery } from '../components/urlState';
import { Change, Freeze, FreezeOccurrence, GateAnswer } from '../types';
import { FreezeEditor, freezeInput } from './FreezeEditor';
import { monthGrid, monthOf, nextDay, onDay, openAt, shiftMonth } from './calendar';

type Control = 'all' | 'controlled' | 'uncontrolled' | 'violations';
const CONTROL_OPTIONS: Array<{ label: string; value: Control }> = [
  { label: 'All', value: 'all' },
  { label: 'Controlled', value: 'controlled' },
  { label: 'Uncontrolled', value: 'uncontrolled' },
  { label: 'Violations', value: 'violations' },
];

/** Change control: per-system coverage and integration, the freeze calendar (editable by Editors), the gate, and the changes with their control. */
export function ChangesPage({ filters, query = {} }: { filters: Filters; query?: Record<string, string> }) {
  const org = useOrg();
  const control = (CONTROL_OPTIONS.find((o) => o.value === query.control)?.value ?? 'all') as Control;
  const freezes = useAsync(() => api.list<Freeze>('/freezes', {}, 1000), []);
  // Control and freeze violations are the exporter's answers (`controlled`, `violatedFreezes`), filtered server-side.
  const controlled = control === 'controlled' ? true : control === 'uncontrolled' ? false : undefined;
  const violation = control === 'violations' ? true : undefined;
  const changes = useAsync(
    () => api.list<Change>('/changes', { ...listParams(filters), controlled, violation }, 5000),
    [filtersKey(filters), control]
  );
  const editable = canEdit();
  // The exporter decides (an Editor's exemption is refused unless the org allows it); the button follows it.
  const mayExempt = isAdmin() || (editable && Boolean(org.changeControl?.grafanaEditorsGrantExemptions));
  const [exempting, setExempting] = useState<Change>();

  return (
    <div data-testid="page-changes">
      <FiltersBar filters={filters}>
        <InlineField label="Control">
          <RadioButtonGroup
            options={CONTROL_OPTIONS}
            value={control}
            onChange={(v) => setQuery({ control: v === 'all' ? undefined : v }, false)}
          />
        </InlineField>
      </FiltersBar>
      <FreezeCalendar filters={filters} month={query.month} state={freezes} />
      <GateSection filters={filters} />
      <SystemsSection filters={filters} />
      <Section title="Changes" testId="changes-section">
        <Loadable state={changes} what="changes" isEmpty={(d) => d.items.length === 0}>
          {(d) => {
            const names = new Map((freezes.data?.items ?? []).map((f) => [f.id, f.name]));
            const rows = d.items.map((c) => ({
              ...c,
              violation: (c.violatedFreezes ?? []).map((id) => names.get(id) ?? id),
            }));
            return (
              <Table<Change & { violation: string[] }>
                testId="changes-table"
                rows={rows}
                cols={[
                  { id: 'title', header: 'Change', cell: (c) => c.title ?? c.id },
                  { id: 'system', header: 'System', cell: (c) => nameOf(org.changeSystems, c.system) },
                  { id: 'kind', header: 'Kind', cell: (c) => c.kind },
                  {
                    id: 'service',
                    header: 'Service / team',
                    cell: (c) => (c.service ? nameOf(org.services, c.service) : nameOf(org.teams, c.team)),
                  },
                  { id: 'startedAt', header: 'Started', sortable: true, cell: (c) => fmtTime(c.startedAt) },
                  {
                    id: 'controlled',
                    header: 'Control',
                    cell: (c) => (
                      <Stack gap={0.5} wrap="wrap">
                        <Tooltip content={c.controlReason || (c.controlled ? 'controlled' : 'uncontrolled')}>
                          <span data-testid="control-badge">
                            {c.controlled ? (
                              <Badge color="green" text="controlled" />
                            ) : (
                              <Badge color="orange" text="uncontrolled" />
                            )}
                          </span>
                        </Tooltip>
                        {c.controlledClaim === true && !c.controlled && (
                          <Badge color="darkgrey" text="claimed controlled (not counted)" />
                        )}
                        {c.violation.length > 0 && (
                          <Badge color="red" text={`in freeze ${c.violation.join(', ')}`} icon="lock" />
                        )}
                        {c.exemption && (
                          <Tooltip
                            content={`${c.exemption}${c.exemptionBy ? ` (granted by ${c.exemptionBy}${c.exemptionAt ? `, ${fmtTime(c.exemptionAt)}` : ''})` : ''}`}
                          >
                            <span>
                              <Badge color="blue" text="exempt" />
                            </span>
                          </Tooltip>
                        )}
                      </Stack>
                    ),
                  },
                  { id: 'result', header: 'Result', cell: (c) => c.result ?? '–' },
                  {
                    id: 'actions',
                    header: '',
                    cell: (c) => (
                      <Stack gap={0.5}>
                        {mayExempt && c.violation.length > 0 && !c.exemption && (
                          <Button size="sm" variant="secondary" icon="unlock" onClick={() => setExempting(c)}>
                            Grant exemption
                          </Button>
                        )}
                        <HistoryButton collection="changes" id={c.id} title={c.title ?? c.id} />
                      </Stack>
                    ),
                  },
                ]}
              />
            );
          }}
        </Loadable>
        {exempting && (
          <ExemptionEditor
            change={exempting}
            onClose={() => setExempting(undefined)}
            onSaved={() => {
              setExempting(undefined);
              changes.reload();
            }}
          />
        )}
      </Section>
    </div>
  );
}

/**
 * Per change system: control coverage, failures and freeze violations of the changes in range, as
 * the change-control KPIs count them (the exporter's `/changes-by-system`), and gate integration.
 */
function SystemsSection({ filters }: { filters: Filters }) {
  const state = useAsync(
    () => api.get<ChangesBySystemResponse>('/changes-by-system', listParams(filters)),
    [filtersKey(filters)]
  );
  return (
    <Section title="Change systems" testId="systems-section">
      <Loadable
        state={state}
        what="change systems"
        isEmpty={(d) => d.items.length === 0}
        empty="The org config lists no change system."
      >
        {(d) => (
          <div data-testid="systems-table">
            <Table<ChangeSystemStats & { id?: string }>
              rows={d.items}
              rowId={(s) => s.system}
              cols={[
                { id: 'name', header: 'Change system', cell: (s) => s.name },
                {
                  id: 'integrated',
                  header: 'Integrated with the gate',
                  cell: (s) =>
                    s.integrated === null ? (
                      <Badge color="darkgrey" text="not in the org config" />
                    ) : s.integrated ? (
                      <Badge color="green" text="integrated" />
                    ) : (
                      <Badge color="orange" text="not integrated" />
                    ),
                },
                { id: 'changes', header: 'Changes', cell: (s) => String(s.changes) },
                {
                  id: 'coverage',
                  header: 'Controlled',
                  cell: (s) => (s.changes ? `${fmtKpi(s.coverage, 'ratio')} (${s.controlled} / ${s.changes})` : '–'),
                },
                {
                  id: 'failed',
                  header: 'Failed',
                  cell: (s) =>
                    s.withResult ? `${fmtKpi(s.failureRatio, 'ratio')} (${s.failed} / ${s.withResult})` : '–',
                },
                {
                  id: 'violations',
                  header: 'Freeze violations',
                  cell: (s) =>
                    s.freezeViolations ? <Badge color="red" icon="lock" text={String(s.freezeViolations)} /> : '0',
                },
              ]}
            />
            <p data-testid="systems-integration">
              {d.integration.integrated} of {d.integration.total} change systems integrated with the gate (
              {fmtKpi(d.integration.ratio, 'ratio')}).
            </p>
          </div>
        )}
      </Loadable>
    </Section>
  );
}

function FreezeCalendar({
  filters,
  month: monthParam,
  state,
}: {
  filters: Filters;
  month?: string;
  state: ReturnType<typeof useAsync<{ items: Freeze[]; total: number }>>;
}) {
  const styles = useStyles2(getStyles);
  const org = useOrg();
  const editable = canEdit();
  const month = monthParam && /^\d{4}-\d{2}$/.test(monthParam) ? monthParam : monthOf(new Date());
  const [editing, setEditing] = useState<Freeze | 'new' | undefined>();
  const [error, setError] = useState<string>();
  // When the windows are open (recurring ones expanded in their timezone) is the exporter's answer.
  const days = monthGrid(month);
  const from = days[0].toISOString();
  const to = nextDay(days[days.length - 1]).toISOString();
  const open = useAsync(async () => {
    const [occurrences, active] = await Promise.all([
      api.get<{ items: FreezeOccurrence[]; truncated: boolean }>('/freeze-occurrences', {
        ...listParams(filters, false),
        from,
        to,
      }),
      api.list<Freeze>('/freezes', { active: true }, 1000),
    ]);
    return { ...occurrences, active: new Set(active.items.map((f) => f.id)) };
  }, [filtersKey(filters), from, to]);
  const reload = () => {
    state.reload();
    open.reload();
  };

  const end = async (f: Freeze) => {
    setError(undefined);
    try {
      const now = new Date().toISOString();
      await api.put(`/freezes/${encodeURIComponent(f.id)}`, freezeInput({ ...f, endsAt: now }));
      reload();
    } catch (e) {
      setError(`${f.name}: ${(e as ApiError).message}`);
    }
  };
  const remove = async (f: Freeze) => {
    setError(undefined);
    try {
      await api.delete(`/freezes/${encodeURIComponent(f.id)}`);
      reload();
    } catch (e) {
      setError(`${f.name}: ${(e as ApiError).message}`);
    }
  };

  return (
    <Section
      title="Freeze windows"
      testId="freeze-calendar"
      actions={
        <Stack gap={1} alignItems="center">
          <Button
            size="sm"
            variant="secondary"
            icon="angle-left"
            aria-label="Previous month"
            onClick={() => setQuery({ month: shiftMonth(month, -1) }, false)}
          />
          <span data-testid="calendar-month">{month}</span>
          <Button
            size="sm"
            variant="secondary"
            icon="angle-right"
            aria-label="Next month"
            onClick={() => setQuery({ month: shiftMonth(month, 1) }, false)}
          />
          {editable ? (
            <Button size="sm" icon="plus" onClick={() => setEditing('new')}>
              New freeze
            </Button>
          ) : (
            <Badge color="darkgrey" text="read-only (Editor role needed to change freezes)" icon="lock" />
          )}
        </Stack>
      }
    >
      {error && (
        <Alert
          severity="error"
          title="The exporter refused the change"
          onRemove={() => setError(undefined)}
          data-testid="freeze-write-error"
        >
          {error}
        </Alert>
      )}
      <Loadable state={state} what="freeze windows">
        {(d) => (
          <Loadable state={open} what="freeze windows">
            {(o) => {
              const shown = new Set(o.items.map((x) => x.freeze));
              const listed = d.items.filter((f) => shown.has(f.id));
              const isActive = (f: Freeze) => o.active.has(f.id);
              return (
                <>
                  <div className={styles.grid} role="grid" aria-label={`Freeze calendar ${month}`}>
                    {['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((w) => (
                      <div key={w} className={styles.weekday}>
                        {w}
                      </div>
                    ))}
                    {days.map((day) => {
                      const on = o.items.filter((x) => onDay(x, day));
                      return (
                        <div
                          key={day.toISOString()}
                          className={cx(styles.day, monthOf(day) !== month && styles.outside)}
                          data-day={day.getDate()}
                        >
                          <div className={styles.dayNum}>{day.getDate()}</div>
                          {on.map((x) => (
                            <div
                              key={`${x.freeze}@${x.startsAt}`}
                              className={cx(styles.freeze, openAt(x) && styles.active)}
                              title={`${x.name}: ${x.reason} (${fmtTime(x.startsAt)} → ${fmtTime(x.endsAt)})`}
                              data-testid="freeze-occurrence"
                            >
                              {x.name}
                            </div>
                          ))}
                        </div>
                      );
                    })}
                  </div>
                  {o.truncated && (
                    <Alert severity="warning" title="Too many freeze windows">
                      The exporter answered its first 5,000 occurrences of this month only.
                    </Alert>
                  )}
                  {listed.length === 0 ? (
                    <p className={styles.muted}>No freeze window in this month for the filtered scope.</p>
                  ) : (
                    <Table<Freeze>
                      testId="freezes-table"
                      rows={listed}
                      cols={[
                        {
                          id: 'name',
                          header: 'Freeze',
                          cell: (f) => (
                            <>
                              {f.name} {isActive(f) && <Badge color="red" text="in force" />}
                            </>
                          ),
                        },
                        { id: 'reason', header: 'Reason', cell: (f) => f.reason },
                        {
                          id: 'scope',
                          header: 'Scope',
                          cell: (f) =>
                            f.scope.service
                              ? nameOf(org.services, f.scope.service)
                              : f.scope.team
                                ? nameOf(org.teams, f.scope.team)
                                : f.scope.businessLine
                                  ? nameOf(org.businessLines, f.scope.businessLine)
                                  : 'whole org',
                        },
                        {
                          id: 'window',
                          header: 'Window',
                          cell: (f) =>
                            f.schedule
                              ? `${f.schedule.cron} · ${f.schedule.durationMinutes} min (${f.schedule.timezone})`
                              : `${fmtTime(f.startsAt)} → ${fmtTime(f.endsAt)}`,
                        },
                        {
                          id: 'announcedAt',
                          header: 'Announced',
                          cell: (f) => fmtTime(f.announcedAt),
                        },
                        {
                          id: 'history',
                          header: '',
                          cell: (f) => <HistoryButton collection="freezes" id={f.id} title={f.name} />,
                        },
                        {
                          id: 'actions',
                          header: '',
                          cell: (f) =>
                            editable ? (
                              <Stack gap={1}>
                                <Button size="sm" variant="secondary" icon="pen" onClick={() => setEditing(f)}>
                                  Edit
                                </Button>
                                {isActive(f) && !f.schedule && (
                                  <ConfirmButton size="sm" confirmText="End now" onConfirm={() => end(f)}>
                                    End
                                  </ConfirmButton>
                                )}
                                <ConfirmButton
                                  size="sm"
                                  confirmText="Delete"
                                  confirmVariant="destructive"
                                  onConfirm={() => remove(f)}
                                >
                                  Delete
                                </ConfirmButton>
                              </Stack>
                            ) : null,
                        },
                      ]}
                    />
                  )}
                </>
              );
            }}
          </Loadable>
        )}
      </Loadable>
      {editing && (
        <FreezeEditor
          freeze={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            reload();
          }}
        />
      )}
    </Section>
  );
}

/** The gate's current answer for each service in the filtered scope (at most 40 asked). */
function GateSection({ filters }: { filters: Filters }) {
  const org = useOrg();
  const teams = new Set(
    org.teams.filter((t) => !filters.businessLine || t.businessLine === filters.businessLine).map((t) => t.id)
  );
  const services = org.services
    .filter((s) =>
      filters.service ? s.id === filters.service : filters.team ? s.team === filters.team : teams.has(s.team)
    )
    .slice(0, 40);
  const key = services.map((s) => s.id).join(',');
  const state = useAsync(async () => {
    const out: Array<{ id: string; name: string; answer: GateAnswer }> = [];
    for (let i = 0; i < services.length; i += 6) {
      const batch = services.slice(i, i + 6);
      out.push(
        ...(await Promise.all(batch.map(async (s) => ({ id: s.id, name: s.name, answer: await api.gate(s.id) }))))
      );
    }
    return out;
  }, [key]);
  return (
    <Section title="Change gate, now" testId="gate-section">
      <Loadable
        state={state}
        what="the gate's answers"
        isEmpty={(d) => d.length === 0}
        empty="No service in the filtered scope."
      >
        {(d) => (
          <Stack gap={1} wrap="wrap">
            {d.map((g) => (
              <Tooltip
                key={g.id}
                content={
                  g.answer.allowed
                    ? `Changes allowed (check ${g.answer.checkId})`
                    : `Frozen by ${(g.answer.freezes ?? []).map((f) => f.name).join(', ')}`
                }
              >
                <span data-testid="gate-answer" data-allowed={g.answer.allowed}>
                  <Badge
                    color={g.answer.allowed ? 'green' : 'red'}
                    icon={g.answer.allowed ? 'unlock' : 'lock'}
                    text={g.name}
                  />
                </span>
              </Tooltip>
            ))}
          </Stack>
        )}
      </Loadable>
    </Section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(7, minmax(0, 1fr))',
    gap: 1,
    marginBottom: theme.spacing(2),
    background: theme.colors.border.weak,
    border: `1px solid ${theme.colors.border.weak}`,
  }),
  weekday: css({
    background: theme.colors.background.secondary,
    padding: theme.spacing(0.5),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  day: css({
    background: theme.colors.background.primary,
    minHeight: 64,
    padding: theme.spacing(0.5),
    overflow: 'hidden',
  }),
  outside: css({ opacity: 0.45 }),
  dayNum: css({ fontSize: theme.typography.bodySmall.fontSize, color: theme.colors.text.secondary }),
  freeze: css({
    fontSize: theme.typography.bodySmall.fontSize,
    background: theme.colors.info.transparent,
    borderLeft: `3px solid ${theme.colors.info.border}`,
    padding: theme.spacing(0, 0.5),
    marginTop: 2,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  active: css({ background: theme.colors.error.transparent, borderLeftColor: theme.colors.error.border }),
  muted: css({ color: theme.colors.text.secondary }),
});
