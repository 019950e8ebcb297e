import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, RadioButtonGroup, Select, useStyles2 } from '@grafana/ui';
import type { DataSource } from '../datasource';
import { AnnotationSource, BallastOptions, BallastQuery, CHANGE_KINDS } from '../types';
import { LABEL_WIDTH, ScopeFields, useOrg } from './ScopeFields';

type Props = QueryEditorProps<DataSource, BallastQuery, BallastOptions>;

const SOURCES: Array<SelectableValue<AnnotationSource>> = [
  { label: 'Changes', value: 'changes', description: 'Points; freeze violations are marked' },
  { label: 'Incidents', value: 'incidents', description: 'Regions from start to recovery' },
  { label: 'Freeze windows', value: 'freezes', description: 'Regions, each occurrence of a recurring window' },
];

/** Annotation query editor: which records become events, filtered by business line, team, service and change kind. */
export function AnnotationEditor({ query, onChange, datasource }: Props) {
  const styles = useStyles2(getStyles);
  const org = useOrg(datasource);
  const source = query.annotationSource ?? 'changes';
  const update = (patch: Partial<BallastQuery>) => onChange({ ...query, queryType: 'annotations', ...patch });
  return (
    <div className={styles.editor} data-testid="ballast-annotation-editor">
      <InlineFieldRow>
        <InlineField label="Show" labelWidth={LABEL_WIDTH}>
          <RadioButtonGroup options={SOURCES} value={source} onChange={(v) => update({ annotationSource: v })} />
        </InlineField>
        {source === 'changes' && (
          <InlineField label="Kind" labelWidth={7}>
            <Select
              inputId="ballast-anno-kind"
              aria-label="Change kind"
              width={30}
              isMulti
              isClearable
              placeholder="all kinds"
              options={CHANGE_KINDS.map((k) => ({ label: k.replace(/_/g, ' '), value: k }))}
              value={query.kind ? query.kind.split(',') : []}
              onChange={(v: SelectableValue<string> | Array<SelectableValue<string>>) => update({ kind: (Array.isArray(v) ? v : v ? [v] : []).map((o) => o.value).join(',') || undefined })}
            />
          </InlineField>
        )}
      </InlineFieldRow>
      <InlineFieldRow>
        <ScopeFields org={org} businessLine={query.businessLine} team={query.team} service={query.service} onChange={(patch) => update(patch)} />
      </InlineFieldRow>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  editor: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) }),
});
