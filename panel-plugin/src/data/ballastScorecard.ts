/**
 * The Ballast data source's Scorecard frames (`GET /api/v1/scorecard`), in either shape:
 * - long: a row per scope × KPI, `level, scope|id, name, owner, businessLine, kpi, value, target,
 *   status, previous, score` (optional `title, unit, direction, window`);
 * - wide: a row per scope, `level, id, name, owner, businessLine, score` and per KPI `<kpi>`,
 *   `<kpi>_status` (optional `<kpi>_target`, `<kpi>_previous`), as datasource-plugin's
 *   scorecardFrame() builds it.
 * The exporter's status is used as is; it is computed only when a frame has none.
 */
import { DataFrame, Field } from '@grafana/data';
import { KPI_CATALOG, KpiInfo, statusOf } from '../kpis';
import { fieldIndex, normalizeName, numberAt, pickField, rowCount, textAt } from './fields';
import { Cell, kpiInfo, Level, ORG_ID, ORG_NAME, parseLevel, parseStatus, ScopeCollector, ScopeRow, ScorecardContent } from './scorecardModel';

type Fields = Map<string, Field>;

const isLong = (f: Fields) => f.has('level') && f.has('kpi') && f.has('value');
const isWide = (f: Fields) => f.has('level') && (f.has('id') || f.has('scope')) && wideKpiColumns(f).length > 0;

export function isBallastScorecard(frame: DataFrame): boolean {
  // Either shape has at least three fields (level, id, a KPI); Prometheus series frames have two,
  // and a 200-team scorecard from Prometheus is thousands of them.
  if (frame.fields.length < 3) {
    return false;
  }
  const fields = fieldIndex(frame);
  return isLong(fields) || isWide(fields);
}

/** Reads every Ballast scorecard frame into one scorecard (several queries add up). */
export function readBallastScorecard(frames: DataFrame[]): ScorecardContent {
  const scopes = new ScopeCollector();
  const kpis = new Map<string, KpiInfo>();
  let window: string | null = null;
  for (const frame of frames) {
    const fields = fieldIndex(frame);
    window ??= textAt(fields.get('window'), 0) ?? windowFromName(frame.name);
    if (isLong(fields)) {
      readLong(frame, fields, scopes, kpis);
    } else if (isWide(fields)) {
      readWide(frame, fields, scopes, kpis);
    }
  }
  return { window, kpis: [...kpis.values()], scopes: scopes.list(), notes: [] };
}

/** The data source names its frame `Scorecard <window> <year>`. */
function windowFromName(name: string | undefined): string | null {
  return /^scorecard\s+(\S+)/i.exec(name ?? '')?.[1] ?? null;
}

/**
 * Reads the scope of a row, or null when the row names no level or no scope. The fields are looked
 * up once per frame (a long frame repeats each scope once per KPI).
 */
function scopeReader(fields: Fields, scopes: ScopeCollector): (row: number) => ScopeRow | null {
  const [levelField, name, businessLine, score] = ['level', 'name', 'businessline', 'score'].map((n) => fields.get(n));
  const idField = pickField(fields, 'scope', 'id');
  const owner = pickField(fields, 'owner', 'manager');
  const levels = new Map<string | null, Level | null>();
  return (row) => {
    const text = textAt(levelField, row);
    let level = levels.get(text);
    if (level === undefined) {
      level = parseLevel(text);
      levels.set(text, level);
    }
    // The org has no id of its own in some frames ('' or null); it is one scope anyway.
    const id = level === null ? null : (textAt(idField, row) ?? (level === 'org' ? ORG_ID : null));
    if (level === null || id === null) {
      return null;
    }
    const scope = scopes.scope(level, id, () => ({
      name: textAt(name, row) ?? (level === 'org' ? ORG_NAME : id),
      owner: textAt(owner, row),
      businessLine: businessLineOf(level, id, textAt(businessLine, row)),
    }));
    scope.score ??= numberAt(score, row);
    return scope;
  };
}

function businessLineOf(level: Level, id: string, given: string | null): string | null {
  if (level === 'business_line') {
    return given ?? id;
  }
  return level === 'team' ? given : null;
}

function cellOf(kpi: KpiInfo, value: number | null, target: number | null, status: string | null, previous: number | null): Cell {
  return { value, target, previous, status: parseStatus(status) ?? statusOf(kpi.direction, value, target) };
}

function readLong(frame: DataFrame, fields: Fields, scopes: ScopeCollector, kpis: Map<string, KpiInfo>) {
  const [kpiField, title, unit, direction] = ['kpi', 'title', 'unit', 'direction'].map((n) => fields.get(n));
  const [value, target, status, previous] = ['value', 'target', 'status', 'previous'].map((n) => fields.get(n));
  const scopeOf = scopeReader(fields, scopes);
  const rows = rowCount(frame);
  for (let row = 0; row < rows; row++) {
    const key = textAt(kpiField, row);
    const scope = key === null ? null : scopeOf(row);
    if (key === null || !scope) {
      continue;
    }
    let kpi = kpis.get(key);
    if (!kpi) {
      kpi = kpiInfo(key, { title: textAt(title, row), unit: textAt(unit, row), direction: textAt(direction, row) });
      kpis.set(key, kpi);
    }
    scope.cells[key] = cellOf(kpi, numberAt(value, row), numberAt(target, row), textAt(status, row), numberAt(previous, row));
  }
}

interface WideColumn {
  kpi: KpiInfo;
  value: Field;
  target?: Field;
  status?: Field;
  previous?: Field;
}

// KPI columns are matched by name like every other field (case- and `_`-insensitively).
const CATALOG_BY_NAME = new Map(KPI_CATALOG.map((k) => [normalizeName(k.key), k]));
const SCOPE_COLUMNS = new Set(['level', 'id', 'scope', 'name', 'owner', 'manager', 'businessline', 'score', 'window']);

/**
 * The KPI columns of a wide frame: one named after a catalogue KPI, or any other column with a
 * `<name>_status` sibling (a KPI the catalogue does not know yet).
 */
function wideKpiColumns(fields: Fields): WideColumn[] {
  const columns: WideColumn[] = [];
  for (const [name, field] of fields) {
    const known = CATALOG_BY_NAME.get(name);
    if (SCOPE_COLUMNS.has(name) || (!known && !fields.has(`${name}status`))) {
      continue;
    }
    const sibling = (suffix: string) => fields.get(`${name}${suffix}`);
    columns.push({
      kpi: known ?? kpiInfo(field.name, { title: field.config?.displayName, unit: unitOfGrafana(field.config?.unit) }),
      value: field,
      target: sibling('target'),
      status: sibling('status'),
      previous: sibling('previous'),
    });
  }
  return columns;
}

/** The KPI unit behind a Grafana unit (for KPIs the catalogue does not know). */
function unitOfGrafana(unit: string | undefined): string | null {
  if (unit === 's' || unit === 'dtdurations') {
    return 'seconds';
  }
  return unit === 'percentunit' ? 'ratio' : null;
}

function readWide(frame: DataFrame, fields: Fields, scopes: ScopeCollector, kpis: Map<string, KpiInfo>) {
  const columns = wideKpiColumns(fields);
  for (const c of columns) {
    if (!kpis.has(c.kpi.key)) {
      kpis.set(c.kpi.key, c.kpi);
    }
  }
  const scopeOf = scopeReader(fields, scopes);
  const rows = rowCount(frame);
  for (let row = 0; row < rows; row++) {
    const scope = scopeOf(row);
    if (!scope) {
      continue;
    }
    for (const c of columns) {
      scope.cells[c.kpi.key] = cellOf(c.kpi, numberAt(c.value, row), numberAt(c.target, row), textAt(c.status, row), numberAt(c.previous, row));
    }
  }
}
