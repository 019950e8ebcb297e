/** The timeline's hover cards: an incident with its suspect changes, and a change. */
import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, GrafanaTheme2 } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { useStyles2 } from '@grafana/ui';
import { Change, Incident } from '../data/timeline';
import { formatDuration } from '../kpis';

export function IncidentTooltip({
  incident,
  suspects,
  suspectMinutes,
  timeZone,
}: {
  incident: Incident;
  suspects: Change[];
  suspectMinutes: number;
  timeZone?: TimeZone;
}) {
  const styles = useStyles2(getStyles);
  const fmt = (t: number) => dateTimeFormat(t, { timeZone, format: 'YYYY-MM-DD HH:mm' });
  return (
    <div className={styles.tooltip} data-testid="incident-tooltip">
      <div className={styles.tooltipTitle}>
        {incident.priority} · {incident.title}
      </div>
      <div>{[incident.service, incident.team].filter(Boolean).join(' · ')}</div>
      <div>
        {fmt(incident.start)} →{' '}
        {incident.end === null
          ? 'not recovered'
          : `${fmt(incident.end)} (${formatDuration((incident.end - incident.start) / 1000)})`}
      </div>
      <div className={styles.tooltipSection}>
        {suspects.length === 0
          ? `No changes on ${incident.service ?? incident.team ?? 'its service'} in the ${suspectMinutes} min before the start.`
          : `Suspect changes (${suspects.length}, ≤ ${suspectMinutes} min before start):`}
      </div>
      {suspects.length > 0 && (
        <ul className={styles.suspects}>
          {suspects.slice(0, 8).map((c) => (
            <li key={c.id}>
              −{formatDuration((incident.start - c.time) / 1000)} {c.title}
              {c.system ? ` (${c.system}` : ''}
              {c.service ? `${c.system ? ', ' : ' ('}${c.service})` : c.system ? ')' : ''}
              {c.freezeViolation ? ' — freeze violation' : ''}
              {c.result === 'failed' || c.result === 'rolled_back' ? ` — ${c.result.replace('_', ' ')}` : ''}
            </li>
          ))}
          {suspects.length > 8 && <li>… and {suspects.length - 8} more</li>}
        </ul>
      )}
    </div>
  );
}

export function ChangeTooltip({
  change,
  timeZone,
  suspect,
}: {
  change: Change;
  timeZone?: TimeZone;
  suspect: boolean;
}) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.tooltip} data-testid="change-tooltip">
      <div className={styles.tooltipTitle}>{change.title}</div>
      <div>{[change.system, change.service, change.team].filter(Boolean).join(' · ')}</div>
      <div>
        {dateTimeFormat(change.time, { timeZone, format: 'YYYY-MM-DD HH:mm' })}
        {change.result ? ` · ${change.result.replace('_', ' ')}` : ''}
      </div>
      {change.freezeViolation && <div className={styles.violation}>Freeze violation</div>}
      {suspect && <div>Suspect: started shortly before an incident on the same service or team</div>}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  tooltip: css({
    maxWidth: 420,
    fontSize: theme.typography.bodySmall.fontSize,
    display: 'flex',
    flexDirection: 'column',
    gap: 2,
  }),
  tooltipTitle: css({ fontWeight: theme.typography.fontWeightMedium, fontSize: theme.typography.body.fontSize }),
  tooltipSection: css({ marginTop: theme.spacing(0.5), fontWeight: theme.typography.fontWeightMedium }),
  suspects: css({ margin: 0, paddingLeft: theme.spacing(2) }),
  violation: css({ color: theme.colors.error.text }),
});
