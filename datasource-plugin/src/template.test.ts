/**
 * Query fields with dashboard variables, interpolated by a template service that does what
 * Grafana's does (dashboards/templateSrv.ts: public/app/features/templating/template_srv.ts and its
 * formats): every syntax, multi-value, All with and without a custom all value, scoped variables.
 */
import { installGrafanaTemplateSrv, VariableModel } from './dashboards/templateSrv';
import { interpolate, interpolateList } from './template';

const variable = (
  name: string,
  values: string[],
  current: string | string[],
  extra: Partial<VariableModel> = {}
): VariableModel => ({
  name,
  type: 'query',
  includeAll: true,
  multi: Array.isArray(current),
  current: { value: current, text: current },
  options: [{ text: 'All', value: '$__all' }, ...values.map((v) => ({ text: v, value: v }))],
  ...extra,
});

describe('template variables in query fields', () => {
  beforeEach(() =>
    installGrafanaTemplateSrv([
      variable('team', ['a', 'b', 'c'], ['a', 'b']),
      variable('one', ['x', 'y'], 'x'),
      variable('all', ['p', 'q'], ['$__all']),
      variable('allCustom', ['p', 'q'], '$__all', { allValue: 'p,q,r' }),
      {
        name: 'window',
        type: 'custom',
        current: { value: '90d', text: '90d' },
        options: ['7d', '30d', '90d', 'ytd'].map((w) => ({ text: w, value: w })),
      },
    ])
  );

  it('multi-value variables become comma-separated lists, in every syntax', () => {
    expect(interpolate('$team')).toBe('a,b');
    expect(interpolate('${team}')).toBe('a,b');
    expect(interpolate('[[team]]')).toBe('a,b');
    expect(interpolate('${team:csv}')).toBe('a,b');
    expect(interpolateList('$team,$one')).toEqual(['a', 'b', 'x']);
  });

  it('a single-valued variable (the window) is its value', () => {
    expect(interpolate('$window')).toBe('90d');
    expect(interpolate('${window}')).toBe('90d');
  });

  it('a field that only names variables set to All is no filter', () => {
    expect(interpolate('$all')).toBeUndefined();
    expect(interpolate('${all}')).toBeUndefined();
    expect(interpolate('${all:csv}')).toBeUndefined();
    expect(interpolateList('$all')).toEqual([]);
  });

  it('All with a custom all value uses that value', () => {
    expect(interpolate('$allCustom')).toBe('p,q,r');
  });

  it('scoped variables (repeated panels) win over the dashboard value', () => {
    expect(interpolate('$all', { all: { text: 'q', value: 'q' } })).toBe('q');
    expect(interpolate('$team', { team: { text: 'c', value: 'c' } })).toBe('c');
  });

  it('plain values, blanks, empty strings and unknown variables', () => {
    expect(interpolate('payments')).toBe('payments');
    expect(interpolate(' a , b ,')).toBe('a,b');
    expect(interpolate('')).toBeUndefined();
    expect(interpolate(undefined)).toBeUndefined();
    // Grafana leaves a name it does not know as written; the exporter then refuses it by name
    expect(interpolate('$nope')).toBe('$nope');
  });
});
