import React, { useState } from 'react';
import { css, cx } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Badge, Button, Icon, LinkButton, Stack, TextLink, Tooltip, useStyles2 } from '@grafana/ui';
import { api } from '../api/client';
import { useAsync } from '../api/useAsync';
import { INCIDENT_STEPS, ROUTES } from '../constants';
import { fmtDuration, fmtTime, isOverdue, secondsBetween } from '../components/format';
import { pageUrl } from '../components/links';
import { Loadable } from '../components/Loadable';
import { nameOf, useOrg } from '../components/OrgContext';
import { RecordHistory } from '../components/RecordHistory';
import { canEdit } from '../components/roles';
import { Section } from '../components/Section';
import { Table } from '../components/Table';
import { Filters } from '../components/urlState';
import { Action, Alert, Change, Incident, IncidentStepRecord } from '../types';
import { outOfOrderOf, StepEditor } from './StepEditor';

export const STEP_TITLES: Record<string, string> = {
  response: 'Response',
  judgment: 'Judgment',
  notification: 'Notification',
  war_room: 'War room',
  escalation: 'Escalation',
  resolution: 'Resolution',
  verification: 'Verification',
  postmortem: 'Post-mortem',
};

/** The tools incidents come from (their receivers' `source`), by display name; others show as sent. */
export const SOURCE_NAMES: Record<string, string> = {
  pagerduty: 'PagerDuty',
  opsgenie: 'Opsgenie',
  'grafana-oncall': 'Grafana OnCall',
  'grafana-incident': 'Grafana Incident',
  'incident.io': 'incident.io',
  jira: 'Jira',
};

/**
 * A URL from a record as a link target, or undefined: only http(s). A record's URL is data from a
 * tool or a person, and a `javascript:` one must never become a link in Grafana's origin.
 */
export function safeHref(url: string | null | undefined): string | undefined {
  if (!url) {
    return undefined;
  }
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** Where the incident came from, linked back to it in its tool when the record has an http(s) URL. */
export function IncidentSource({ incident }: { incident: Incident }) {
  if (!incident.source) {
    return <>entered in Ballast</>;
  }
  const name = SOURCE_NAMES[incident.source] ?? incident.source;
  const href = safeHref(incident.sourceUrl);
  return href ? (
    <TextLink href={href} external>
      {name}
    </TextLink>
  ) : (
    <>{name}</>
  );
}

/** Suspect changes are those of the incident's service (or team) in this window before it started. */
export const SUSPECT_WINDOW_MS = 24 * 3600 * 1000;

export interface TimelineRow {
  step: string;
  record?: IncidentStepRecord;
  /** Seconds from the previous recorded step (the detection for the first). */
  took: number | null;
}

/** The incident process in its order: each step's first record, owner and the time since the step before. */
export function timeline(incident: Incident): TimelineRow[] {
  let previous = incident.detectedAt ?? incident.startedAt;
  return INCIDENT_STEPS.map((step) => {
    const record = (incident.steps ?? []).find((s) => s.step === step);
    if (!record) {
      return { step, took: null };
    }
    const took = secondsBetween(previous, record.at);
    previous = record.at;
    return { step, record, took };
  });
}

interface Detail {
  incident: Incident;
  alerts: Alert[];
  actions: Action[];
  changes: Change[];
}

export function IncidentDetailPage({ id, filters }: { id: string; filters: Filters }) {
  const styles = useStyles2(getStyles);
  const org = useOrg();
  const editable = canEdit();
  const [recording, setRecording] = useState(false);
  // Bumped after a write, so the history below reloads with it.
  const [written, setWritten] = useState(0);
  const state = useAsync<Detail>(async () => {
    const incident = await api.get<Incident>(`/incidents/${encodeURIComponent(id)}`);
    const start = Date.parse(incident.startedAt);
    const scope = incident.service ? { service: incident.service } : { team: incident.team ?? undefined };
    const [alerts, actions, changes] = await Promise.all([
      api.list<Alert>('/alerts', { incident: id }, 500),
      api.list<Action>('/actions', { incident: id }, 500),
      api.list<Change>(
        '/changes',
        { ...scope, from: new Date(start - SUSPECT_WINDOW_MS).toISOString(), to: incident.startedAt },
        200
      ),
    ]);
    let suspects = changes.items;
    if (incident.causedByChange && !suspects.some((c) => c.id === incident.causedByChange)) {
      try {
        suspects = [await api.get<Change>(`/changes/${encodeURIComponent(incident.causedByChange)}`), ...suspects];
      } catch {
        // the named change is not stored: the list shows what there is
      }
    }
    return { incident, alerts: alerts.items, actions: actions.items, changes: suspects };
  }, [id]);

  return (
    <div data-testid="page-incident-detail">
      <Stack gap={1}>
        <LinkButton
          href={pageUrl(ROUTES.Incidents, filters)}
          icon="arrow-left"
          variant="secondary"
          size="sm"
          fill="text"
        >
          Incidents
        </LinkButton>
      </Stack>
      <Loadable state={state} what={`incident ${id}`}>
        {({ incident, alerts, actions, changes }) => (
          <>
            <Section
              title={
                <>
                  <Badge color="red" text={incident.priority} /> {incident.title}
                </>
              }
              actions={
                safeHref(incident.postmortemUrl) ? (
                  <LinkButton
                    href={safeHref(incident.postmortemUrl)}
                    target="_blank"
                    icon="external-link-alt"
                    variant="secondary"
                    size="sm"
                  >
                    Post-mortem
                  </LinkButton>
                ) : (
                  <Badge
                    color="orange"
                    text={incident.postmortemUrl ? 'post-mortem link is not http(s)' : 'no post-mortem link'}
                  />
                )
              }
            >
              <div className={styles.facts}>
                <span>Service: {incident.service ? nameOf(org.services, incident.service) : '–'}</span>
                <span>Team: {nameOf(org.teams, incident.team)}</span>
                <span>Started {fmtTime(incident.startedAt)}</span>
                <span>
                  Detected {fmtTime(incident.detectedAt)} by {incident.detectionSource}
                </span>
                <span>
                  Recovered{' '}
                  {incident.recoveredAt
                    ? `${fmtTime(incident.recoveredAt)} (${fmtDuration(secondsBetween(incident.startedAt, incident.recoveredAt))})`
                    : 'not yet'}
                </span>
                <span>Cause: {incident.cause.replace(/_/g, ' ')}</span>
                <span data-testid="incident-source">
                  Source: <IncidentSource incident={incident} />
                </span>
              </div>
            </Section>
            <Section
              title="Incident process"
              testId="incident-timeline"
              actions={
                editable ? (
                  <Button size="sm" icon="plus" onClick={() => setRecording(true)}>
                    Record step
                  </Button>
                ) : (
                  <Badge color="darkgrey" icon="lock" text="read-only (Editor role needed to record steps)" />
                )
              }
            >
              <ol className={styles.timeline}>
                {timeline(incident).map((row) => (
                  <li
                    key={row.step}
                    className={cx(styles.step, !row.record && styles.missing)}
                    data-step={row.step}
                    data-recorded={Boolean(row.record)}
                  >
                    <Icon
                      name={row.record ? 'check-circle' : 'circle'}
                      className={row.record ? styles.done : undefined}
                    />
                    <div>
                      <strong>{STEP_TITLES[row.step]}</strong>
                      {row.record ? (
                        <div className={styles.meta}>
                          {row.record.owner} · {fmtTime(row.record.at)} · took {fmtDuration(row.took)}
                          {row.record.note && <div>{row.record.note}</div>}
                          {outOfOrderOf(row.record) && (
                            <Tooltip content={outOfOrderOf(row.record)!}>
                              <span>
                                <Badge color="orange" icon="exclamation-triangle" text="out of order" />
                              </span>
                            </Tooltip>
                          )}
                        </div>
                      ) : (
                        <div className={styles.meta}>not recorded</div>
                      )}
                    </div>
                  </li>
                ))}
              </ol>
              {recording && (
                <StepEditor
                  incident={incident}
                  onClose={() => setRecording(false)}
                  onSaved={() => {
                    setRecording(false);
                    setWritten((n) => n + 1);
                    state.reload();
                  }}
                />
              )}
            </Section>
            <Section title={`Alerts linked (${alerts.length})`}>
              {alerts.length === 0 ? (
                <p className={styles.meta}>No alert is linked to this incident.</p>
              ) : (
                <Table<Alert>
                  rows={alerts}
                  cols={[
                    { id: 'name', header: 'Alert', cell: (a) => a.name },
                    { id: 'severity', header: 'Severity', cell: (a) => a.severity },
                    { id: 'startsAt', header: 'Fired', cell: (a) => fmtTime(a.startsAt) },
                    { id: 'verdict', header: 'Verdict', cell: (a) => a.verdict ?? 'none' },
                  ]}
                />
              )}
            </Section>
            <Section title={`Suspect changes (24h before, ${changes.length})`} testId="suspect-changes">
              {changes.length === 0 ? (
                <p className={styles.meta}>No change of this service in the 24 hours before the incident.</p>
              ) : (
                <Table<Change>
                  rows={changes}
                  cols={[
                    {
                      id: 'title',
                      header: 'Change',
                      cell: (c) => (
                        <>
                          {c.title ?? c.id}{' '}
                          {c.id === incident.causedByChange && <Badge color="red" text="named as cause" />}
                        </>
                      ),
                    },
                    { id: 'system', header: 'System', cell: (c) => nameOf(org.changeSystems, c.system) },
                    { id: 'startedAt', header: 'Started', cell: (c) => fmtTime(c.startedAt) },
                    {
                      id: 'controlled',
                      header: 'Controlled',
                      cell: (c) => (c.controlled ? 'yes' : <Badge color="orange" text="uncontrolled" />),
                    },
                    { id: 'result', header: 'Result', cell: (c) => c.result ?? '–' },
                  ]}
                />
              )}
            </Section>
            <Section title={`Improvement actions (${actions.length})`} testId="incident-actions">
              {actions.length === 0 ? (
                <p className={styles.meta}>No improvement action recorded.</p>
              ) : (
                <Table<Action>
                  rows={actions}
                  cols={[
                    { id: 'title', header: 'Action', cell: (a) => a.title },
                    { id: 'owner', header: 'Owner', cell: (a) => a.owner },
                    { id: 'dueAt', header: 'Due', cell: (a) => fmtTime(a.dueAt) },
                    {
                      id: 'state',
                      header: 'State',
                      cell: (a) =>
                        a.completedAt ? (
                          <Badge color="green" text="done" />
                        ) : isOverdue(a.dueAt, a.completedAt) ? (
                          <Badge color="red" text="overdue" />
                        ) : (
                          <Badge color="blue" text="open" />
                        ),
                    },
                  ]}
                />
              )}
              {safeHref(incident.postmortemUrl) && (
                <p>
                  <TextLink href={safeHref(incident.postmortemUrl)!} external>
                    Post-mortem document
                  </TextLink>
                </p>
              )}
            </Section>
            <Section title="History" testId="incident-history">
              <RecordHistory key={written} collection="incidents" id={incident.id} />
            </Section>
          </>
        )}
      </Loadable>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  facts: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1, 3), color: theme.colors.text.secondary }),
  timeline: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))',
    gap: theme.spacing(1),
  }),
  step: css({
    display: 'flex',
    gap: theme.spacing(1),
    padding: theme.spacing(1),
    borderLeft: `3px solid ${theme.colors.success.main}`,
    background: theme.colors.background.secondary,
  }),
  missing: css({ borderLeftColor: theme.colors.border.medium, opacity: 0.7 }),
  done: css({ color: theme.colors.success.text }),
  meta: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
