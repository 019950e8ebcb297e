import React from 'react';
import { css } from '@emotion/css';
import { AnnotationQuery, GrafanaTheme2, QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, RadioButtonGroup, Select, useStyles2 } from '@grafana/ui';
import type { DataSource } from '../datasource';
import { ANNOTATION_LAYERS } from '../annotationLayers';
import { ANNOTATION_SOURCES, AnnotationSource, BallastOptions, BallastQuery, CHANGE_KINDS } from '../types';
import { LABEL_WIDTH, ScopeFields, useOrg } from './ScopeFields';

/**
 * What Grafana passes an annotation editor (AnnotationSupport.QueryEditor): the query, and the layer
 * around it (public/app/features/annotations/components/StandardAnnotationQueryEditor.tsx passes
 * `annotation` and `onAnnotationChange`, which replaces the whole layer, target included).
 */
type Props = QueryEditorProps<DataSource, BallastQuery, BallastOptions> & {
  annotation?: AnnotationQuery<BallastQuery>;
  onAnnotationChange?: (annotation: AnnotationQuery<BallastQuery>) => void;
};

const SOURCES: Array<SelectableValue<AnnotationSource>> = ANNOTATION_SOURCES.map((s) => ({
  label: ANNOTATION_LAYERS[s].name,
  value: s,
  description: ANNOTATION_LAYERS[s].description,
}));

const isLayerName = (name: string | undefined) =>
  !name || Object.values(ANNOTATION_LAYERS).some((l) => l.name === name);

/**
 * Annotation query editor: which records become events, filtered by business line, team, service
 * and change kind. Choosing a source also gives the layer that source's colour (and name, unless
 * the user named it), since Grafana draws every event of a layer in the layer's iconColor.
 */
export function AnnotationEditor({ query, onChange, datasource, annotation, onAnnotationChange }: Props) {
  const styles = useStyles2(getStyles);
  const org = useOrg(datasource);
  const source = query.annotationSource ?? 'changes';
  const isChangeSource = source === 'changes' || source === 'failedChanges' || source === 'freezeViolations';
  const update = (patch: Partial<BallastQuery>) => onChange({ ...query, queryType: 'annotations', ...patch });
  const chooseSource = (next: AnnotationSource) => {
    const target: BallastQuery = { ...query, queryType: 'annotations', annotationSource: next };
    if (annotation && onAnnotationChange) {
      const layer = ANNOTATION_LAYERS[next];
      onAnnotationChange({
        ...annotation,
        iconColor: layer.iconColor,
        name: isLayerName(annotation.name) ? layer.name : annotation.name,
        target,
      });
    } else {
      onChange(target);
    }
  };
  return (
    <div className={styles.editor} data-testid="ballast-annotation-editor">
      <InlineFieldRow>
        <InlineField label="Show" labelWidth={LABEL_WIDTH}>
          <RadioButtonGroup options={SOURCES} value={source} onChange={chooseSource} />
        </InlineField>
        {isChangeSource && (
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
              onChange={(v: SelectableValue<string> | Array<SelectableValue<string>>) =>
                update({ kind: (Array.isArray(v) ? v : v ? [v] : []).map((o) => o.value).join(',') || undefined })
              }
            />
          </InlineField>
        )}
      </InlineFieldRow>
      <InlineFieldRow>
        <ScopeFields
          org={org}
          businessLine={query.businessLine}
          team={query.team}
          service={query.service}
          onChange={(patch) => update(patch)}
        />
      </InlineFieldRow>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  editor: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) }),
});
