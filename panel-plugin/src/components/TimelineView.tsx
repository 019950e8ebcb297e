/**
 * The timeline: a lane per team or service; incidents as bars from start to recovery coloured by
 * priority, changes as ticks (freeze violations marked, suspects highlighted), freeze windows as
 * shaded bands, on the dashboard's time axis. Drag across the plot to zoom the dashboard.
 * One SVG; hover and drag use event delegation (data-i attributes), so 5,000 items stay light.
 */
import React, { useMemo, useRef, useState } from 'react';
import { css } from '@emotion/css';
import { AbsoluteTimeRange, colorManipulator, dateTimeFormat, GrafanaTheme2, TimeZone } from '@grafana/data';
import { Portal, useStyles2, useTheme2, VizTooltipContainer } from '@grafana/ui';
import { Change, freezeCovers, Incident, laneOf, priorityColorName, suspectChanges, TimelineData } from '../data/timeline';
import { formatDuration } from '../kpis';
import { LaneBy } from '../types';

export const LANE_LABEL_WIDTH = 150;
const AXIS_HEIGHT = 24;
const LEGEND_HEIGHT = 22;
const MIN_LANE = 22;
const MAX_LANE = 40;

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

type PathAcc = { d: string; count: number };
type Hover = { kind: 'incident'; item: Incident; x: number; y: number } | { kind: 'change'; item: Change; x: number; y: number } | null;

const STEPS = [60e3, 5 * 60e3, 15 * 60e3, 30 * 60e3, 3600e3, 3 * 3600e3, 6 * 3600e3, 12 * 3600e3, 86400e3, 2 * 86400e3, 7 * 86400e3, 14 * 86400e3, 30 * 86400e3, 91 * 86400e3];

export function axisTicks(from: number, to: number, plotWidth: number, timeZone?: TimeZone) {
  const wanted = Math.max(2, Math.floor(plotWidth / 110));
  const step = STEPS.find((s) => (to - from) / s <= wanted) ?? STEPS[STEPS.length - 1];
  const format = step >= 86400e3 ? 'MMM DD' : (to - from) > 86400e3 ? 'MM-DD HH:mm' : 'HH:mm';
  const ticks: Array<{ t: number; label: string }> = [];
  // Align on the step in the dashboard's time zone's offset at `from`.
  const offset = new Date(from).getTimezoneOffset() * 60e3 * (timeZone === 'utc' ? 0 : 1);
  for (let t = Math.ceil((from - offset) / step) * step + offset; t <= to; t += step) {
    ticks.push({ t, label: dateTimeFormat(t, { format, timeZone }) });
  }
  return ticks;
}

export function TimelineView(props: TimelineViewProps) {
  const { data, width, height, from, to, timeZone, onChangeTimeRange, laneBy, suspectMinutes, showChanges, showFreezes } = props;
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const [hover, setHover] = useState<Hover>(null);
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null);
  const svgRef = useRef<SVGSVGElement>(null);

  const plotWidth = Math.max(50, width - LANE_LABEL_WIDTH - 8);
  const span = Math.max(1, to - from);
  const xOf = (t: number) => LANE_LABEL_WIDTH + ((t - from) / span) * plotWidth;
  const tOf = (x: number) => from + ((x - LANE_LABEL_WIDTH) / plotWidth) * span;

  const model = useMemo(() => {
    const incidents = data.incidents.filter((i) => i.start <= to && (i.end ?? to) >= from);
    const changes = showChanges ? data.changes.filter((c) => c.time >= from && c.time <= to) : [];
    const freezes = showFreezes ? data.freezes.filter((z) => z.start <= to && z.end >= from) : [];
    // Suspects are searched among all changes (one may precede the visible range).
    const suspects = suspectChanges(incidents, data.changes, suspectMinutes * 60e3);
    const suspectIds = new Set<string>();
    for (const list of suspects.values()) {
      list.forEach((c) => suspectIds.add(c.id));
    }
    const laneSet = new Set<string>();
    incidents.forEach((i) => laneSet.add(laneOf(i, laneBy)));
    changes.forEach((c) => laneSet.add(laneOf(c, laneBy)));
    // Lanes with incidents first, then by name.
    const withIncidents = new Set(incidents.map((i) => laneOf(i, laneBy)));
    const lanes = [...laneSet].sort((a, b) => Number(withIncidents.has(b)) - Number(withIncidents.has(a)) || a.localeCompare(b));
    const laneIndex = new Map(lanes.map((l, i) => [l, i]));
    // What each lane is made of, to know which freezes cover it.
    const laneScope = new Map<string, { businessLine: string | null; team: string | null; service: string | null }>();
    for (const c of data.changes) {
      const l = laneOf(c, laneBy);
      if (laneIndex.has(l) && !laneScope.has(l)) {
        laneScope.set(l, { businessLine: c.businessLine, team: c.team, service: laneBy === 'service' ? c.service : null });
      }
    }
    incidents.forEach((i) => {
      const l = laneOf(i, laneBy);
      if (!laneScope.has(l)) {
        laneScope.set(l, { businessLine: null, team: i.team, service: laneBy === 'service' ? i.service : null });
      }
    });
    return { incidents, changes, freezes, suspects, suspectIds, lanes, laneIndex, laneScope };
  }, [data, from, to, laneBy, suspectMinutes, showChanges, showFreezes]);

  const plotTop = LEGEND_HEIGHT + AXIS_HEIGHT;
  const laneHeight = Math.min(MAX_LANE, Math.max(MIN_LANE, Math.floor((height - plotTop - 4) / Math.max(1, model.lanes.length))));
  const svgHeight = Math.max(height - 4, plotTop + laneHeight * model.lanes.length);
  const laneY = (lane: string) => plotTop + (model.laneIndex.get(lane) ?? 0) * laneHeight;
  const ticks = useMemo(() => axisTicks(from, to, plotWidth, timeZone), [from, to, plotWidth, timeZone]);

  // Changes are drawn as one path per lane and kind (thousands of ticks, a few dozen elements);
  // hovering finds the nearest change in the lane under the pointer instead.
  const changePaths = useMemo(() => {
    const byLane = new Map<string, { lane: string; normal: PathAcc; suspect: PathAcc; violations: PathAcc }>();
    const acc = () => ({ d: '', count: 0 });
    for (const c of model.changes) {
      const lane = laneOf(c, laneBy);
      let p = byLane.get(lane);
      if (!p) {
        p = { lane, normal: acc(), suspect: acc(), violations: acc() };
        byLane.set(lane, p);
      }
      const x = xOf(c.time).toFixed(1);
      const y = laneY(lane);
      const target = model.suspectIds.has(c.id) ? p.suspect : p.normal;
      target.d += `M${x} ${y + 3}V${y + laneHeight - 3}`;
      target.count++;
      if (c.freezeViolation) {
        p.violations.d += `M${x} ${y + 1}l4 5l-4 5l-4 -5Z`;
        p.violations.count++;
      }
    }
    return [...byLane.values()];
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [model, laneBy, laneHeight, from, to, plotWidth]);
  const changesByLane = useMemo(() => {
    const m = new Map<string, Change[]>();
    for (const c of model.changes) {
      const lane = laneOf(c, laneBy);
      const list = m.get(lane);
      list ? list.push(c) : m.set(lane, [c]);
    }
    m.forEach((list) => list.sort((a, b) => a.time - b.time));
    return m;
  }, [model, laneBy]);
  const changeAt = (x: number, y: number): Change | null => {
    const lane = model.lanes[Math.floor((y - plotTop) / laneHeight)];
    const list = lane === undefined ? undefined : changesByLane.get(lane);
    if (!list || x < LANE_LABEL_WIDTH) {
      return null;
    }
    const t = tOf(x);
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      list[mid].time < t ? (lo = mid + 1) : (hi = mid);
    }
    let best: Change | null = null;
    for (const c of [list[lo - 1], list[lo]]) {
      if (c && Math.abs(xOf(c.time) - x) <= 4 && (!best || Math.abs(xOf(c.time) - x) < Math.abs(xOf(best.time) - x))) {
        best = c;
      }
    }
    return best;
  };

  const hoveredSuspects = hover?.kind === 'incident' ? new Set((model.suspects.get(hover.item.id) ?? []).map((c) => c.id)) : null;

  const localX = (e: React.MouseEvent) => {
    const rect = svgRef.current!.getBoundingClientRect();
    return Math.min(LANE_LABEL_WIDTH + plotWidth, Math.max(LANE_LABEL_WIDTH, e.clientX - rect.left));
  };
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
    const change = changeAt(e.clientX - rect.left, e.clientY - rect.top);
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
    if (drag && Math.abs(drag.x1 - drag.x0) >= 4) {
      const a = tOf(Math.min(drag.x0, drag.x1));
      const b = tOf(Math.max(drag.x0, drag.x1));
      onChangeTimeRange({ from: Math.round(a), to: Math.round(b) });
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
          <pattern id="ballast-freeze-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="8" height="8" fill={colorManipulator.alpha(freezeColor, 0.1)} />
            <line x1="0" y1="0" x2="0" y2="8" stroke={colorManipulator.alpha(freezeColor, 0.35)} strokeWidth="2" />
          </pattern>
        </defs>
        {/* Legend */}
        <g className={styles.legend} transform={`translate(${LANE_LABEL_WIDTH}, 14)`}>
          {[
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
          ).nodes}
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
            {i % 2 === 1 && <rect x={0} y={laneY(lane)} width={width} height={laneHeight} className={styles.laneStripe} />}
            <text x={6} y={laneY(lane) + laneHeight / 2 + 4} className={styles.laneLabel}>
              {lane.length > 22 ? `${lane.slice(0, 21)}…` : lane}
            </text>
          </g>
        ))}
        {/* Freeze windows: a band over every lane they cover */}
        <g data-testid="freezes">
          {model.freezes.map((z) => {
            const x0 = Math.max(LANE_LABEL_WIDTH, xOf(z.start));
            const x1 = Math.min(LANE_LABEL_WIDTH + plotWidth, xOf(z.end));
            const covered = model.lanes.filter((l) => freezeCovers(z, model.laneScope.get(l) ?? { businessLine: null, team: null, service: null }));
            const whole = z.businessLine === null && z.team === null && z.service === null;
            return (
              <g key={z.id} data-freeze={z.id}>
                <title>{`Freeze window ${z.name}: ${dateTimeFormat(z.start, { timeZone })} – ${dateTimeFormat(z.end, { timeZone })}`}</title>
                {whole ? (
                  <rect x={x0} y={plotTop} width={Math.max(1, x1 - x0)} height={svgHeight - plotTop} fill="url(#ballast-freeze-hatch)" />
                ) : (
                  covered.map((l) => (
                    <rect key={l} x={x0} y={laneY(l)} width={Math.max(1, x1 - x0)} height={laneHeight} fill="url(#ballast-freeze-hatch)" />
                  ))
                )}
              </g>
            );
          })}
        </g>
        {/* Changes: ticks; suspects highlighted; freeze violations marked */}
        <g data-testid="changes">
          {changePaths.map((p) => (
            <g key={p.lane} data-lane={p.lane}>
              {p.normal.count > 0 && (
                <path data-changes="normal" data-count={p.normal.count} d={p.normal.d} stroke={tickColor} strokeOpacity={0.75} strokeWidth={2} />
              )}
              {p.suspect.count > 0 && (
                <path data-changes="suspect" data-count={p.suspect.count} d={p.suspect.d} stroke={suspectColor} strokeWidth={3} />
              )}
              {p.violations.count > 0 && (
                <path data-changes="violation" data-count={p.violations.count} d={p.violations.d} fill={red} stroke={theme.colors.background.primary} strokeWidth={1} />
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
                .map((c) => `M${xOf(c.time).toFixed(1)} ${laneY(laneOf(c, laneBy)) + 1}V${laneY(laneOf(c, laneBy)) + laneHeight - 1}`)
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
            const x0 = Math.max(LANE_LABEL_WIDTH, xOf(inc.start));
            const x1 = Math.min(LANE_LABEL_WIDTH + plotWidth, xOf(inc.end ?? to));
            const y = laneY(laneOf(inc, laneBy));
            const color = theme.visualization.getColorByName(priorityColorName(inc.priority));
            const barH = Math.max(8, Math.round(laneHeight * 0.45));
            return (
              <rect
                key={inc.id}
                data-kind="incident"
                data-i={i}
                data-priority={inc.priority}
                x={x0}
                y={y + (laneHeight - barH) / 2}
                width={Math.max(3, x1 - x0)}
                height={barH}
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
              <IncidentTooltip incident={hover.item} suspects={model.suspects.get(hover.item.id) ?? []} suspectMinutes={suspectMinutes} timeZone={timeZone} />
            ) : (
              <ChangeTooltip change={hover.item} timeZone={timeZone} suspect={model.suspectIds.has(hover.item.id)} />
            )}
          </VizTooltipContainer>
        </Portal>
      )}
    </div>
  );
}

function IncidentTooltip({ incident, suspects, suspectMinutes, timeZone }: { incident: Incident; suspects: Change[]; suspectMinutes: number; timeZone?: TimeZone }) {
  const styles = useStyles2(getStyles);
  const fmt = (t: number) => dateTimeFormat(t, { timeZone, format: 'YYYY-MM-DD HH:mm' });
  return (
    <div className={styles.tooltip} data-testid="incident-tooltip">
      <div className={styles.tooltipTitle}>
        {incident.priority} · {incident.title}
      </div>
      <div>
        {[incident.service, incident.team].filter(Boolean).join(' · ')}
      </div>
      <div>
        {fmt(incident.start)} → {incident.end === null ? 'not recovered' : `${fmt(incident.end)} (${formatDuration((incident.end - incident.start) / 1000)})`}
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

function ChangeTooltip({ change, timeZone, suspect }: { change: Change; timeZone?: TimeZone; suspect: boolean }) {
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
  wrapper: css({ overflowY: 'auto', overflowX: 'hidden', position: 'relative' }),
  svg: css({ display: 'block', userSelect: 'none', cursor: 'crosshair', fontFamily: theme.typography.fontFamily }),
  legend: css({ fontSize: 11, fill: theme.colors.text.secondary }),
  axis: css({ fontSize: 11, fill: theme.colors.text.secondary }),
  grid: css({ stroke: theme.colors.border.weak, strokeWidth: 1 }),
  laneStripe: css({ fill: theme.colors.background.secondary, opacity: 0.5 }),
  laneLabel: css({ fontSize: 12, fill: theme.colors.text.primary }),
  bar: css({ cursor: 'pointer' }),
  tooltip: css({ maxWidth: 420, fontSize: theme.typography.bodySmall.fontSize, display: 'flex', flexDirection: 'column', gap: 2 }),
  tooltipTitle: css({ fontWeight: theme.typography.fontWeightMedium, fontSize: theme.typography.body.fontSize }),
  tooltipSection: css({ marginTop: theme.spacing(0.5), fontWeight: theme.typography.fontWeightMedium }),
  suspects: css({ margin: 0, paddingLeft: theme.spacing(2) }),
  violation: css({ color: theme.colors.error.text }),
});
