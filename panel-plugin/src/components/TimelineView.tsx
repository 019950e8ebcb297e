/**
 * The timeline: a lane per team or service; incidents as bars from start to recovery coloured by
 * priority, changes as ticks (freeze violations marked, suspects highlighted), freeze windows as
 * shaded bands, on the dashboard's time axis. Drag across the plot to zoom the dashboard.
 * One SVG; hover and drag use event delegation (data-i attributes), so 5,000 items stay light.
 * This file only renders: the layout is data/timelineLayout.ts, what is under the pointer
 * data/timelineHitTest.ts, the hover cards TimelineTooltips.tsx.
 */
import React, { useMemo, useRef, useState } from 'react';
import { css } from '@emotion/css';
import { AbsoluteTimeRange, colorManipulator, dateTimeFormat, GrafanaTheme2 } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { Portal, useStyles2, useTheme2, VizTooltipContainer } from '@grafana/ui';
import { Change, freezeCovers, Incident, laneOf, priorityColorName, TimelineData } from '../data/timeline';
import { changeAt, changesByLane, clampToPlot, zoomRange } from '../data/timelineHitTest';
import {
  axisTicks,
  changePaths,
  freezeSpan,
  incidentBar,
  LANE_LABEL_WIDTH,
  timelineGeometry,
  timelineModel,
} from '../data/timelineLayout';
import { LaneBy } from '../types';
import { ChangeTooltip, IncidentTooltip } from './TimelineTooltips';

export interface TimelineViewProps {
  data: TimelineData;
  width: number;
  height: number;
  from: number;
  to: number;
  timeZone?: TimeZone;
  onChangeTimeRange: (range: AbsoluteTimeRange) => void;
  laneBy: LaneBy;
  suspectMinutes: number;
  showChanges: boolean;
  showFreezes: boolean;
}

type Hover =
  | { kind: 'incident'; item: Incident; x: number; y: number }
  | { kind: 'change'; item: Change; x: number; y: number }
  | null;

export function TimelineView(props: TimelineViewProps) {
  const {
    data,
    width,
    height,
    from,
    to,
    timeZone,
    onChangeTimeRange,
    laneBy,
    suspectMinutes,
    showChanges,
    showFreezes,
  } = props;
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const [hover, setHover] = useState<Hover>(null);
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null);
  const svgRef = useRef<SVGSVGElement>(null);

  const model = useMemo(
    () => timelineModel(data, { from, to, laneBy, suspectMinutes, showChanges, showFreezes }),
    [data, from, to, laneBy, suspectMinutes, showChanges, showFreezes]
  );
  const g = useMemo(
    () => timelineGeometry(width, height, from, to, model.lanes.length),
    [width, height, from, to, model.lanes.length]
  );
  const { plotTop, plotWidth, laneHeight, svgHeight, xOf } = g;
  const laneY = (lane: string) => g.laneTop(model.laneIndex.get(lane) ?? 0);
  const ticks = useMemo(() => axisTicks(from, to, plotWidth, timeZone), [from, to, plotWidth, timeZone]);
  const paths = useMemo(() => changePaths(model, g, laneBy), [model, g, laneBy]);
  const byLane = useMemo(() => changesByLane(model.changes, laneBy), [model, laneBy]);

  const hoveredSuspects =
    hover?.kind === 'incident' ? new Set((model.suspects.get(hover.item.id) ?? []).map((c) => c.id)) : null;

  const localX = (e: React.MouseEvent) => clampToPlot(e.clientX - svgRef.current!.getBoundingClientRect().left, g);
  const onMouseMove = (e: React.MouseEvent<SVGSVGElement>) => {
    if (drag) {
      setDrag({ ...drag, x1: localX(e) });
      return;
    }
    const target = e.target as Element;
    const kind = target.getAttribute?.('data-kind');
    const i = Number(target.getAttribute?.('data-i'));
    if (kind === 'incident') {
      setHover({ kind, item: model.incidents[i], x: e.clientX, y: e.clientY });
      return;
    }
    const rect = svgRef.current!.getBoundingClientRect();
    const change = changeAt(e.clientX - rect.left, e.clientY - rect.top, model, byLane, g);
    if (change) {
      setHover({ kind: 'change', item: change, x: e.clientX, y: e.clientY });
    } else if (hover) {
      setHover(null);
    }
  };
  const onMouseDown = (e: React.MouseEvent<SVGSVGElement>) => {
    if (e.button !== 0) {
      return;
    }
    const x = localX(e);
    setDrag({ x0: x, x1: x });
    setHover(null);
  };
  const onMouseUp = () => {
    const range = drag && zoomRange(drag.x0, drag.x1, g);
    if (range) {
      onChangeTimeRange(range);
    }
    setDrag(null);
  };

  const red = theme.visualization.getColorByName('red');
  const suspectColor = theme.visualization.getColorByName('purple');
  const freezeColor = theme.visualization.getColorByName('blue');
  const tickColor = theme.colors.text.secondary;

  return (
    <div className={styles.wrapper} style={{ width, height }} data-testid="ballast-timeline">
      <svg
        ref={svgRef}
        width={width - 4}
        height={svgHeight}
        role="img"
        aria-label={`Timeline: ${model.incidents.length} incidents, ${model.changes.length} changes, ${model.freezes.length} freeze windows in ${model.lanes.length} lanes`}
        onMouseMove={onMouseMove}
        onMouseDown={onMouseDown}
        onMouseUp={onMouseUp}
        onMouseLeave={() => {
          setHover(null);
          setDrag(null);
        }}
        className={styles.svg}
      >
        <defs>
          <pattern
            id="ballast-freeze-hatch"
            width="8"
            height="8"
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width="8" height="8" fill={colorManipulator.alpha(freezeColor, 0.1)} />
            <line x1="0" y1="0" x2="0" y2="8" stroke={colorManipulator.alpha(freezeColor, 0.35)} strokeWidth="2" />
          </pattern>
        </defs>
        {/* Legend */}
        <g className={styles.legend} transform={`translate(${LANE_LABEL_WIDTH}, 14)`}>
          {
            [
              ['P0–P1', theme.visualization.getColorByName('red'), 'bar'],
              ['P2', theme.visualization.getColorByName('orange'), 'bar'],
              ['P3', theme.visualization.getColorByName('yellow'), 'bar'],
              ['other', theme.visualization.getColorByName('blue'), 'bar'],
              ['change', tickColor, 'tick'],
              [`suspect (≤ ${suspectMinutes} min before)`, suspectColor, 'tick'],
              ['freeze violation', red, 'violation'],
              ['freeze window', 'url(#ballast-freeze-hatch)', 'band'],
            ].reduce<{ x: number; nodes: React.ReactNode[] }>(
              (acc, [label, color, shape]) => {
                const w = 18 + label.length * 6.2 + 14;
                acc.nodes.push(
                  <g key={label} transform={`translate(${acc.x}, 0)`}>
                    {shape === 'bar' && <rect x={0} y={-8} width={14} height={8} rx={2} fill={color} />}
                    {shape === 'tick' && <rect x={6} y={-10} width={2} height={12} fill={color} />}
                    {shape === 'violation' && <path d="M7 -11 L11 -5 L7 1 L3 -5 Z" fill={color} />}
                    {shape === 'band' && <rect x={0} y={-10} width={14} height={12} fill={color} />}
                    <text x={18} y={0}>
                      {label}
                    </text>
                  </g>
                );
                acc.x += w;
                return acc;
              },
              { x: 0, nodes: [] }
            ).nodes
          }
        </g>
        {/* Axis */}
        <g className={styles.axis}>
          {ticks.map(({ t, label }) => (
            <g key={t} transform={`translate(${xOf(t)}, 0)`}>
              <line y1={plotTop - 4} y2={svgHeight} className={styles.grid} />
              <text y={plotTop - 8} textAnchor="middle">
                {label}
              </text>
            </g>
          ))}
        </g>
        {/* Lanes */}
        {model.lanes.map((lane, i) => (
          <g key={lane}>
            {i % 2 === 1 && (
              <rect x={0} y={laneY(lane)} width={width} height={laneHeight} className={styles.laneStripe} />
            )}
            <text x={6} y={laneY(lane) + laneHeight / 2 + 4} className={styles.laneLabel}>
              {lane.length > 22 ? `${lane.slice(0, 21)}…` : lane}
            </text>
          </g>
        ))}
        {/* Freeze windows: a band over every lane they cover */}
        <g data-testid="freezes">
          {model.freezes.map((z) => {
            const { x: x0, width: w } = freezeSpan(z, g);
            const covered = model.lanes.filter((l) =>
              freezeCovers(z, model.laneScope.get(l) ?? { businessLine: null, team: null, service: null })
            );
            const whole = z.businessLine === null && z.team === null && z.service === null;
            return (
              <g key={z.id} data-freeze={z.id}>
                <title>{`Freeze window ${z.name}: ${dateTimeFormat(z.start, { timeZone })} – ${dateTimeFormat(z.end, { timeZone })}`}</title>
                {whole ? (
                  <rect x={x0} y={plotTop} width={w} height={svgHeight - plotTop} fill="url(#ballast-freeze-hatch)" />
                ) : (
                  covered.map((l) => (
                    <rect key={l} x={x0} y={laneY(l)} width={w} height={laneHeight} fill="url(#ballast-freeze-hatch)" />
                  ))
                )}
              </g>
            );
          })}
        </g>
        {/* Changes: ticks; suspects highlighted; freeze violations marked */}
        <g data-testid="changes">
          {paths.map((p) => (
            <g key={p.lane} data-lane={p.lane}>
              {p.normal.count > 0 && (
                <path
                  data-changes="normal"
                  data-count={p.normal.count}
                  d={p.normal.d}
                  stroke={tickColor}
                  strokeOpacity={0.75}
                  strokeWidth={2}
                />
              )}
              {p.suspect.count > 0 && (
                <path
                  data-changes="suspect"
                  data-count={p.suspect.count}
                  d={p.suspect.d}
                  stroke={suspectColor}
                  strokeWidth={3}
                />
              )}
              {p.violations.count > 0 && (
                <path
                  data-changes="violation"
                  data-count={p.violations.count}
                  d={p.violations.d}
                  fill={red}
                  stroke={theme.colors.background.primary}
                  strokeWidth={1}
                />
              )}
            </g>
          ))}
          {hoveredSuspects && hoveredSuspects.size > 0 && (
            <path
              data-changes="hovered-suspects"
              data-count={hoveredSuspects.size}
              pointerEvents="none"
              d={model.changes
                .filter((c) => hoveredSuspects.has(c.id))
                .map(
                  (c) =>
                    `M${xOf(c.time).toFixed(1)} ${laneY(laneOf(c, laneBy)) + 1}V${laneY(laneOf(c, laneBy)) + laneHeight - 1}`
                )
                .join('')}
              stroke={theme.colors.text.primary}
              strokeWidth={4}
              strokeOpacity={0.9}
            />
          )}
        </g>
        {/* Incidents: bars from start to recovery (open ones run to the range end) */}
        <g data-testid="incidents">
          {model.incidents.map((inc, i) => {
            const bar = incidentBar(inc, g, model.laneIndex.get(laneOf(inc, laneBy)) ?? 0);
            const color = theme.visualization.getColorByName(priorityColorName(inc.priority));
            return (
              <rect
                key={inc.id}
                data-kind="incident"
                data-i={i}
                data-priority={inc.priority}
                x={bar.x}
                y={bar.y}
                width={bar.width}
                height={bar.height}
                rx={2}
                fill={color}
                stroke={inc.end === null ? theme.colors.text.primary : 'none'}
                strokeDasharray={inc.end === null ? '3 2' : undefined}
                className={styles.bar}
              />
            );
          })}
        </g>
        {drag && Math.abs(drag.x1 - drag.x0) > 0 && (
          <rect
            data-testid="zoom-selection"
            x={Math.min(drag.x0, drag.x1)}
            y={plotTop}
            width={Math.abs(drag.x1 - drag.x0)}
            height={svgHeight - plotTop}
            fill={colorManipulator.alpha(theme.colors.primary.main, 0.2)}
            stroke={theme.colors.primary.border}
          />
        )}
      </svg>
      {hover && (
        <Portal>
          <VizTooltipContainer position={{ x: hover.x, y: hover.y }} offset={{ x: 12, y: 12 }}>
            {hover.kind === 'incident' ? (
              <IncidentTooltip
                incident={hover.item}
                suspects={model.suspects.get(hover.item.id) ?? []}
                suspectMinutes={suspectMinutes}
                timeZone={timeZone}
              />
            ) : (
              <ChangeTooltip change={hover.item} timeZone={timeZone} suspect={model.suspectIds.has(hover.item.id)} />
            )}
          </VizTooltipContainer>
        </Portal>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({ overflowY: 'auto', overflowX: 'hidden', position: 'relative' }),
  svg: css({ display: 'block', userSelect: 'none', cursor: 'crosshair', fontFamily: theme.typography.fontFamily }),
  legend: css({ fontSize: 11, fill: theme.colors.text.secondary }),
  axis: css({ fontSize: 11, fill: theme.colors.text.secondary }),
  grid: css({ stroke: theme.colors.border.weak, strokeWidth: 1 }),
  laneStripe: css({ fill: theme.colors.background.secondary, opacity: 0.5 }),
  laneLabel: css({ fontSize: 12, fill: theme.colors.text.primary }),
  bar: css({ cursor: 'pointer' }),
});
