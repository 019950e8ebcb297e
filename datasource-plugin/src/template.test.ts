import { interpolate, interpolateList } from './template';
import { installTemplateSrv } from './testing/templateSrv';

describe('template variables in query fields', () => {
  beforeEach(() =>
    installTemplateSrv([
      { name: 'team', options: ['a', 'b', 'c'], current: ['a', 'b'] },
      { name: 'one', options: ['x', 'y'], current: 'x' },
      { name: 'all', options: ['p', 'q'], current: '$__all' },
      { name: 'allCustom', options: ['p', 'q'], current: '$__all', allValue: 'p,q,r' },
    ])
  );

  it('multi-value variables become comma-separated lists, in every syntax', () => {
    expect(interpolate('$team')).toBe('a,b');
    expect(interpolate('${team}')).toBe('a,b');
    expect(interpolate('[[team]]')).toBe('a,b');
    expect(interpolateList('$team,$one')).toEqual(['a', 'b', 'x']);
  });

  it('a field that only names variables set to All is no filter', () => {
    expect(interpolate('$all')).toBeUndefined();
    expect(interpolate('${all}')).toBeUndefined();
    expect(interpolateList('$all')).toEqual([]);
  });

  it('All with a custom all value uses that value', () => {
    expect(interpolate('$allCustom')).toBe('p,q,r');
  });

  it('scoped variables (repeated panels) win over the dashboard value', () => {
    expect(interpolate('$all', { all: { text: 'q', value: 'q' } })).toBe('q');
    expect(interpolate('$team', { team: { text: 'c', value: 'c' } })).toBe('c');
  });

  it('plain values, blanks and empty strings', () => {
    expect(interpolate('payments')).toBe('payments');
    expect(interpolate(' a , b ,')).toBe('a,b');
    expect(interpolate('')).toBeUndefined();
    expect(interpolate(undefined)).toBeUndefined();
  });
});
