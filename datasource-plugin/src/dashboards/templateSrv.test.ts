/**
 * The test template service against Grafana's own expectations: each case below is one of
 * public/app/features/templating/template_srv.test.ts (Grafana's tests of template_srv.ts and
 * formatVariableValue.ts), with the same variables and the same expected strings.
 */
import { dateTime } from '@grafana/data';
import { describe, expect, it } from 'vitest';
import { formatVariableValue, GrafanaTemplateSrv, VariableModel } from './templateSrv';

const query = (name: string, value: string | string[], extra: Partial<VariableModel> = {}): VariableModel => ({
  name,
  type: 'query',
  current: { value, text: value },
  options: [],
  ...extra,
});

describe('template_srv.ts, as Grafana tests it', () => {
  it('init: [[test]] is the current value', () => {
    expect(new GrafanaTemplateSrv([query('test', 'oogle')]).replace('this.[[test]].filters')).toBe(
      'this.oogle.filters'
    );
  });

  it('scoped vars win, and may be objects read with a field path', () => {
    const srv = new GrafanaTemplateSrv([query('test', 'oogle')]);
    expect(srv.replace('this.$test.filters', { test: { value: 'mupp', text: 'asd' } })).toBe('this.mupp.filters');
    expect(srv.replace('this.${test:glob}.filters', { test: { value: 'mupp', text: 'asd' } })).toBe(
      'this.mupp.filters'
    );
    expect(
      srv.replace('${series.name} ${series.nested.field}', {
        series: { value: { name: 'Server1', nested: { field: 'nested' } }, text: 'foo' },
      })
    ).toBe('Server1 nested');
    expect(
      srv.replace('${series.name} ${series.nested["field.with.dot"]}', {
        series: { value: { name: 'Server1', nested: { 'field.with.dot': 'nested' } }, text: 'foo' },
      })
    ).toBe('Server1 nested');
    expect(
      srv.replace('${series.rows[0].name} ${series.rows[1].name}', {
        series: { value: { rows: [{ name: 'first' }, { name: 'second' }] }, text: 'foo' },
      })
    ).toBe('first second');
  });

  it('multi value: glob, and the format in the expression wins', () => {
    const srv = new GrafanaTemplateSrv([query('test', ['value1', 'value2'])]);
    expect(srv.replace('this.$test.filters', {}, 'glob')).toBe('this.{value1,value2}.filters');
    expect(srv.replace('this.${test:glob}.filters', {})).toBe('this.{value1,value2}.filters');
    expect(srv.replace('this=${test:pipe}', {})).toBe('this=value1|value2');
    expect(srv.replace('${test:pipe},$test', {}, 'glob')).toBe('value1|value2,{value1,value2}');
    expect(new GrafanaTemplateSrv([query('test', ['value1'])]).replace('this.$test.filters', {}, 'glob')).toBe(
      'this.value1.filters'
    );
  });

  it('All: every option but the All option; queryparam says All', () => {
    const srv = new GrafanaTemplateSrv([
      query('test', '$__all', {
        options: [
          { text: 'All', value: '$__all' },
          { text: 'value1', value: 'value1' },
          { text: 'value2', value: 'value2' },
        ],
      }),
    ]);
    expect(srv.replace('this.$test.filters', {}, 'glob')).toBe('this.{value1,value2}.filters');
    expect(srv.replace('${test:pipe},$test', {}, 'glob')).toBe('value1|value2,{value1,value2}');
    expect(srv.replace('${test:queryparam}', {})).toBe('var-test=All');
  });

  it('All with a custom all value: inserted unformatted, except for text and percentencode', () => {
    const options = [
      { text: 'value1', value: 'value1' },
      { text: 'value2', value: 'value2' },
    ];
    const srv = new GrafanaTemplateSrv([query('test', '$__all', { allValue: '*', options })]);
    expect(srv.replace('this.$test.filters', {}, 'glob')).toBe('this.*.filters');
    expect(srv.replace('this.${test:text}.filters', {})).toBe('this.All.filters');
    expect(srv.replace('this.$test', {}, 'regex')).toBe('this.*');
    expect(srv.replace('${test:queryparam}', {})).toBe('var-test=All');
    const plus = new GrafanaTemplateSrv([query('test', '$__all', { allValue: '.+', options })]);
    expect(plus.replace('this.${test:percentencode}', {}, 'regex')).toBe('this..%2B');
  });

  it('lucene format', () => {
    expect(new GrafanaTemplateSrv([query('test', 'value/4')]).replace('this:${test:lucene}', {})).toBe(
      'this:value\\/4'
    );
    expect(new GrafanaTemplateSrv([query('test', 'value/4')]).replace('this:$test', {}, 'lucene')).toBe(
      'this:value\\/4'
    );
  });

  it('formatVariableValue: unknown formats are glob; lucene, regex, pipe, distributed', () => {
    expect(formatVariableValue('test')).toBe('test');
    expect(formatVariableValue('test', 'nonexistentformat')).toBe('test');
    expect(formatVariableValue(['test', 'test1'], 'nonexistentformat')).toBe('{test,test1}');
    expect(formatVariableValue(['test', 'test2'], 'lucene')).toBe('("test" OR "test2")');
    expect(formatVariableValue(['test.', 'test2'], 'regex')).toBe('(test\\.|test2)');
    expect(formatVariableValue(['test', 'test2'], 'pipe')).toBe('test|test2');
    expect(formatVariableValue(['test', 'test2'], 'distributed', { name: 'build' })).toBe('test,build=test2');
    expect(formatVariableValue(['test'], 'distributed', { name: 'build' })).toBe('test');
  });

  it('an unknown variable stays as written; __from/__to come from the time range', () => {
    const srv = new GrafanaTemplateSrv([]);
    expect(srv.replace('$nope and ${nope:csv}')).toBe('$nope and ${nope:csv}');
    const from = dateTime(Date.UTC(2026, 0, 1));
    const to = dateTime(Date.UTC(2026, 0, 2));
    srv.updateTimeRange({ from, to, raw: { from, to } });
    expect(srv.replace('${__from}-${__to}')).toBe(`${from.valueOf()}-${to.valueOf()}`);
    expect(srv.replace('${__from:date:iso}')).toBe('2026-01-01T00:00:00.000Z');
  });
});
