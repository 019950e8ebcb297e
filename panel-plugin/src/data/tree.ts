/**
 * The scorecard's rows as a tree (org → business lines → their teams), sorted within each level
 * and with collapsed business lines' teams left out; and the data-link templates of its cells.
 */
import { ScopeRow } from './scorecardModel';

/** Sort by `name`, `score` or a KPI key; `desc` for highest (or Z) first. */
export interface SortState {
  column: string;
  desc: boolean;
}

export interface TreeRow {
  scope: ScopeRow;
  /** 0 org, 1 business line, 2 team. */
  depth: number;
  /** Teams under a business line (0 for other rows). */
  children: number;
  expanded: boolean;
}

const DEPTH = { org: 0, business_line: 1, team: 2 } as const;
const names = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** What a row is sorted by in a column: its name, its score or a KPI's value. */
function sortValue(scope: ScopeRow, column: string): number | null {
  return column === 'score' ? scope.score : (scope.cells[column]?.value ?? null);
}

/**
 * The scopes sorted by a column (stable: ties keep the data's order). Rows without a value come
 * last whichever the direction, so "lowest first" does not open with the blanks.
 */
export function sortScopes(scopes: readonly ScopeRow[], sort: SortState | null): ScopeRow[] {
  if (!sort) {
    return [...scopes];
  }
  const sign = sort.desc ? -1 : 1;
  if (sort.column === 'name') {
    return [...scopes].sort((a, b) => sign * names.compare(a.name, b.name));
  }
  return [...scopes].sort((a, b) => {
    const x = sortValue(a, sort.column);
    const y = sortValue(b, sort.column);
    if (x === null || y === null) {
      return x === y ? 0 : x === null ? 1 : -1;
    }
    return sign * (x - y);
  });
}

/**
 * The rows to draw, in order: the org, then each business line followed by its teams unless it
 * is collapsed (`collapsed` holds scope keys). Business lines are sorted among themselves and
 * teams inside their line. Teams whose line is not in the data follow the lines.
 */
export function visibleRows(scopes: readonly ScopeRow[], sort: SortState | null, collapsed: ReadonlySet<string>): TreeRow[] {
  const teamsOf = new Map<string, ScopeRow[]>();
  for (const s of scopes) {
    if (s.level === 'team') {
      const line = s.businessLine ?? '';
      const list = teamsOf.get(line);
      list ? list.push(s) : teamsOf.set(line, [s]);
    }
  }
  const leaf = (scope: ScopeRow): TreeRow => ({ scope, depth: DEPTH[scope.level], children: 0, expanded: false });
  const rows: TreeRow[] = sortScopes(
    scopes.filter((s) => s.level === 'org'),
    sort
  ).map(leaf);
  const lines = sortScopes(
    scopes.filter((s) => s.level === 'business_line'),
    sort
  );
  for (const line of lines) {
    const lineId = line.businessLine ?? line.id;
    const teams = teamsOf.get(lineId) ?? [];
    teamsOf.delete(lineId);
    const expanded = !collapsed.has(line.key);
    rows.push({ scope: line, depth: DEPTH.business_line, children: teams.length, expanded });
    if (expanded) {
      rows.push(...sortScopes(teams, sort).map(leaf));
    }
  }
  const orphans = [...teamsOf.values()].flat();
  rows.push(...sortScopes(orphans, sort).map(leaf));
  return rows;
}

/** Values of the `${name}` placeholders of a link template; null or undefined fill in empty. */
export type LinkValues = Record<string, string | null | undefined>;

/**
 * Fills the panel's `${level}`, `${scope}`, `${team}`, `${businessLine}`, `${window}` and `${kpi}`
 * placeholders, URL-encoded; any other `${…}` or `$var` is left for the dashboard's
 * replaceVariables. `$` is encoded too, so an id cannot be mistaken for a dashboard variable there.
 */
export function fillLink(template: string, values: LinkValues): string {
  return template.replace(/\$\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? encodeURIComponent(values[name] ?? '') : whole
  );
}
