/**
 * The panel: picks the view, reads the frames and says plainly what is missing when it cannot
 * show anything (loading, query error, no frames, frames of the wrong kind, no KPI selected).
 */
import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import { DataFrame, GrafanaTheme2, LoadingState, PanelProps } from '@grafana/data';
import { Alert, EmptyState, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { parseScorecard } from '../data/scorecard';
import { parseTimeline } from '../data/timeline';
import { KPI_BY_KEY, KpiInfo } from '../kpis';
import { DEFAULT_OPTIONS, ScorecardOptions } from '../types';
import { ScorecardView } from './ScorecardView';
import { TimelineView } from './TimelineView';

const NOTES_HEIGHT = 22;

export function BallastPanel(props: PanelProps<ScorecardOptions>) {
  const { data, width, height } = props;
  const options = { ...DEFAULT_OPTIONS, ...props.options };
  const styles = useStyles2(getStyles);
  const frames = data.series;
  const loading = data.state === LoadingState.Loading || data.state === LoadingState.NotStarted;

  if (data.state === LoadingState.Error && frames.length === 0) {
    const messages = (data.errors ?? (data.error ? [data.error] : []))
      .map((e) => `${e.refId ? `${e.refId}: ` : ''}${e.message ?? 'unknown error'}`)
      .filter(Boolean);
    return (
      <div className={styles.state} style={{ width, height }}>
        <Alert severity="error" title={`The ${options.view} query failed`}>
          {messages.length ? messages.join('; ') : 'The data source returned an error without a message.'}
        </Alert>
      </div>
    );
  }
  if (loading && frames.length === 0) {
    return (
      <div className={styles.state} style={{ width, height }}>
        <LoadingPlaceholder
          text={options.view === 'timeline' ? 'Loading incidents, changes and freeze windows…' : 'Loading scorecard…'}
        />
      </div>
    );
  }
  return options.view === 'timeline' ? (
    <TimelineBody {...props} options={options} />
  ) : (
    <ScorecardBody {...props} options={options} />
  );
}

function Empty({
  width,
  height,
  message,
  children,
}: {
  width: number;
  height: number;
  message: string;
  children: React.ReactNode;
}) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.state} style={{ width, height }} data-testid="ballast-empty">
      <EmptyState variant="not-found" message={message} hideImage={height < 260}>
        {children}
      </EmptyState>
    </div>
  );
}

function describeFrames(frames: DataFrame[]) {
  return `${frames.length} frame${frames.length === 1 ? '' : 's'}`;
}

function ScorecardBody({ data, width, height, options, replaceVariables }: PanelProps<ScorecardOptions>) {
  const styles = useStyles2(getStyles);
  const model = useMemo(
    () => parseScorecard(data.series, { window: options.window, previousRefId: options.previousRefId }),
    [data.series, options.window, options.previousRefId]
  );
  const kpis: KpiInfo[] = useMemo(() => {
    const present = new Map(model.kpis.map((k) => [k.key, k]));
    if (!options.kpis || options.kpis.length === 0) {
      return model.kpis;
    }
    return options.kpis.filter((k) => present.has(k)).map((k) => present.get(k)!);
  }, [model.kpis, options.kpis]);

  if (data.series.length === 0) {
    return (
      <Empty width={width} height={height} message="No data for the scorecard">
        The queries returned nothing. Add a Ballast data source query of type <b>Scorecard</b>, or Prometheus queries of
        the <code>stability_*</code> KPI gauges with <code>stability_kpi_window_target</code>.
      </Empty>
    );
  }
  if (model.source === 'none') {
    return (
      <Empty width={width} height={height} message="These frames are not a scorecard">
        The queries returned {describeFrames(data.series)}, but none is a Ballast Scorecard frame or a Prometheus series
        of a <code>stability_&lt;kpi&gt;</code> gauge (e.g. <code>{'stability_mttr_seconds{window="ytd"}'}</code>).
      </Empty>
    );
  }
  if (model.scopes.length === 0) {
    return (
      <Empty width={width} height={height} message="No scopes in the data">
        The {model.source === 'ballast' ? 'Ballast scorecard' : 'Prometheus'} frames hold no org, business line or team
        with a KPI value
        {model.window ? ` for window ${model.window}` : ''}.
      </Empty>
    );
  }
  if (kpis.length === 0) {
    const missing = options.kpis
      .filter((k) => !model.kpis.some((m) => m.key === k))
      .map((k) => KPI_BY_KEY.get(k)?.title ?? k);
    return (
      <Empty width={width} height={height} message="None of the chosen KPIs is in the data">
        Chosen in the panel options: {missing.join(', ')}. The data has: {model.kpis.map((k) => k.title).join(', ')}.
      </Empty>
    );
  }
  const notes = [...model.notes];
  const absent = options.kpis.filter((k) => !model.kpis.some((m) => m.key === k));
  if (absent.length > 0) {
    notes.push(`Not in the data: ${absent.map((k) => KPI_BY_KEY.get(k)?.title ?? k).join(', ')}.`);
  }
  const bodyHeight = height - (notes.length > 0 ? NOTES_HEIGHT : 0);
  return (
    <div style={{ width, height }}>
      {notes.length > 0 && (
        <div className={styles.notes} title={notes.join('\n')} data-testid="ballast-notes">
          {notes.join(' ')}
        </div>
      )}
      <ScorecardView
        model={model}
        kpis={kpis}
        width={width}
        height={bodyHeight}
        showScore={options.showScore && model.scopes.some((s) => s.score !== null)}
        showTargets={options.showTargets}
        collapsedByDefault={options.collapsed}
        scopeLink={options.scopeLink}
        cellLink={options.cellLink}
        replaceVariables={replaceVariables ?? ((s: string) => s)}
      />
    </div>
  );
}

function TimelineBody({
  data,
  width,
  height,
  options,
  timeRange,
  timeZone,
  onChangeTimeRange,
}: PanelProps<ScorecardOptions>) {
  const timeline = useMemo(() => parseTimeline(data.series), [data.series]);
  const from = timeRange.from.valueOf();
  const to = timeRange.to.valueOf();
  if (timeline.incidents.length + timeline.changes.length + timeline.freezes.length === 0) {
    return (
      <Empty width={width} height={height} message="No incidents, changes or freeze windows">
        {data.series.length === 0
          ? 'The queries returned nothing in this time range. '
          : `The queries returned ${describeFrames(data.series)}, none of them incidents, changes or freeze windows. `}
        Add Ballast data source queries of type <b>Incidents</b>, <b>Changes</b> and <b>Freeze windows</b> (tables).
      </Empty>
    );
  }
  return (
    <TimelineView
      data={timeline}
      width={width}
      height={height}
      from={from}
      to={to}
      timeZone={timeZone}
      onChangeTimeRange={onChangeTimeRange}
      laneBy={options.laneBy}
      suspectMinutes={options.suspectMinutes}
      showChanges={options.showChanges}
      showFreezes={options.showFreezes}
    />
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  state: css({
    display: 'flex',
    flexDirection: 'column',
    justifyContent: 'center',
    padding: theme.spacing(1),
    overflow: 'auto',
  }),
  notes: css({
    height: NOTES_HEIGHT,
    lineHeight: `${NOTES_HEIGHT}px`,
    color: theme.colors.warning.text,
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    padding: theme.spacing(0, 1),
  }),
});
