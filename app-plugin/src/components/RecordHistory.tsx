import React, { useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Badge, BadgeColor, Button, Modal, Tooltip, useStyles2 } from '@grafana/ui';
import type { AuditAction, AuditEntry, FieldChange } from '@ballast/contract';
import { api } from '../api/client';
import { useAsync } from '../api/useAsync';
import { fmtTime } from './format';
import { Loadable } from './Loadable';

const ACTION_COLORS: Record<AuditAction, BadgeColor> = {
  created: 'green',
  updated: 'blue',
  replaced: 'blue',
  ended: 'orange',
  deleted: 'red',
  waived: 'purple',
};

/** A field value as the history shows it: absent as –, texts as sent, anything else as compact JSON. */
export function fmtValue(value: unknown): string {
  if (value === null || value === undefined) {
    return '–';
  }
  if (typeof value === 'string') {
    return value;
  }
  return JSON.stringify(value);
}

/** Who made a write: the Grafana user (or token name), and the token it came through when that differs. */
function Actor({ entry }: { entry: AuditEntry }) {
  const { name, token } = entry.actor;
  return name === token ? (
    <strong>{name}</strong>
  ) : (
    <Tooltip content={`through the token ${token}`}>
      <strong>{name}</strong>
    </Tooltip>
  );
}

function Changes({ changes }: { changes: FieldChange[] }) {
  const styles = useStyles2(getStyles);
  if (changes.length === 0) {
    return null;
  }
  return (
    <table className={styles.changes}>
      <tbody>
        {changes.map((c) => (
          <tr key={c.field} data-field={c.field}>
            <th scope="row">{c.field}</th>
            <td className={styles.from}>{fmtValue(c.from)}</td>
            <td aria-hidden>→</td>
            <td>{fmtValue(c.to)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A record's append-only history as the exporter keeps it (`GET /{collection}/{id}/history`,
 * oldest first): who, when, what the write did, which fields from what to what, and why where the
 * write gave a reason. Shown on the incident, change, alert and freeze views.
 */
export function RecordHistory({ collection, id }: { collection: string; id: string }) {
  const styles = useStyles2(getStyles);
  const state = useAsync(() => api.history(collection, id), [collection, id]);
  return (
    <Loadable
      state={state}
      what={`the history of ${id}`}
      isEmpty={(d) => d.items.length === 0}
      empty="The exporter has no recorded write of this record (it was written before history was kept)."
    >
      {(d) => (
        <ol className={styles.list} data-testid="record-history">
          {d.items.map((e) => (
            <li key={e.seq} className={styles.entry} data-testid="history-entry" data-action={e.action}>
              <div className={styles.head}>
                <Badge color={ACTION_COLORS[e.action] ?? 'darkgrey'} text={e.action} />
                <span>{fmtTime(e.at)}</span>
                <span>
                  by <Actor entry={e} />
                </span>
              </div>
              {e.reason && <div className={styles.reason}>Reason: {e.reason}</div>}
              <Changes changes={e.changes} />
            </li>
          ))}
        </ol>
      )}
    </Loadable>
  );
}

/** A small button opening a record's history in a modal (list rows: loaded only when opened). */
export function HistoryButton({ collection, id, title }: { collection: string; id: string; title: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" variant="secondary" fill="text" icon="history" onClick={() => setOpen(true)}>
        History
      </Button>
      {open && (
        <Modal title={`History: ${title}`} isOpen onDismiss={() => setOpen(false)}>
          <RecordHistory collection={collection} id={id} />
        </Modal>
      )}
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({ listStyle: 'none', margin: 0, padding: 0 }),
  entry: css({
    borderLeft: `3px solid ${theme.colors.border.medium}`,
    padding: theme.spacing(0.5, 1),
    marginBottom: theme.spacing(1),
  }),
  head: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'center', flexWrap: 'wrap' }),
  reason: css({ color: theme.colors.text.secondary, marginTop: theme.spacing(0.5) }),
  changes: css({
    marginTop: theme.spacing(0.5),
    fontSize: theme.typography.bodySmall.fontSize,
    borderCollapse: 'collapse',
    'th, td': { padding: theme.spacing(0.25, 1, 0.25, 0), textAlign: 'left', verticalAlign: 'top' },
    th: { fontWeight: theme.typography.fontWeightMedium, whiteSpace: 'nowrap' },
    td: { wordBreak: 'break-word' },
  }),
  from: css({ color: theme.colors.text.secondary, textDecoration: 'line-through' }),
});
