/**
 * What the scorecard view draws, whichever frames it came from: scopes (org, business lines,
 * teams) with a cell per KPI, the KPI columns the data has, and notes on what is missing.
 */
import { KPI_BY_KEY, KpiDirection, KpiInfo, KpiUnit, Status, STATUSES } from '../kpis';
import { normalizeName } from './fields';

export type Level = 'org' | 'business_line' | 'team';

export interface Cell {
  value: number | null;
  target: number | null;
  status: Status;
  /** The value one window earlier (trend). */
  previous: number | null;
}

export interface ScopeRow {
  /** Unique among the rows: level and id. */
  key: string;
  level: Level;
  id: string;
  name: string;
  /** Business line owner or team manager. */
  owner: string | null;
  /** The business line a team belongs to (a business line's own id; null for the org). */
  businessLine: string | null;
  /** Weighted overall score 0–100 (Ballast frames only). */
  score: number | null;
  cells: Record<string, Cell>;
}

export type ScorecardSource = 'ballast' | 'prometheus' | 'none';

export interface ScorecardModel {
  source: ScorecardSource;
  /** The KPI window shown (7d, 30d, 90d, ytd), when known. */
  window: string | null;
  /** Every KPI the data has, in the data's order. */
  kpis: KpiInfo[];
  scopes: ScopeRow[];
  /** What the panel should tell the reader is missing (shown above the grid). */
  notes: string[];
}

/** A scorecard read from frames; the source is decided by the caller. */
export type ScorecardContent = Omit<ScorecardModel, 'source'>;

export const ORG_ID = 'org';
export const ORG_NAME = 'Organization';

export const scopeKey = (level: Level, id: string) => `${level}:${id}`;

/** A level as the data source (`business_line`) or a hand-made table (`businessLine`, `Team`) writes it. */
export function parseLevel(text: string | null): Level | null {
  switch (text === null ? '' : normalizeName(text)) {
    case 'org':
    case 'organization':
      return 'org';
    case 'businessline':
      return 'business_line';
    case 'team':
      return 'team';
    default:
      return null;
  }
}

export function parseStatus(text: string | null): Status | null {
  return STATUSES.find((s) => s === text) ?? null;
}

const UNITS: readonly KpiUnit[] = ['count', 'seconds', 'ratio', 'per_day', 'score'];
const DIRECTIONS: readonly KpiDirection[] = ['lower', 'higher'];

/** What a frame may say about a KPI itself (long frames carry title, unit and direction). */
export interface KpiHints {
  title?: string | null;
  unit?: string | null;
  direction?: string | null;
}

/**
 * A KPI's title, unit and direction: the frame's own where it has them, else the catalogue's.
 * A KPI the catalogue does not know yet (a newer exporter) still gets a column: its key as title,
 * a plain count, lower is better.
 */
export function kpiInfo(key: string, hints: KpiHints = {}): KpiInfo {
  const known = KPI_BY_KEY.get(key);
  const unit = UNITS.find((u) => u === hints.unit);
  const direction = DIRECTIONS.find((d) => d === hints.direction);
  if (known && !hints.title && !unit && !direction) {
    return known;
  }
  return {
    key,
    title: hints.title || known?.title || key,
    unit: unit ?? known?.unit ?? 'count',
    direction: direction ?? known?.direction ?? 'lower',
  };
}

/** Rows by key, created on first sight: frames list a scope once per KPI (long) or once (wide). */
export class ScopeCollector {
  private readonly rows = new Map<string, ScopeRow>();

  scope(level: Level, id: string, describe: () => Omit<ScopeRow, 'key' | 'level' | 'id' | 'cells' | 'score'>): ScopeRow {
    const key = scopeKey(level, id);
    let row = this.rows.get(key);
    if (!row) {
      row = { key, level, id, ...describe(), score: null, cells: {} };
      this.rows.set(key, row);
    }
    return row;
  }

  /** In the order first seen. */
  list(): ScopeRow[] {
    return [...this.rows.values()];
  }
}
