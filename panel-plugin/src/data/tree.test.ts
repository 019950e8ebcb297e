import { ScopeRow } from './scorecard';
import { fillLink, sortScopes, visibleRows } from './tree';

function scope(level: ScopeRow['level'], id: string, businessLine: string | null, mttr: number | null, score: number | null = null, name = id): ScopeRow {
  return {
    key: `${level}:${id}`,
    level,
    id,
    name,
    owner: null,
    businessLine,
    score,
    cells: { mttr_seconds: { value: mttr, target: 1000, status: mttr === null ? 'no_data' : 'met', previous: null } },
  };
}

// Data order: the org, then lines and teams interleaved as an exporter might list them.
const SCOPES: ScopeRow[] = [
  scope('org', 'org', null, 500, 70, 'Organization'),
  scope('business_line', 'retail', 'retail', 300, 60, 'Retail'),
  scope('business_line', 'payments', 'payments', null, 90, 'Payments'),
  scope('team', 'checkout', 'payments', 200, null, 'Team 10'),
  scope('team', 'shop', 'retail', 100, 50, 'Shop'),
  scope('team', 'ledger', 'payments', null, 80, 'Team 2'),
  scope('team', 'billing', 'payments', 900, 40, 'Billing'),
  scope('business_line', 'logistics', 'logistics', 700, null, 'Logistics'),
];
const NONE = new Set<string>();
const ids = (rows: ReturnType<typeof visibleRows>) => rows.map((r) => r.scope.id);

describe('visibleRows', () => {
  it('without sorting: the org, then each business line followed by its teams, in the data’s order', () => {
    const rows = visibleRows(SCOPES, null, NONE);
    expect(ids(rows)).toEqual(['org', 'retail', 'shop', 'payments', 'checkout', 'ledger', 'billing', 'logistics']);
    expect(rows.map((r) => r.depth)).toEqual([0, 1, 2, 1, 2, 2, 2, 1]);
    expect(rows.map((r) => r.children)).toEqual([0, 1, 0, 3, 0, 0, 0, 0]);
    expect(rows.filter((r) => r.children > 0).every((r) => r.expanded)).toBe(true);
  });

  it('a collapsed business line keeps its row (with its team count) and hides its teams', () => {
    const rows = visibleRows(SCOPES, null, new Set(['business_line:payments']));
    expect(ids(rows)).toEqual(['org', 'retail', 'shop', 'payments', 'logistics']);
    expect(rows[3]).toMatchObject({ children: 3, expanded: false });
    expect(ids(visibleRows(SCOPES, null, new Set(['business_line:payments', 'business_line:retail'])))).toEqual(['org', 'retail', 'payments', 'logistics']);
  });

  it('sorts by a KPI within each level: lines among themselves, teams inside their line; no data last', () => {
    expect(ids(visibleRows(SCOPES, { column: 'mttr_seconds', desc: true }, NONE))).toEqual([
      'org',
      'logistics',
      'retail',
      'shop',
      'payments',
      'billing',
      'checkout',
      'ledger',
    ]);
    // Lowest first: the rows without a value still come last.
    expect(ids(visibleRows(SCOPES, { column: 'mttr_seconds', desc: false }, NONE))).toEqual([
      'org',
      'retail',
      'shop',
      'logistics',
      'payments',
      'checkout',
      'billing',
      'ledger',
    ]);
  });

  it('sorts by score (no score last) and by name (A→Z with numbers in order, then Z→A)', () => {
    expect(ids(visibleRows(SCOPES, { column: 'score', desc: true }, NONE))).toEqual(['org', 'payments', 'ledger', 'billing', 'checkout', 'retail', 'shop', 'logistics']);
    const byName = visibleRows(SCOPES, { column: 'name', desc: false }, NONE).map((r) => r.scope.name);
    expect(byName).toEqual(['Organization', 'Logistics', 'Payments', 'Billing', 'Team 2', 'Team 10', 'Retail', 'Shop']);
    const byNameDesc = visibleRows(SCOPES, { column: 'name', desc: true }, NONE).map((r) => r.scope.name);
    expect(byNameDesc).toEqual(['Organization', 'Retail', 'Shop', 'Payments', 'Team 10', 'Team 2', 'Billing', 'Logistics']);
  });

  it('teams whose business line is not in the data follow the lines', () => {
    const rows = visibleRows([scope('team', 'orphan', 'gone', 1), ...SCOPES.slice(0, 2), scope('team', 'lonely', null, 2)], null, NONE);
    expect(ids(rows)).toEqual(['org', 'retail', 'orphan', 'lonely']);
    expect(rows[2].depth).toBe(2);
  });
});

describe('sortScopes', () => {
  it('is stable (ties keep the data’s order) and leaves its input alone', () => {
    const tied = [scope('team', 'a', 'x', 5), scope('team', 'b', 'x', 5), scope('team', 'c', 'x', 9)];
    expect(sortScopes(tied, { column: 'mttr_seconds', desc: true }).map((s) => s.id)).toEqual(['c', 'a', 'b']);
    expect(sortScopes(tied, { column: 'mttr_seconds', desc: false }).map((s) => s.id)).toEqual(['a', 'b', 'c']);
    expect(tied.map((s) => s.id)).toEqual(['a', 'b', 'c']);
    expect(sortScopes(tied, null)).not.toBe(tied);
  });

  it('a KPI the scope has no cell for counts as no data', () => {
    const rows = [scope('team', 'a', 'x', 1), { ...scope('team', 'b', 'x', 1), cells: {} }, scope('team', 'c', 'x', 2)];
    expect(sortScopes(rows, { column: 'mttr_seconds', desc: false }).map((s) => s.id)).toEqual(['a', 'c', 'b']);
  });
});

describe('fillLink', () => {
  const values = { level: 'team', scope: 'checkout', team: 'checkout', businessLine: 'payments', window: 'ytd', kpi: 'mttr_seconds' };

  it('fills every placeholder', () => {
    expect(fillLink('/d/t?l=${level}&s=${scope}&t=${team}&b=${businessLine}&w=${window}&k=${kpi}', values)).toBe(
      '/d/t?l=team&s=checkout&t=checkout&b=payments&w=ytd&k=mttr_seconds'
    );
  });

  it('URL-encodes the values, including $ (so replaceVariables cannot read an id as a variable)', () => {
    expect(fillLink('/d/t?team=${team}', { team: 'a b&c/d?$x' })).toBe('/d/t?team=a%20b%26c%2Fd%3F%24x');
  });

  it('missing values fill in empty; other placeholders and dashboard variables are left for replaceVariables', () => {
    expect(fillLink('/d/t?team=${team}&kpi=${kpi}&env=$env&from=${__from}&x=${other}', { team: null, kpi: undefined })).toBe(
      '/d/t?team=&kpi=&env=$env&from=${__from}&x=${other}'
    );
    expect(fillLink('', values)).toBe('');
    expect(fillLink('/d/t?x=${toString}', {})).toBe('/d/t?x=${toString}');
  });
});
