import { DataFrame, FieldType, toDataFrame } from '@grafana/data';
// The data source's own frame builder: the panel must read exactly what it produces.
import { scorecardFrame } from '../../../datasource-plugin/src/frames.ts';
import type { ScorecardResponse } from '@ballast/contract';
import { ballastScorecardFrame, prometheusFrames } from '../demo/demo';
import { DEFAULT_KPIS, KPI_BY_KEY } from '../kpis';
import { parseScorecard, ScopeRow, ScorecardModel } from './scorecard';

const OPTIONS = { window: 'ytd', previousRefId: 'previous' };
const byKey = (model: ScorecardModel) => new Map(model.scopes.map((s) => [s.key, s]));
const scope = (model: ScorecardModel, key: string): ScopeRow => byKey(model).get(key)!;

/** An instant query sample in time-series format, as Grafana's Prometheus data source returns it. */
function series(refId: string, metric: string, labels: Record<string, string>, value: number, at = Date.UTC(2026, 5, 30)): DataFrame {
  return toDataFrame({
    refId,
    name: metric,
    fields: [
      { name: 'Time', type: FieldType.time, values: [at] },
      { name: 'Value', type: FieldType.number, values: [value], labels: { __name__: metric, ...labels } },
    ],
  });
}

describe('parseScorecard: Ballast long frame', () => {
  const model = parseScorecard([ballastScorecardFrame(2, 3)], OPTIONS);

  it('reads scopes (org, business lines with owners, teams with their line), KPIs in the frame order and the window', () => {
    expect(model.source).toBe('ballast');
    expect(model.window).toBe('ytd');
    expect(model.kpis.map((k) => k.key)).toEqual([...DEFAULT_KPIS]);
    expect(model.kpis.find((k) => k.key === 'mttr_seconds')).toMatchObject({ title: 'MTTR', unit: 'seconds', direction: 'lower' });
    expect(model.scopes.map((s) => s.level)).toEqual(['org', 'business_line', 'team', 'team', 'team', 'business_line', 'team', 'team', 'team']);
    expect(model.scopes[0]).toMatchObject({ key: 'org:org', id: 'org', name: 'Organization', owner: null, businessLine: null });
    expect(model.scopes[1]).toMatchObject({ key: 'business_line:bl-1', name: 'Payments', owner: 'A. Moreau', businessLine: 'bl-1' });
    expect(model.scopes[2]).toMatchObject({ level: 'team', id: 'bl-1-checkout-1', businessLine: 'bl-1' });
    expect(model.scopes[2].owner).toMatch(/\w\. \w+/);
    expect(model.notes).toEqual([]);
  });

  it('every scope has a cell per KPI with value, target, the exporter status and the previous value; and a score', () => {
    const frame = ballastScorecardFrame(2, 3);
    const f = (name: string) => frame.fields.find((x) => x.name === name)!.values;
    for (let row = 0; row < frame.length; row++) {
      const s = scope(model, `${f('level')[row]}:${f('scope')[row]}`);
      expect(s.cells[f('kpi')[row]]).toEqual({ value: f('value')[row], target: f('target')[row], status: f('status')[row], previous: f('previous')[row] });
      expect(s.score).toBe(f('score')[row]);
    }
  });

  it('matches field names case- and _-insensitively, takes scope or id, and computes a status the frame does not carry', () => {
    const frame = toDataFrame({
      name: 'scorecard',
      fields: [
        { name: 'Level', type: FieldType.string, values: ['org', 'team'] },
        { name: 'ID', type: FieldType.string, values: ['', 'payments-api'] },
        { name: 'Name', type: FieldType.string, values: ['Acme', 'Payments API'] },
        { name: 'business_line', type: FieldType.string, values: [null, 'payments'] },
        { name: 'KPI', type: FieldType.string, values: ['mttr_seconds', 'mttr_seconds'] },
        { name: 'Value', type: FieldType.number, values: [2000, 3100] },
        { name: 'Target', type: FieldType.number, values: [2700, 2700] },
      ],
    });
    const m = parseScorecard([frame], OPTIONS);
    expect(m.window).toBeNull();
    expect(m.scopes.map((s) => [s.key, s.name, s.businessLine])).toEqual([
      ['org:org', 'Acme', null],
      ['team:payments-api', 'Payments API', 'payments'],
    ]);
    expect(m.scopes[0].cells.mttr_seconds.status).toBe('met');
    expect(m.scopes[1].cells.mttr_seconds).toEqual({ value: 3100, target: 2700, status: 'missed', previous: null });
  });

  it('title, unit and direction from the frame win; an unknown KPI still gets a column', () => {
    const frame = toDataFrame({
      fields: [
        { name: 'level', type: FieldType.string, values: ['org', 'org'] },
        { name: 'scope', type: FieldType.string, values: ['org', 'org'] },
        { name: 'kpi', type: FieldType.string, values: ['mttr_seconds', 'pager_load'] },
        { name: 'title', type: FieldType.string, values: ['Mean time to recover', null] },
        { name: 'direction', type: FieldType.string, values: [null, 'higher'] },
        { name: 'value', type: FieldType.number, values: [1, 2] },
      ],
    });
    expect(parseScorecard([frame], OPTIONS).kpis).toEqual([
      { key: 'mttr_seconds', title: 'Mean time to recover', unit: 'seconds', direction: 'lower' },
      { key: 'pager_load', title: 'pager_load', unit: 'count', direction: 'higher' },
    ]);
  });
});

describe('parseScorecard: the data source’s wide frame (datasource-plugin scorecardFrame)', () => {
  const card: ScorecardResponse = {
    window: '30d',
    year: 2026,
    generatedAt: '2026-06-30T00:00:00Z',
    kpis: (['mttr_seconds', 'freeze_violations'] as const).map((key) => ({ ...KPI_BY_KEY.get(key)!, key })),
    scopes: [
      {
        level: 'org',
        id: null,
        name: 'Organization',
        owner: null,
        businessLine: null,
        score: 71.5,
        cells: {
          mttr_seconds: { value: 1800, target: 2700, status: 'met', previous: 2000 },
          freeze_violations: { value: 3, target: 1, status: 'missed', previous: 1 },
        },
      },
      {
        level: 'business_line',
        id: 'payments',
        name: 'Payments',
        owner: 'A. Moreau',
        businessLine: 'payments',
        score: 90,
        cells: {
          // The exporter's status is kept even where the panel would judge otherwise.
          mttr_seconds: { value: 2800, target: 2700, status: 'missed', previous: null },
          freeze_violations: { value: null, target: null, status: 'no_data', previous: null },
        },
      },
      {
        level: 'team',
        id: 'checkout',
        name: 'Checkout',
        owner: 'B. Okafor',
        businessLine: 'payments',
        score: null,
        cells: {},
      },
    ],
  };
  const model = parseScorecard([scorecardFrame('A', card, card.scopes)], OPTIONS);

  it('is recognised as a Ballast scorecard with the window from the frame name', () => {
    expect(model.source).toBe('ballast');
    expect(model.window).toBe('30d');
    expect(model.kpis.map((k) => k.key)).toEqual(['mttr_seconds', 'freeze_violations']);
  });

  it('reads ids, owners ("" is none), business lines, scores, values, targets, previous values and statuses as the exporter gave them', () => {
    expect(model.scopes.map((s) => [s.key, s.name, s.owner, s.businessLine, s.score])).toEqual([
      ['org:org', 'Organization', null, null, 71.5],
      ['business_line:payments', 'Payments', 'A. Moreau', 'payments', 90],
      ['team:checkout', 'Checkout', 'B. Okafor', 'payments', null],
    ]);
    expect(model.scopes[0].cells.freeze_violations).toEqual({ value: 3, target: 1, status: 'missed', previous: 1 });
    expect(model.scopes[1].cells.mttr_seconds).toEqual({ value: 2800, target: 2700, status: 'missed', previous: null });
    expect(model.scopes[2].cells.mttr_seconds).toEqual({ value: null, target: null, status: 'no_data', previous: null });
  });

  it('uses <kpi>_target and <kpi>_previous columns when a wide frame has them', () => {
    const frame = toDataFrame({
      fields: [
        { name: 'level', type: FieldType.string, values: ['team'] },
        { name: 'id', type: FieldType.string, values: ['checkout'] },
        { name: 'detection_ratio', type: FieldType.number, values: [0.85] },
        { name: 'detection_ratio_target', type: FieldType.number, values: [0.9] },
        { name: 'detection_ratio_previous', type: FieldType.number, values: [0.8] },
      ],
    });
    const m = parseScorecard([frame], OPTIONS);
    expect(m.scopes[0].cells.detection_ratio).toEqual({ value: 0.85, target: 0.9, previous: 0.8, status: 'at_risk' });
    expect(m.scopes[0].name).toBe('checkout');
  });
});

describe('parseScorecard: Prometheus frames', () => {
  it('gives the same scorecard as the Ballast frame of the same org: values, pro-rated count targets, statuses, previous', () => {
    const ballast = parseScorecard([ballastScorecardFrame(2, 3)], OPTIONS);
    const prom = parseScorecard(prometheusFrames(2, 3), OPTIONS);
    expect(prom.source).toBe('prometheus');
    expect(prom.window).toBe('ytd');
    expect(prom.notes).toEqual([]);
    expect(prom.scopes.map((s) => s.key).sort()).toEqual(ballast.scopes.map((s) => s.key).sort());
    for (const s of ballast.scopes) {
      const p = scope(prom, s.key);
      expect(p.businessLine).toBe(s.businessLine);
      for (const kpi of prom.kpis) {
        const [a, b] = [s.cells[kpi.key], p.cells[kpi.key]];
        expect(b.value, `${s.key} ${kpi.key}`).toBe(a.value);
        expect(b.status, `${s.key} ${kpi.key}`).toBe(a.status);
        expect(b.target!).toBeCloseTo(a.target!, 9);
        expect(b.previous).toBe(a.value === null ? null : a.previous);
      }
    }
  });

  it('names are the ids (Prometheus has no names or owners), the org is "Organization", no score', () => {
    const prom = parseScorecard(prometheusFrames(2, 1), OPTIONS);
    expect(prom.scopes.map((s) => [s.level, s.name, s.owner, s.score])).toEqual([
      ['org', 'Organization', null, null],
      ['business_line', 'bl-1', null, null],
      ['business_line', 'bl-2', null, null],
      ['team', 'bl-1-checkout-1', null, null],
      ['team', 'bl-2-profile-1', null, null],
    ]);
  });

  it('shows only the chosen window', () => {
    const frames = [
      series('A', 'stability_mttr_seconds', { window: '30d' }, 100),
      series('A', 'stability_mttr_seconds', { window: 'ytd' }, 200),
      series('B', 'stability_kpi_window_target', { kpi: 'mttr_seconds', window: '30d' }, 150),
      series('B', 'stability_kpi_window_target', { kpi: 'mttr_seconds', window: 'ytd' }, 150),
    ];
    expect(parseScorecard(frames, OPTIONS).scopes[0].cells.mttr_seconds).toMatchObject({ value: 200, status: 'missed' });
    expect(parseScorecard(frames, { ...OPTIONS, window: '30d' }).scopes[0].cells.mttr_seconds).toMatchObject({ value: 100, status: 'met' });
    const none = parseScorecard(frames, { ...OPTIONS, window: '7d' });
    expect(none).toMatchObject({ source: 'prometheus', window: '7d', scopes: [] });
  });

  it('says what is missing: no targets, no previous-window query', () => {
    const m = parseScorecard(prometheusFrames(1, 2).filter((f) => f.refId === 'A'), OPTIONS);
    expect(m.notes.join(' ')).toMatch(/No stability_kpi_window_target series of window ytd.*No previous window \(query refId "previous"/);
    expect(m.scopes.every((s) => Object.values(s.cells).every((c) => c.status === 'no_data' && c.previous === null))).toBe(true);
    // Another refId for the previous window is honoured.
    const renamed = prometheusFrames(1, 2).map((f) => (f.refId === 'previous' ? { ...f, refId: 'P' } : f));
    expect(parseScorecard(renamed, { ...OPTIONS, previousRefId: 'P' }).notes).toEqual([]);
  });

  it('judges each window against the target the exporter exposes for it (counts already pro-rated there)', () => {
    const frames = (window: string, extra: DataFrame[] = []) => [
      series('A', 'stability_freeze_violations', { window }, 2),
      series('A', 'stability_mttr_seconds', { window }, 100),
      // The exporter's yearly target of 365 as judged: 30 of 365 days for 30d, 182 elapsed for ytd.
      series('B', 'stability_kpi_window_target', { kpi: 'freeze_violations', window: '30d' }, 30),
      series('B', 'stability_kpi_window_target', { kpi: 'freeze_violations', window: 'ytd' }, 182),
      series('B', 'stability_kpi_window_target', { kpi: 'mttr_seconds', window: '30d' }, 90),
      // The yearly family is not a window's target: never pro-rated or used here.
      series('B', 'stability_kpi_target', { kpi: 'mttr_seconds' }, 365),
      ...extra,
    ];
    const cells = (window: string, extra?: DataFrame[]) => parseScorecard(frames(window, extra), { ...OPTIONS, window }).scopes[0].cells;
    expect(cells('ytd').freeze_violations).toMatchObject({ target: 182, status: 'met' });
    expect(cells('30d').freeze_violations).toMatchObject({ target: 30, status: 'met' });
    expect(cells('30d').mttr_seconds).toMatchObject({ target: 90, status: 'missed' });
    expect(cells('ytd').mttr_seconds).toMatchObject({ target: null, status: 'no_data' });
    // A target series without a window label (a recording rule, say) is the chosen window's.
    expect(cells('ytd', [series('B', 'stability_kpi_window_target', { kpi: 'mttr_seconds' }, 95)]).mttr_seconds).toMatchObject({ target: 95, status: 'at_risk' }); // 5 over ≤ 9.5
  });

  it('a scope has the target of its own series only (the exporter already exposes inherited targets)', () => {
    const team = { window: 'ytd', business_line: 'payments', team: 'checkout' };
    const frames = [
      series('A', 'stability_mttr_seconds', team, 100),
      series('A', 'stability_freeze_violations', team, 0),
      series('B', 'stability_kpi_window_target', { ...team, kpi: 'mttr_seconds' }, 90),
      series('B', 'stability_kpi_window_target', { kpi: 'mttr_seconds', business_line: 'payments', window: 'ytd' }, 500),
      series('B', 'stability_kpi_window_target', { kpi: 'freeze_violations', window: 'ytd' }, 4),
    ];
    const cells = parseScorecard(frames, OPTIONS).scopes[0].cells;
    expect(cells.mttr_seconds).toMatchObject({ target: 90, status: 'missed' });
    expect(cells.freeze_violations).toMatchObject({ target: null, status: 'no_data' });
  });

  it('reads table-format frames (a column per label and a Value column)', () => {
    const table = (refId: string, rows: Array<[string, string, string, string, number]>) =>
      toDataFrame({
        refId,
        fields: [
          { name: 'Time', type: FieldType.time, values: rows.map(() => Date.UTC(2026, 5, 30)) },
          { name: '__name__', type: FieldType.string, values: rows.map((r) => r[0]) },
          { name: 'business_line', type: FieldType.string, values: rows.map((r) => r[1]) },
          { name: 'team', type: FieldType.string, values: rows.map((r) => r[2]) },
          { name: 'window', type: FieldType.string, values: rows.map((r) => r[3]) },
          { name: `Value #${refId}`, type: FieldType.number, values: rows.map((r) => r[4]) },
        ],
      });
    const m = parseScorecard(
      [
        table('A', [
          ['stability_detection_ratio', '', '', 'ytd', 0.95],
          ['stability_detection_ratio', 'payments', '', 'ytd', 0.8],
          ['stability_detection_ratio', 'payments', 'checkout', 'ytd', 0.89],
        ]),
        tableTarget(),
      ],
      OPTIONS
    );
    expect(m.source).toBe('prometheus');
    expect(m.scopes.map((s) => [s.key, s.cells.detection_ratio.status])).toEqual([
      ['org:org', 'met'],
      ['business_line:payments', 'missed'],
      ['team:checkout', 'at_risk'],
    ]);
    expect(m.scopes[2].businessLine).toBe('payments');
  });

  it('a range query gives its last point', () => {
    const frame = toDataFrame({
      refId: 'A',
      fields: [
        { name: 'Time', type: FieldType.time, values: [1, 2, 3] },
        { name: 'Value', type: FieldType.number, values: [5, 7, null], labels: { __name__: 'stability_drill_score', window: 'ytd' } },
      ],
    });
    expect(parseScorecard([frame], OPTIONS).scopes[0].cells.drill_score.value).toBe(7);
  });
});

/** stability_kpi_window_target in table format: 0.9 for detection_ratio in ytd, for the org, payments and checkout. */
function tableTarget(): DataFrame {
  const rows: Array<[string, string]> = [
    ['', ''],
    ['payments', ''],
    ['payments', 'checkout'],
  ];
  return toDataFrame({
    refId: 'B',
    fields: [
      { name: 'Time', type: FieldType.time, values: rows.map(() => Date.UTC(2026, 5, 30)) },
      { name: '__name__', type: FieldType.string, values: rows.map(() => 'stability_kpi_window_target') },
      { name: 'kpi', type: FieldType.string, values: rows.map(() => 'detection_ratio') },
      { name: 'business_line', type: FieldType.string, values: rows.map((r) => r[0]) },
      { name: 'team', type: FieldType.string, values: rows.map((r) => r[1]) },
      { name: 'window', type: FieldType.string, values: rows.map(() => 'ytd') },
      { name: 'Value #B', type: FieldType.number, values: rows.map(() => 0.9) },
    ],
  });
}

describe('parseScorecard: what is not a scorecard', () => {
  it('no frames, unrelated frames, or only targets: source none', () => {
    expect(parseScorecard([], OPTIONS).source).toBe('none');
    const up = toDataFrame({ name: 'up', fields: [{ name: 'Value', type: FieldType.number, values: [1], labels: { __name__: 'up' } }] });
    expect(parseScorecard([up], OPTIONS).source).toBe('none');
    expect(parseScorecard([series('B', 'stability_kpi_window_target', { kpi: 'mttr_seconds', window: 'ytd' }, 1)], OPTIONS).source).toBe('none');
  });

  it('a Ballast frame wins over Prometheus series in the same panel', () => {
    expect(parseScorecard([...prometheusFrames(1, 1), ballastScorecardFrame(1, 1)], OPTIONS).source).toBe('ballast');
  });
});
