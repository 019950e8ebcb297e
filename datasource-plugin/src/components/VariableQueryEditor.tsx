import React from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, Input, Select } from '@grafana/ui';
import type { DataSource } from '../datasource';
import { BallastOptions, BallastQuery, BallastVariableQuery, VariableQueryType } from '../types';
import { LABEL_WIDTH } from './ScopeFields';

type Props = QueryEditorProps<DataSource, BallastQuery, BallastOptions, BallastVariableQuery>;

export const VARIABLE_TYPES: Array<SelectableValue<VariableQueryType>> = [
  { label: 'Business lines', value: 'businessLines' },
  { label: 'Teams', value: 'teams', description: 'Optionally of one business line' },
  { label: 'Services', value: 'services', description: 'Optionally of one team' },
  { label: 'KPIs', value: 'kpis' },
  { label: 'Change systems', value: 'changeSystems' },
];

/** Variable query editor: what the variable lists (values are ids, texts are names). */
export function VariableQueryEditor({ query, onChange }: Props) {
  const q: BallastVariableQuery = {
    refId: 'variable',
    variableType: 'teams',
    ...(query as Partial<BallastVariableQuery>),
  };
  const update = (patch: Partial<BallastVariableQuery>) => onChange({ ...q, ...patch });
  return (
    <InlineFieldRow>
      <InlineField label="Values of" labelWidth={LABEL_WIDTH}>
        <Select
          inputId="ballast-variable-type"
          aria-label="Variable values"
          width={24}
          options={VARIABLE_TYPES}
          value={q.variableType}
          onChange={(v) => update({ variableType: v.value!, businessLine: undefined, team: undefined })}
        />
      </InlineField>
      {q.variableType === 'teams' && (
        <InlineField
          label="Business line"
          labelWidth={LABEL_WIDTH}
          tooltip="Business line id or a variable such as $businessLine; empty: all"
        >
          <Input
            aria-label="Business line"
            width={24}
            placeholder="all"
            defaultValue={q.businessLine ?? ''}
            onBlur={(e: React.FocusEvent<HTMLInputElement>) =>
              update({ businessLine: e.currentTarget.value.trim() || undefined })
            }
          />
        </InlineField>
      )}
      {q.variableType === 'services' && (
        <InlineField label="Team" labelWidth={8} tooltip="Team id or a variable such as $team; empty: all">
          <Input
            aria-label="Team"
            width={24}
            placeholder="all"
            defaultValue={q.team ?? ''}
            onBlur={(e: React.FocusEvent<HTMLInputElement>) =>
              update({ team: e.currentTarget.value.trim() || undefined })
            }
          />
        </InlineField>
      )}
    </InlineFieldRow>
  );
}
