/**
 * The scorecard: scopes as rows (org → business lines → teams, collapsible), KPIs as columns.
 * Rows are virtualised (@tanstack/react-virtual, which @grafana/ui itself depends on) inside one
 * scroll container whose header row and scope column stay in place.
 */
import React, { useCallback, useMemo, useRef, useState } from 'react';
import { css, cx } from '@emotion/css';
import { colorManipulator, GrafanaTheme2, InterpolateFunction } from '@grafana/data';
import { Icon, IconButton, useStyles2, useTheme2 } from '@grafana/ui';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Cell, ScopeRow, ScorecardModel } from '../data/scorecard';
import { fillLink, SortState, visibleRows } from '../data/tree';
import { formatKpiValue, KpiInfo, Status, STATUSES, trendOf } from '../kpis';

export const ROW_HEIGHT = 48;
export const HEADER_HEIGHT = 56;
const NAME_WIDTH = 200;
const SCORE_WIDTH = 60;
const MIN_KPI_WIDTH = 92;

export interface ScorecardViewProps {
  model: ScorecardModel;
  /** The KPI columns in order (already resolved from the options). */
  kpis: KpiInfo[];
  width: number;
  height: number;
  showScore: boolean;
  showTargets: boolean;
  collapsedByDefault: boolean;
  scopeLink: string;
  cellLink: string;
  replaceVariables: InterpolateFunction;
}

const STATUS_LABEL: Record<Status, string> = { met: 'met', at_risk: 'at risk', missed: 'missed', no_data: 'no data' };

/** Theme colour of a status: the visualization palette's green / orange / red, and a neutral grey. */
export function statusColor(theme: GrafanaTheme2, status: Status): string {
  switch (status) {
    case 'met':
      return theme.visualization.getColorByName('green');
    case 'at_risk':
      return theme.visualization.getColorByName('orange');
    case 'missed':
      return theme.visualization.getColorByName('red');
    default:
      return theme.colors.text.disabled;
  }
}

const ownerLabel = (scope: ScopeRow) =>
  scope.owner
    ? `${scope.level === 'team' ? 'Manager' : scope.level === 'business_line' ? 'Owner' : 'Owner'}: ${scope.owner}`
    : null;

export function ScorecardView(props: ScorecardViewProps) {
  const {
    model,
    kpis,
    width,
    height,
    showScore,
    showTargets,
    collapsedByDefault,
    scopeLink,
    cellLink,
    replaceVariables,
  } = props;
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const [sort, setSort] = useState<SortState | null>(null);
  const [toggled, setToggled] = useState<ReadonlySet<string>>(new Set());

  // Collapsed lines: by default all or none, each flipped by a click.
  const collapsed = useMemo(() => {
    const lines = model.scopes.filter((s) => s.level === 'business_line').map((s) => s.key);
    return new Set(lines.filter((k) => collapsedByDefault !== toggled.has(k)));
  }, [model.scopes, collapsedByDefault, toggled]);
  const rows = useMemo(() => visibleRows(model.scopes, sort, collapsed), [model.scopes, sort, collapsed]);

  const fixed = NAME_WIDTH + (showScore ? SCORE_WIDTH : 0);
  const kpiWidth = Math.max(MIN_KPI_WIDTH, Math.floor((width - fixed - 12) / Math.max(1, kpis.length)));
  const totalWidth = fixed + kpiWidth * kpis.length;
  const columns = `${NAME_WIDTH}px ${showScore ? `${SCORE_WIDTH}px ` : ''}repeat(${kpis.length}, ${kpiWidth}px)`;

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    // A few rows beyond the viewport are enough to scroll without blank rows (each is ~12 cells);
    // every extra row is paid for on the first paint.
    overscan: 4,
    // The panel knows its size: no measuring (stable in jsdom, no layout read per frame).
    initialRect: { width, height },
    observeElementRect: (_instance, cb) => {
      cb({ width, height });
      return undefined;
    },
    // Only the user scrolls this list: no scrollTo on mount and no scrollTop read before the
    // first paint (each would force a synchronous layout of the whole grid).
    scrollToFn: () => undefined,
    observeElementOffset: (instance, cb) => {
      const el = instance.scrollElement;
      if (!el) {
        return undefined;
      }
      const onScroll = () => cb(el.scrollTop, false);
      el.addEventListener('scroll', onScroll, { passive: true });
      cb(0, false);
      return () => el.removeEventListener('scroll', onScroll);
    },
  });

  const onSort = useCallback((column: string) => {
    setSort((s) => {
      if (!s || s.column !== column) {
        // Names A→Z first; numbers highest first.
        return { column, desc: column !== 'name' };
      }
      return s.desc === (column !== 'name') ? { column, desc: !s.desc } : null;
    });
  }, []);

  const toggle = useCallback((key: string) => {
    setToggled((t) => {
      const next = new Set(t);
      next.has(key) ? next.delete(key) : next.add(key);
      return next;
    });
  }, []);

  const link = (template: string, scope: ScopeRow, kpi?: string) =>
    template
      ? replaceVariables(
          fillLink(template, {
            level: scope.level,
            scope: scope.id,
            team: scope.level === 'team' ? scope.id : null,
            businessLine: scope.businessLine,
            window: model.window,
            kpi,
          })
        )
      : '';

  const sortIcon = (column: string) =>
    sort?.column === column ? <Icon name={sort.desc ? 'arrow-down' : 'arrow-up'} size="sm" aria-hidden /> : null;
  const ariaSort = (column: string): React.AriaAttributes['aria-sort'] =>
    sort?.column === column ? (sort.desc ? 'descending' : 'ascending') : 'none';

  return (
    <div
      ref={scrollRef}
      className={styles.scroller}
      style={{ width, height }}
      role="grid"
      aria-label="Stability scorecard"
      aria-rowcount={rows.length + 1}
      aria-colcount={kpis.length + 1 + (showScore ? 1 : 0)}
      data-testid="ballast-scorecard"
    >
      <div style={{ width: totalWidth, height: HEADER_HEIGHT + virtualizer.getTotalSize(), position: 'relative' }}>
        <div
          role="row"
          aria-rowindex={1}
          className={styles.header}
          style={{ gridTemplateColumns: columns, width: totalWidth }}
        >
          <div
            role="columnheader"
            aria-sort={ariaSort('name')}
            className={cx(styles.headCell, styles.stickyLeft, styles.headName)}
          >
            <button type="button" className={styles.sortButton} onClick={() => onSort('name')}>
              Scope {sortIcon('name')}
            </button>
            <span className={styles.secondary}>owner · manager</span>
          </div>
          {showScore && (
            <div role="columnheader" aria-sort={ariaSort('score')} className={styles.headCell}>
              <button
                type="button"
                className={styles.sortButton}
                onClick={() => onSort('score')}
                title="Weighted overall score (0–100)"
              >
                Score {sortIcon('score')}
              </button>
            </div>
          )}
          {kpis.map((k) => (
            <div
              role="columnheader"
              key={k.key}
              aria-sort={ariaSort(k.key)}
              className={styles.headCell}
              title={`${k.title} (${k.key})`}
            >
              <button type="button" className={styles.sortButton} onClick={() => onSort(k.key)}>
                <span className={styles.ellipsis}>{k.title}</span> {sortIcon(k.key)}
              </button>
              <span className={styles.secondary}>
                {k.direction === 'lower' ? '↓ lower is better' : '↑ higher is better'}
              </span>
            </div>
          ))}
        </div>
        {virtualizer.getVirtualItems().map((v) => {
          const row = rows[v.index];
          const { scope } = row;
          const owner = ownerLabel(scope);
          const scopeHref = link(scopeLink, scope);
          return (
            <div
              role="row"
              key={scope.key}
              aria-rowindex={v.index + 2}
              aria-level={row.depth + 1}
              aria-expanded={row.children > 0 ? row.expanded : undefined}
              className={row.depth < 2 ? styles.groupRow : styles.row}
              style={{
                gridTemplateColumns: columns,
                width: totalWidth,
                transform: `translateY(${HEADER_HEIGHT + v.start}px)`,
              }}
            >
              <div
                role="rowheader"
                className={styles.nameCell}
                style={{ paddingLeft: theme.spacing(0.5 + row.depth * 2) }}
              >
                {row.children > 0 ? (
                  <IconButton
                    name={row.expanded ? 'angle-down' : 'angle-right'}
                    aria-label={`${row.expanded ? 'Collapse' : 'Expand'} ${scope.name}`}
                    aria-expanded={row.expanded}
                    onClick={() => toggle(scope.key)}
                  />
                ) : (
                  <span className={styles.chevronSpace} />
                )}
                <div className={styles.nameText}>
                  {scopeHref ? (
                    <a href={scopeHref} className={styles.scopeLink} title={`Open ${scope.name}`}>
                      {scope.name}
                    </a>
                  ) : (
                    <span className={styles.scopeName}>{scope.name}</span>
                  )}
                  {owner && <span className={styles.secondary}>{owner}</span>}
                </div>
              </div>
              {showScore && (
                <div role="gridcell" className={styles.scoreCell}>
                  {scope.score === null ? '–' : scope.score.toFixed(0)}
                </div>
              )}
              {kpis.map((k) => (
                <KpiCell
                  key={k.key}
                  kpi={k}
                  cell={scope.cells[k.key]}
                  showTarget={showTargets}
                  href={link(cellLink, scope, k.key)}
                  scopeName={scope.name}
                  styles={styles}
                />
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}

interface KpiCellProps {
  kpi: KpiInfo;
  cell: Cell | undefined;
  showTarget: boolean;
  href: string;
  scopeName: string;
  /** The grid's styles (one lookup for the grid, not one per cell). */
  styles: Styles;
}

const KpiCell = React.memo(function KpiCell({ kpi, cell, showTarget, href, scopeName, styles }: KpiCellProps) {
  const status: Status = cell?.status ?? 'no_data';
  const value = cell?.value ?? null;
  const trend = cell ? trendOf(kpi.direction, cell.value, cell.previous) : null;
  const target = cell?.target ?? null;
  // Each number is formatted once: the label and the visible text share it.
  const valueText = formatKpiValue(kpi.unit, value);
  const targetText = formatKpiValue(kpi.unit, target);
  const previousText = trend ? formatKpiValue(kpi.unit, cell!.previous) : '';
  const label = `${kpi.title} for ${scopeName}: ${valueText}, target ${targetText}, ${STATUS_LABEL[status]}${trend ? `, previous window ${previousText}` : ''}`;
  const content = (
    <>
      <span className={styles.valueLine}>
        <span className={styles.value}>{valueText}</span>
        {trend && (
          <span
            className={trend.better === null ? styles.trendFlat : trend.better ? styles.trendBetter : styles.trendWorse}
            data-trend={trend.arrow}
            title={`Previous window: ${previousText}`}
          >
            {/* A glyph, not an <Icon>: 2,400 cells would each fetch and inline an SVG. */}
            {trend.arrow === 'up' ? '▲' : trend.arrow === 'down' ? '▼' : '▬'}
          </span>
        )}
      </span>
      {showTarget && (
        <span className={styles.secondary}>
          {target === null ? 'no target' : `${kpi.direction === 'lower' ? '≤' : '≥'} ${targetText}`}
        </span>
      )}
    </>
  );
  return (
    <div role="gridcell" aria-label={label} data-status={status} className={styles.cell[status]}>
      {href ? (
        <a href={href} className={styles.cellLink}>
          {content}
        </a>
      ) : (
        <div className={styles.cellInner}>{content}</div>
      )}
    </div>
  );
});

// Classes that combine others are composed here, once per theme: cx() of two emotion classes
// serialises and hashes the merged styles on every call, i.e. once per cell and render.
const getStyles = (theme: GrafanaTheme2) => {
  const link = { textDecoration: 'none', '&:hover': { textDecoration: 'underline' }, color: 'inherit' };
  const stickyLeft = { position: 'sticky', left: 0, zIndex: 1, background: theme.colors.background.primary } as const;
  const row = {
    display: 'grid',
    position: 'absolute',
    top: 0,
    left: 0,
    height: ROW_HEIGHT,
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  } as const;
  const scopeName = {
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    color: theme.colors.text.primary,
  } as const;
  const cellInner = {
    display: 'flex',
    flexDirection: 'column',
    justifyContent: 'center',
    height: '100%',
    padding: theme.spacing(0, 1),
    minWidth: 0,
  } as const;
  const cell = {
    borderLeft: '3px solid transparent',
    margin: '3px 2px',
    borderRadius: theme.shape.radius.default,
    minWidth: 0,
  };
  const trend = { display: 'inline-flex', fontSize: 9, lineHeight: 1 };
  return {
    scroller: css({
      overflow: 'auto',
      position: 'relative',
      fontSize: theme.typography.bodySmall.fontSize,
      contain: 'strict',
    }),
    header: css({
      display: 'grid',
      position: 'sticky',
      top: 0,
      zIndex: 2,
      height: HEADER_HEIGHT,
      background: theme.colors.background.primary,
      borderBottom: `1px solid ${theme.colors.border.medium}`,
    }),
    headCell: css({
      display: 'flex',
      flexDirection: 'column',
      justifyContent: 'center',
      padding: theme.spacing(0, 1),
      minWidth: 0,
      background: theme.colors.background.primary,
    }),
    headName: css({ zIndex: 3 }),
    sortButton: css({
      all: 'unset',
      cursor: 'pointer',
      display: 'flex',
      alignItems: 'center',
      gap: theme.spacing(0.5),
      fontWeight: theme.typography.fontWeightMedium,
      color: theme.colors.text.primary,
      minWidth: 0,
      maxWidth: '100%',
      '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}` },
    }),
    ellipsis: css({ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }),
    stickyLeft: css(stickyLeft),
    row: css(row),
    groupRow: css(row, { fontWeight: theme.typography.fontWeightMedium }),
    nameCell: css(
      {
        display: 'flex',
        alignItems: 'center',
        gap: theme.spacing(0.5),
        minWidth: 0,
        borderRight: `1px solid ${theme.colors.border.weak}`,
      },
      stickyLeft
    ),
    chevronSpace: css({ display: 'inline-block', width: 16, flexShrink: 0 }),
    nameText: css({ display: 'flex', flexDirection: 'column', minWidth: 0 }),
    scopeName: css(scopeName),
    scopeLink: css(scopeName, link),
    secondary: css({
      color: theme.colors.text.secondary,
      fontSize: theme.typography.bodySmall.fontSize,
      fontWeight: theme.typography.fontWeightRegular,
      overflow: 'hidden',
      textOverflow: 'ellipsis',
      whiteSpace: 'nowrap',
    }),
    scoreCell: css({
      display: 'flex',
      alignItems: 'center',
      justifyContent: 'flex-end',
      padding: theme.spacing(0, 1),
      fontVariantNumeric: 'tabular-nums',
    }),
    // One class per status (not an inline style per cell): the theme's colour as the left border
    // and a light tint of it as the background.
    cell: Object.fromEntries(
      STATUSES.map((st) => {
        const color = statusColor(theme, st);
        return [
          st,
          css(cell, {
            borderLeftColor: color,
            background: st === 'no_data' ? 'transparent' : colorManipulator.alpha(color, theme.isDark ? 0.16 : 0.12),
          }),
        ];
      })
    ) as Record<Status, string>,
    cellInner: css(cellInner),
    cellLink: css(cellInner, link),
    valueLine: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(0.5) }),
    value: css({
      fontSize: theme.typography.body.fontSize,
      fontWeight: theme.typography.fontWeightMedium,
      color: theme.colors.text.primary,
      fontVariantNumeric: 'tabular-nums',
      whiteSpace: 'nowrap',
    }),
    // Trend arrows: green when better, red when worse, grey when flat.
    trendBetter: css(trend, { color: theme.visualization.getColorByName('green') }),
    trendWorse: css(trend, { color: theme.visualization.getColorByName('red') }),
    trendFlat: css(trend, { color: theme.colors.text.secondary }),
  };
};

type Styles = ReturnType<typeof getStyles>;
