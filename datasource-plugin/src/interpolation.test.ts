/**
 * Every query field's template variables, in unit tests (no exporter): applyTemplateVariables
 * replaces each text field and filter, and query() sends the replaced values to the exporter.
 * A field dropped from the interpolation list fails here, not only against a real exporter.
 */
import { ScopedVars } from '@grafana/data';
import { beforeEach, describe, expect, it } from 'vitest';
import { installTemplateSrv } from './dashboards/templateSrv';
import { makeDataSource, rangeOf, request } from './testing/dataSource';
import { FakeRequest, installFakeBackendSrv, page } from './testing/fakeBackendSrv';
import { BallastQuery } from './types';

/** Each interpolated text field, a variable for it and the value that variable holds. */
const FIELDS = {
  businessLine: 'payments',
  team: 'checkout',
  service: 'checkout-api',
  kpi: 'mttr_seconds',
  kind: 'deploy',
  step: '6h',
  window: '90d',
  level: 'team',
} as const;
type Field = keyof typeof FIELDS;

const FROM = Date.parse('2026-10-01T00:00:00Z');
const TO = Date.parse('2026-10-08T00:00:00Z');
let requests: FakeRequest[];

beforeEach(() => {
  installTemplateSrv([
    ...Object.entries(FIELDS).map(([field, value]) => ({
      name: `v_${field}`,
      options: [value, 'other'],
      current: value,
    })),
    { name: 'teams', options: ['checkout', 'ledger', 'catalog'], current: ['checkout', 'ledger'] },
    { name: 'anyTeam', options: ['checkout', 'ledger'], current: '$__all' },
    { name: 'result', options: ['failed', 'success'], current: 'failed' },
  ]);
  requests = installFakeBackendSrv(({ path, params }) => {
    switch (path) {
      case '/api/v1/kpis/definitions':
        return [{ key: 'mttr_seconds', title: 'MTTR', unit: 'seconds', direction: 'lower', description: 'd' }];
      case '/api/v1/kpis/series':
        return { kpi: params.kpi, window: params.window, unit: 'seconds', series: [] };
      case '/api/v1/changes':
        return page([], params);
      default:
        throw { status: 404, data: { message: `unexpected ${path}` } };
    }
  }).requests;
});

const ds = () => makeDataSource({ url: 'http://ballast-exporter:9464' });
const apply = (query: Partial<BallastQuery>, scopedVars: ScopedVars = {}) =>
  ds().applyTemplateVariables({ refId: 'A', ...query } as BallastQuery, scopedVars);

describe('applyTemplateVariables', () => {
  it.each(Object.keys(FIELDS) as Field[])('replaces the variables of %s, in each of Grafana’s syntaxes', (field) => {
    for (const written of [`$v_${field}`, `\${v_${field}}`, `[[v_${field}]]`]) {
      expect(apply({ [field]: written })[field], written).toBe(FIELDS[field]);
    }
  });

  it('replaces every field at once, and each filter value', () => {
    const query = Object.fromEntries(Object.keys(FIELDS).map((f) => [f, `$v_${f}`])) as Partial<BallastQuery>;
    const out = apply({ ...query, filters: { result: '$result', team: '$teams', none: '$anyTeam' } });
    for (const [field, value] of Object.entries(FIELDS)) {
      expect(out[field as Field], field).toBe(value);
    }
    expect(out.filters).toEqual({ result: 'failed', team: 'checkout,ledger' }); // All: no filter
  });

  it('a multi-value variable becomes a list, All (no custom all value) no filter, text stays', () => {
    expect(apply({ team: '$teams' }).team).toBe('checkout,ledger');
    expect(apply({ team: '$anyTeam' }).team).toBeUndefined();
    expect(apply({ team: 'ledger,$v_team' }).team).toBe('ledger,checkout');
    expect(apply({ service: 'billing-api' }).service).toBe('billing-api');
    expect(apply({ service: '' }).service).toBeUndefined();
  });

  it('All is no filter in every syntax Grafana writes it in, and only when nothing else is asked for', () => {
    for (const written of [
      '$anyTeam',
      '${anyTeam}',
      '${anyTeam:csv}',
      '${anyTeam.value}',
      '[[anyTeam]]',
      '[[anyTeam:csv]]',
      ' $anyTeam , ',
    ]) {
      expect(apply({ team: written }).team, written).toBeUndefined();
    }
    // Text beside it, or another variable with a value: a filter (All expands to every option).
    expect(apply({ team: 'ledger,$anyTeam' }).team).toBe('ledger,checkout,ledger');
    expect(apply({ team: '$anyTeam,$v_team' }).team).toBe('checkout,ledger,checkout');
  });

  it('separators alone, or a literal $__all, leave no filter value', () => {
    expect(apply({ service: ' , ' }).service).toBeUndefined();
    expect(apply({ team: 'ledger,$__all' }).team).toBe('ledger');
    expect(apply({ team: '$__all' }).team).toBeUndefined();
  });

  it('a scoped variable (repeated panel or row) wins over the dashboard’s', () => {
    expect(apply({ team: '$v_team' }, { v_team: { text: 'ledger', value: 'ledger' } }).team).toBe('ledger');
    expect(apply({ team: '$anyTeam' }, { anyTeam: { text: 'catalog', value: 'catalog' } }).team).toBe('catalog');
  });
});

describe('query() sends the replaced values', () => {
  /** Runs the query and returns what reached the exporter at `path` (at least one request). */
  async function sent(query: BallastQuery, path: string): Promise<FakeRequest[]> {
    const res = await ds().query(request([query], rangeOf(FROM, TO)));
    expect(res.errors).toBeUndefined();
    const asked = requests.filter((r) => r.path === path);
    expect(asked.length, `requests to ${path}`).toBeGreaterThan(0);
    return asked;
  }

  it('a KPI series query: kpi, window, step, level and team as the variables hold them', async () => {
    const q = {
      refId: 'A',
      queryType: 'kpi',
      format: 'timeseries',
      kpi: '$v_kpi',
      window: '$v_window',
      step: '$v_step',
      level: '$v_level',
      team: '$teams',
    } as unknown as BallastQuery;
    const series = await sent(q, '/api/v1/kpis/series');
    expect(series.map((r) => r.params.team).sort()).toEqual(['checkout', 'ledger']); // one call per team
    for (const r of series) {
      expect(r.params).toMatchObject({ kpi: 'mttr_seconds', window: '90d', step: '6h', level: 'team' });
    }
  });

  it('a change annotation query: kind, service and business line as the variables hold them', async () => {
    const q = {
      refId: 'A',
      queryType: 'annotations',
      annotationSource: 'changes',
      kind: '$v_kind',
      service: '$v_service',
      businessLine: '$v_businessLine',
    } as unknown as BallastQuery;
    const changes = await sent(q, '/api/v1/changes');
    for (const r of changes) {
      expect(r.params).toMatchObject({ kind: 'deploy', service: 'checkout-api', businessLine: 'payments' });
    }
  });
});
