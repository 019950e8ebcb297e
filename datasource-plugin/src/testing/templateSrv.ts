/**
 * A small TemplateSrv for tests: dashboard variables with a current value (a string, a list for
 * multi-value, or `$__all`), replaced the way Grafana does for `$name`, `${name}` and `[[name]]`,
 * passing the values to a format function when one is given.
 */
import { ScopedVars } from '@grafana/data';
import { setTemplateSrv, TemplateSrv } from '@grafana/runtime';

export interface TestVariable {
  name: string;
  /** Every option of the variable (what "All" stands for without a custom all value). */
  options: string[];
  current: string | string[];
  allValue?: string;
}

const PATTERN = /\$(\w+)|\[\[(\w+)(?::\w+)?\]\]|\$\{(\w+)(?::[^}]+)?\}/g;

export function installTemplateSrv(variables: TestVariable[]): void {
  const byName = new Map(variables.map((v) => [v.name, v]));
  const srv = {
    getVariables: () =>
      variables.map((v) => ({
        name: v.name,
        type: 'query',
        current: { value: v.current, text: v.current },
        allValue: v.allValue ?? null,
        options: v.options.map((o) => ({ text: o, value: o })),
      })),
    replace: (target?: string, scopedVars?: ScopedVars, format?: string | Function) =>
      (target ?? '').replace(PATTERN, (match, a, b, c) => {
        const name = a ?? b ?? c;
        const scoped = scopedVars?.[name];
        let value: unknown;
        if (scoped) {
          value = scoped.value;
        } else {
          const v = byName.get(name);
          if (!v) {
            return match;
          }
          const isAll = Array.isArray(v.current) ? v.current.includes('$__all') : v.current === '$__all';
          value = isAll ? (v.allValue ?? v.options) : v.current;
        }
        if (typeof format === 'function') {
          return format(value);
        }
        return Array.isArray(value) ? `{${value.join(',')}}` : String(value);
      }),
    containsTemplate: (target?: string) => !!target && PATTERN.test(target),
    updateTimeRange: () => undefined,
  };
  setTemplateSrv(srv as unknown as TemplateSrv);
}
