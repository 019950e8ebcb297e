import React, { useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import {
  Alert as Notice,
  Badge,
  Button,
  Field,
  InlineField,
  Modal,
  RadioButtonGroup,
  Select,
  TextArea,
  TextLink,
  Tooltip,
  useStyles2,
} from '@grafana/ui';
import { RED_LINE_RULES, type RedLineRule, type RedLineViolation } from '@ballast/contract';
import { adminApi, api } from '../api/client';
import { useAsync } from '../api/useAsync';
import { ROUTES } from '../constants';
import { FiltersBar } from '../components/FiltersBar';
import { fmtTime } from '../components/format';
import { pageUrl } from '../components/links';
import { Loadable } from '../components/Loadable';
import { ModalSaveRow } from '../components/ModalSaveRow';
import { useSave } from '../components/useSave';
import { nameOf, useOrg } from '../components/OrgContext';
import { isAdmin } from '../components/roles';
import { Section } from '../components/Section';
import { Table } from '../components/Table';
import { Filters, filtersKey, setQuery, timeRangeOf } from '../components/urlState';

export const RULE_TITLES: Record<RedLineRule, string> = {
  change_in_freeze: 'Change inside a freeze without exemption',
  incident_without_postmortem: 'High-priority incident without a post-mortem',
  action_overdue: 'Improvement action overdue',
  finding_overdue: 'Inspection finding overdue',
  alert_without_verdict: 'High-severity alert without a verdict',
};

/** The ledger page asks for this many violations (the exporter pages; the total says when there are more). */
const LIMIT = 1000;

type Waived = 'all' | 'open' | 'waived';
const WAIVED_OPTIONS: Array<{ label: string; value: Waived }> = [
  { label: 'All', value: 'all' },
  { label: 'Not waived', value: 'open' },
  { label: 'Waived', value: 'waived' },
];

/** Where a violation's record is shown in the app. */
export function recordHref(v: RedLineViolation, filters: Filters): string {
  switch (v.collection) {
    case 'incidents':
      return pageUrl(`${ROUTES.Incidents}/${encodeURIComponent(v.record)}`, filters);
    case 'changes':
      return pageUrl(ROUTES.Changes, filters, { control: 'violations' });
    case 'alerts':
      return pageUrl(ROUTES.Alerts, filters);
    default:
      return pageUrl(ROUTES.Actions, filters);
  }
}

/**
 * Red lines: the ledger of breaches the exporter computes from the records (never typed in), in
 * force at any time in the range, by rule, team and business line; an Admin waives one with a
 * reason (audited by the exporter with the Grafana user).
 */
export function RedLinesPage({ filters, query = {} }: { filters: Filters; query?: Record<string, string> }) {
  const styles = useStyles2(getStyles);
  const org = useOrg();
  const admin = isAdmin();
  const rule = (RED_LINE_RULES as readonly string[]).includes(query.rule ?? '')
    ? (query.rule as RedLineRule)
    : undefined;
  const waived = (WAIVED_OPTIONS.find((o) => o.value === query.waived)?.value ?? 'all') as Waived;
  const [waiving, setWaiving] = useState<RedLineViolation>();
  const range = timeRangeOf(filters);
  // The ledger is by team: a chosen service narrows to its team.
  const team = filters.team ?? (filters.service ? org.services.find((s) => s.id === filters.service)?.team : undefined);
  const state = useAsync(
    () =>
      api.redLineViolations({
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        businessLine: filters.businessLine,
        team,
        rule,
        waived: waived === 'all' ? undefined : waived === 'waived',
        limit: LIMIT,
      }),
    [filtersKey(filters), team, rule, waived]
  );

  return (
    <div data-testid="page-red-lines">
      <FiltersBar filters={filters}>
        <InlineField label="Rule">
          <Select
            aria-label="Rule"
            width={40}
            options={[
              { label: 'All rules', value: '' },
              ...RED_LINE_RULES.map((r) => ({ label: RULE_TITLES[r], value: r })),
            ]}
            value={rule ?? ''}
            onChange={(v) => setQuery({ rule: v.value || undefined }, false)}
          />
        </InlineField>
        <InlineField label="Waivers">
          <RadioButtonGroup
            options={WAIVED_OPTIONS}
            value={waived}
            onChange={(v) => setQuery({ waived: v === 'all' ? undefined : v }, false)}
          />
        </InlineField>
      </FiltersBar>
      {filters.service && (
        <p className={styles.muted}>The ledger is kept by team: showing the team of the chosen service.</p>
      )}
      <Loadable
        state={state}
        what="red-line violations"
        isEmpty={(d) => d.items.length === 0}
        empty="No red line was crossed in this scope and range."
      >
        {(d) => (
          <>
            <Section title="By rule" testId="red-lines-by-rule">
              <div className={styles.rules}>
                {RED_LINE_RULES.map((r) => {
                  const of = d.items.filter((v) => v.rule === r);
                  return (
                    <div key={r} className={styles.rule} data-rule={r}>
                      <div className={styles.count}>{of.filter((v) => !v.waiver).length}</div>
                      <div>{RULE_TITLES[r]}</div>
                      <div className={styles.muted}>
                        {of.filter((v) => !v.until).length} in force · {of.filter((v) => v.waiver).length} waived
                      </div>
                    </div>
                  );
                })}
              </div>
            </Section>
            <Section
              title={`Violations (${d.total > d.items.length ? `${d.items.length} of ${d.total}` : d.total})`}
              testId="red-lines-ledger"
            >
              <Table<RedLineViolation>
                testId="violations-table"
                rows={d.items}
                pageSize={50}
                cols={[
                  { id: 'rule', header: 'Rule', cell: (v) => RULE_TITLES[v.rule] ?? v.rule },
                  {
                    id: 'record',
                    header: 'Record',
                    cell: (v) => <TextLink href={recordHref(v, filters)}>{v.title || v.record}</TextLink>,
                  },
                  { id: 'team', header: 'Team', cell: (v) => nameOf(org.teams, v.team) },
                  {
                    id: 'businessLine',
                    header: 'Business line',
                    cell: (v) => nameOf(org.businessLines, v.businessLine),
                  },
                  { id: 'owner', header: 'Owner', cell: (v) => v.owner ?? '–' },
                  { id: 'since', header: 'Since', cell: (v) => fmtTime(v.since) },
                  {
                    id: 'until',
                    header: 'Until',
                    cell: (v) => (v.until ? fmtTime(v.until) : <Badge color="red" text="in force" />),
                  },
                  {
                    id: 'waiver',
                    header: 'Waiver',
                    cell: (v) =>
                      v.waiver ? (
                        <Tooltip content={`${v.waiver.reason} (${fmtTime(v.waiver.at)})`}>
                          <span>
                            <Badge color="blue" text={`waived by ${v.waiver.by.name}`} />
                          </span>
                        </Tooltip>
                      ) : admin ? (
                        <Button size="sm" variant="secondary" icon="check" onClick={() => setWaiving(v)}>
                          Waive
                        </Button>
                      ) : (
                        '–'
                      ),
                  },
                ]}
              />
            </Section>
          </>
        )}
      </Loadable>
      {waiving && (
        <WaiveModal
          violation={waiving}
          onClose={() => setWaiving(undefined)}
          onSaved={() => {
            setWaiving(undefined);
            state.reload();
          }}
        />
      )}
    </div>
  );
}

/** Waive one violation: a reason is required (the exporter refuses an empty one as well). */
function WaiveModal({
  violation,
  onClose,
  onSaved,
}: {
  violation: RedLineViolation;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [reason, setReason] = useState('');
  const { save, saving, error } = useSave(() => adminApi.waive(violation.id, reason.trim()), onSaved);
  return (
    <Modal title={`Waive: ${violation.title || violation.record}`} isOpen onDismiss={onClose}>
      <Notice severity="info" title={RULE_TITLES[violation.rule]}>
        A waived violation stops counting against {violation.team ?? 'its team'}; the waiver is kept with your name and
        the reason.
      </Notice>
      <Field label="Reason" required description="Why this breach should not count.">
        <TextArea aria-label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} rows={3} />
      </Field>
      <ModalSaveRow
        error={error}
        errorTitle="The exporter refused the waiver"
        saveLabel={saving ? 'Waiving…' : 'Waive'}
        saveDisabled={saving || !reason.trim()}
        onSave={save}
        onCancel={onClose}
      />
    </Modal>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  rules: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(180px, 1fr))',
    gap: theme.spacing(1),
  }),
  rule: css({
    padding: theme.spacing(1),
    background: theme.colors.background.secondary,
    borderLeft: `3px solid ${theme.colors.error.border}`,
  }),
  count: css({ ...theme.typography.h3, margin: 0 }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
