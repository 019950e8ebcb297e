import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, InlineSwitch, Input, RadioButtonGroup, Select, useStyles2 } from '@grafana/ui';
import type { DataSource } from '../datasource';
import {
  BallastOptions,
  BallastQuery,
  DEFAULT_LIMIT,
  FilterSpec,
  KPI_KEYS,
  KPI_WINDOWS,
  KpiDefinition,
  LEVELS,
  MAX_LIMIT,
  QUERY_TYPES,
  QueryType,
  RECORD_FILTERS,
  RecordType,
} from '../types';
import { LABEL_WIDTH, ScopeFields, useOrg, variableOptions } from './ScopeFields';

type Props = QueryEditorProps<DataSource, BallastQuery, BallastOptions>;

export const QUERY_TYPE_OPTIONS: Array<SelectableValue<QueryType>> = [
  {
    label: 'KPI',
    value: 'kpi',
    description: 'A KPI as a value per scope, or as a time series over the dashboard range',
  },
  { label: 'Scorecard', value: 'scorecard', description: 'Every KPI per scope against its target (table)' },
  { label: 'Incidents', value: 'incidents', description: 'Incidents that started in the dashboard range' },
  { label: 'Changes', value: 'changes', description: 'Changes that started in the dashboard range' },
  {
    label: 'Freeze windows',
    value: 'freezes',
    description: 'Each time a freeze window is open in the dashboard range (a row per occurrence)',
  },
  { label: 'Alerts', value: 'alerts', description: 'Alerts that started in the dashboard range' },
  { label: 'Findings', value: 'findings', description: 'Inspection findings found in the dashboard range' },
  { label: 'Actions', value: 'actions', description: 'Improvement actions due in the dashboard range' },
  { label: 'Drills', value: 'drills', description: 'Drills that started in the dashboard range' },
].filter((o) => QUERY_TYPES.includes(o.value as QueryType)) as Array<SelectableValue<QueryType>>;

const WINDOW_OPTIONS = KPI_WINDOWS.map((w) => ({ label: w, value: w }));

/** Dashboard variables that can stand for a window (e.g. `$window` of the provisioned dashboards), and the query's own. */
function windowVariableOptions(current: string | undefined): Array<SelectableValue<string>> {
  const options = variableOptions().filter((o) => o.value === current || /window/i.test(o.value ?? ''));
  if (current?.startsWith('$') && !options.some((o) => o.value === current)) {
    options.push({ label: current, value: current });
  }
  return options.map((o) => ({ label: o.label, value: o.value, description: 'Template variable' }));
}
const LEVEL_LABELS: Record<string, string> = { org: 'Org', business_line: 'Business lines', team: 'Teams' };
const LEVEL_OPTIONS = LEVELS.map((l) => ({ label: LEVEL_LABELS[l], value: l }));
const FORMAT_OPTIONS = [
  { label: 'Value', value: 'value', description: 'One value per scope for the window (stat, gauge, bar gauge, table)' },
  { label: 'Time series', value: 'timeseries', description: 'The KPI as it stood at each step of the dashboard range' },
];
const BOOL_OPTIONS = [
  { label: 'Any', value: '' },
  { label: 'Yes', value: 'true' },
  { label: 'No', value: 'false' },
];

export function useKpiDefinitions(datasource: DataSource | undefined): KpiDefinition[] | undefined {
  const [defs, setDefs] = useState<KpiDefinition[]>();
  useEffect(() => {
    let live = true;
    datasource
      ?.kpiDefinitions()
      .then((d) => live && setDefs(d))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [datasource]);
  return defs;
}

function FilterField({ spec, value, onChange }: { spec: FilterSpec; value: string; onChange: (v: string) => void }) {
  const id = `ballast-filter-${spec.key}`;
  const labelWidth = spec.labelWidth ?? LABEL_WIDTH;
  switch (spec.kind) {
    case 'flag':
      return (
        <InlineField label={spec.label} tooltip={spec.tooltip} labelWidth={labelWidth}>
          <InlineSwitch
            id={id}
            aria-label={spec.label}
            value={value === 'true'}
            onChange={(e) => onChange(e.currentTarget.checked ? 'true' : '')}
          />
        </InlineField>
      );
    case 'bool':
      return (
        <InlineField label={spec.label} tooltip={spec.tooltip} labelWidth={labelWidth}>
          <RadioButtonGroup options={BOOL_OPTIONS} value={value} onChange={(v) => onChange(v ?? '')} />
        </InlineField>
      );
    case 'enum':
      return (
        <InlineField label={spec.label} tooltip={spec.tooltip} labelWidth={labelWidth}>
          <Select
            inputId={id}
            aria-label={spec.label}
            width={36}
            isMulti
            isClearable
            placeholder="any"
            options={(spec.options ?? []).map((o) => ({ label: o.replace(/_/g, ' '), value: o }))}
            value={value ? value.split(',') : []}
            onChange={(v: SelectableValue<string> | Array<SelectableValue<string>>) =>
              onChange((Array.isArray(v) ? v : v ? [v] : []).map((o) => o.value).join(','))
            }
          />
        </InlineField>
      );
    default:
      return (
        <InlineField label={spec.label} tooltip={spec.tooltip} labelWidth={labelWidth}>
          <Input
            id={id}
            aria-label={spec.label}
            width={24}
            placeholder="any"
            defaultValue={value}
            onBlur={(e: React.FocusEvent<HTMLInputElement>) => onChange(e.currentTarget.value.trim())}
          />
        </InlineField>
      );
  }
}

/** The query editor: a query type, then the fields that type takes (all accept template variables). */
export function QueryEditor({ query, onChange, onRunQuery, datasource }: Props) {
  const styles = useStyles2(getStyles);
  const org = useOrg(datasource);
  const defs = useKpiDefinitions(datasource);
  const type: QueryType = query.queryType && query.queryType !== 'annotations' ? query.queryType : 'kpi';

  const update = (patch: Partial<BallastQuery>, run = true) => {
    onChange({ ...query, ...patch });
    if (run) {
      onRunQuery();
    }
  };

  const kpiOptions: Array<SelectableValue<string>> = [
    ...variableOptions(),
    ...(defs ?? KPI_KEYS.map((k) => ({ key: k, title: k, description: '' }) as KpiDefinition)).map((d) => ({
      label: d.title,
      value: d.key,
      description: d.description || d.key,
    })),
  ];
  if (query.kpi && !kpiOptions.some((o) => o.value === query.kpi)) {
    kpiOptions.unshift({ label: query.kpi, value: query.kpi });
  }

  const setFilter = (key: string, value: string) => {
    const filters = { ...(query.filters ?? {}) };
    if (value) {
      filters[key] = value;
    } else {
      delete filters[key];
    }
    update({ filters });
  };

  return (
    <div className={styles.editor} data-testid="ballast-query-editor">
      <InlineFieldRow>
        <InlineField label="Query type" labelWidth={LABEL_WIDTH}>
          <Select
            inputId="ballast-query-type"
            aria-label="Query type"
            width={24}
            options={QUERY_TYPE_OPTIONS}
            value={type}
            onChange={(v) => update({ queryType: v.value, filters: {} })}
          />
        </InlineField>
        {type === 'kpi' && (
          <>
            <InlineField
              label="KPI"
              labelWidth={6}
              tooltip="A KPI key, several (comma-separated) or a variable such as $kpi"
            >
              <Select
                inputId="ballast-kpi"
                aria-label="KPI"
                width={36}
                allowCustomValue
                options={kpiOptions}
                value={query.kpi ?? null}
                onChange={(v) => update({ kpi: v?.value })}
              />
            </InlineField>
            <InlineField label="Format" labelWidth={9}>
              <RadioButtonGroup
                options={FORMAT_OPTIONS}
                value={query.format ?? 'value'}
                onChange={(v) => update({ format: v as BallastQuery['format'] })}
              />
            </InlineField>
            {query.format !== 'timeseries' && (
              <InlineField
                label="Numerator and denominator"
                labelWidth={26}
                tooltip="Add the KPI's numerator and denominator as fields (for a table). Off: one number per scope, as a stat panel shows it."
              >
                <InlineSwitch
                  id="ballast-components"
                  aria-label="Numerator and denominator"
                  value={query.components === true}
                  onChange={(e) => update({ components: e.currentTarget.checked || undefined })}
                />
              </InlineField>
            )}
          </>
        )}
      </InlineFieldRow>

      {(type === 'kpi' || type === 'scorecard') && (
        <InlineFieldRow>
          <InlineField
            label="Window"
            labelWidth={LABEL_WIDTH}
            tooltip="The window each value covers (ytd: the calendar year so far)"
          >
            <RadioButtonGroup
              options={[...WINDOW_OPTIONS, ...windowVariableOptions(query.window)]}
              value={query.window ?? (type === 'scorecard' ? 'ytd' : '30d')}
              onChange={(v) => update({ window: v as BallastQuery['window'] })}
            />
          </InlineField>
          <InlineField
            label="Level"
            labelWidth={8}
            tooltip="Which scopes: the whole org, each business line, or each team (empty: all)"
          >
            <Select
              inputId="ballast-level"
              aria-label="Level"
              width={20}
              isClearable
              placeholder="all"
              options={LEVEL_OPTIONS}
              value={query.level ?? null}
              onChange={(v) => update({ level: v?.value })}
            />
          </InlineField>
          {type === 'kpi' && query.format === 'timeseries' && (
            <InlineField
              label="Step"
              labelWidth={7}
              tooltip="Time between points, e.g. 1h or 1d; empty: chosen from the dashboard range"
            >
              <Input
                id="ballast-step"
                aria-label="Step"
                width={10}
                placeholder="auto"
                defaultValue={query.step ?? ''}
                onBlur={(e: React.FocusEvent<HTMLInputElement>) =>
                  update({ step: e.currentTarget.value.trim() || undefined })
                }
              />
            </InlineField>
          )}
        </InlineFieldRow>
      )}

      <InlineFieldRow>
        <ScopeFields
          org={org}
          businessLine={query.businessLine}
          team={query.team}
          service={query.service}
          showService={type !== 'kpi' && type !== 'scorecard' && type !== 'actions'}
          onChange={(patch) => update(patch)}
        />
      </InlineFieldRow>

      {type !== 'kpi' && type !== 'scorecard' && (
        <InlineFieldRow>
          {RECORD_FILTERS[type as RecordType].map((spec) => (
            <FilterField
              key={`${type}-${spec.key}`}
              spec={spec}
              value={query.filters?.[spec.key] ?? ''}
              onChange={(v) => setFilter(spec.key, v)}
            />
          ))}
          <InlineField label="Limit" labelWidth={7} tooltip={`Most rows fetched (up to ${MAX_LIMIT})`}>
            <Input
              id="ballast-limit"
              aria-label="Limit"
              type="number"
              width={10}
              min={1}
              max={MAX_LIMIT}
              defaultValue={query.limit ?? DEFAULT_LIMIT}
              onBlur={(e: React.FocusEvent<HTMLInputElement>) => {
                const n = Number(e.currentTarget.value);
                update({ limit: Number.isFinite(n) && n > 0 ? Math.min(Math.round(n), MAX_LIMIT) : undefined });
              }}
            />
          </InlineField>
        </InlineFieldRow>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  editor: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  }),
});
