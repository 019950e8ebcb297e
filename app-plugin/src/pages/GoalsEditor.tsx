import React, { useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Button, Input, LoadingPlaceholder, Modal, Select, useStyles2 } from '@grafana/ui';
import { KPI_DEFINITIONS, type KpiKey, type OrgGoal } from '@ballast/contract';
import { adminApi, api } from '../api/client';
import { useAsync } from '../api/useAsync';
import { ModalSaveRow } from '../components/ModalSaveRow';
import { useSave } from '../components/useSave';
import { Org } from '../types';

/** A goal row being edited: the target as typed (validated on save). */
interface Row {
  key: number;
  year: number;
  kpi: KpiKey;
  scope: string;
  target: string;
}

const scopeOf = (g: OrgGoal) => (g.team ? `team:${g.team}` : g.businessLine ? `businessLine:${g.businessLine}` : '');

/** The goals as the org config takes them back; a row with a target that is not a number is refused here. */
export function goalsOf(rows: Row[]): OrgGoal[] | string {
  const out: OrgGoal[] = [];
  for (const [i, r] of rows.entries()) {
    const target = Number(r.target);
    if (r.target.trim() === '' || !Number.isFinite(target)) {
      return `goal ${i + 1}: the target must be a number`;
    }
    const [kind, id] = r.scope.split(/:(.*)/s);
    out.push({
      year: r.year,
      kpi: r.kpi,
      target,
      ...(kind === 'team' ? { team: id } : kind === 'businessLine' ? { businessLine: id } : {}),
    });
  }
  return out;
}

/**
 * Edit the org's goals (Admins: `PUT /api/v1/org` through the Admin route). The org config is read
 * fresh and sent back whole with only its goals changed, with the revision it was read at: if
 * someone replaced it meanwhile the exporter answers 409 and nothing is overwritten.
 */
export function GoalsEditor({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const state = useAsync(() => api.get<Org & Record<string, unknown>>('/org'), []);
  return (
    <Modal title="Goals" isOpen onDismiss={onClose}>
      {state.error ? (
        <ModalSaveRow
          error={state.error.message}
          errorTitle="Could not load the org"
          saveLabel="Save goals"
          saveDisabled
          onSave={() => {}}
          onCancel={onClose}
        />
      ) : state.data === undefined ? (
        <LoadingPlaceholder text="Loading the goals…" />
      ) : (
        <GoalsForm org={state.data} onClose={onClose} onSaved={onSaved} />
      )}
    </Modal>
  );
}

function GoalsForm({
  org,
  onClose,
  onSaved,
}: {
  org: Org & Record<string, unknown>;
  onClose: () => void;
  onSaved: () => void;
}) {
  const styles = useStyles2(getStyles);
  const [rows, setRows] = useState<Row[]>(() =>
    (org.goals ?? []).map((g, key) => ({ key, year: g.year, kpi: g.kpi, scope: scopeOf(g), target: String(g.target) }))
  );
  const [next, setNext] = useState(rows.length);
  const {
    save: put,
    saving,
    error,
    setError,
  } = useSave((goals: OrgGoal[]) => adminApi.put('/org', { ...org, goals }), onSaved);
  const scopes = [
    { label: 'Org', value: '' },
    ...org.businessLines.map((b) => ({ label: `Business line: ${b.name}`, value: `businessLine:${b.id}` })),
    ...org.teams.map((t) => ({ label: `Team: ${t.name}`, value: `team:${t.id}` })),
  ];
  const kpis = KPI_DEFINITIONS.map((k) => ({ label: k.title, value: k.key }));
  const update = (key: number, patch: Partial<Row>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  const save = async () => {
    const goals = goalsOf(rows);
    if (typeof goals === 'string') {
      setError(goals);
      return;
    }
    await put(goals);
  };

  return (
    <>
      <table className={styles.table} data-testid="goals-table">
        <thead>
          <tr>
            <th>Year</th>
            <th>KPI</th>
            <th>Scope</th>
            <th>Target</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={r.key} data-testid="goal-row">
              <td>
                <Input
                  aria-label={`Year of goal ${i + 1}`}
                  type="number"
                  width={10}
                  value={r.year}
                  onChange={(e) => update(r.key, { year: Number(e.currentTarget.value) })}
                />
              </td>
              <td>
                <Select
                  aria-label={`KPI of goal ${i + 1}`}
                  width={30}
                  options={kpis}
                  value={r.kpi}
                  onChange={(v) => update(r.key, { kpi: v.value as KpiKey })}
                />
              </td>
              <td>
                <Select
                  aria-label={`Scope of goal ${i + 1}`}
                  width={30}
                  options={scopes}
                  value={r.scope}
                  onChange={(v) => update(r.key, { scope: v.value ?? '' })}
                />
              </td>
              <td>
                <Input
                  aria-label={`Target of goal ${i + 1}`}
                  width={12}
                  value={r.target}
                  onChange={(e) => update(r.key, { target: e.currentTarget.value })}
                />
              </td>
              <td>
                <Button
                  size="sm"
                  variant="secondary"
                  fill="text"
                  icon="trash-alt"
                  aria-label={`Remove goal ${i + 1}`}
                  onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Button
        size="sm"
        variant="secondary"
        icon="plus"
        onClick={() => {
          setRows((rs) => [
            ...rs,
            { key: next, year: new Date().getUTCFullYear(), kpi: KPI_DEFINITIONS[0]!.key, scope: '', target: '' },
          ]);
          setNext((n) => n + 1);
        }}
      >
        Add goal
      </Button>
      <ModalSaveRow
        error={error}
        errorTitle="The exporter refused the goals"
        saveLabel={saving ? 'Saving…' : 'Save goals'}
        saveDisabled={saving}
        onSave={save}
        onCancel={onClose}
      />
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    marginBottom: theme.spacing(1),
    'th, td': { padding: theme.spacing(0.5), textAlign: 'left' },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
});
