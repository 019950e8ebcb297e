/**
 * Grafana's template service for tests, doing what Grafana's own does (no Grafana runs here):
 *
 *  - public/app/features/variables/utils.ts `variableRegex`: `$var`, `[[var]]`, `[[var:fmt]]`,
 *    `${var}`, `${var.fieldPath}`, `${var:fmt}` (and `${var.fieldPath:fmt}`);
 *  - public/app/features/templating/template_srv.ts `replace` / `_evaluateVariableExpression`:
 *    a scoped variable wins; an unknown name stays as written; the format named in the expression
 *    wins over the one passed to replace(); `$__all` (ALL_VARIABLE_VALUE) becomes every option's
 *    value but the first (the "All" option itself, `getAllValue`), or the variable's custom
 *    `allValue`, which is inserted unformatted (unless the format is text or percentencode);
 *    `isAllValue`: `$__all` or an array whose first element is `$__all`; `__from`/`__to` from the
 *    time range (`updateIndex`);
 *  - public/app/features/templating/formatVariableValue.ts: null/undefined → '', objects
 *    stringified, a function format is called as format(value, variable, formatVariableValue),
 *    no format is `glob`, `fmt:arg` splits the arguments off, an unknown format falls back to glob;
 *  - the formats of formatRegistry (public/app/features/templating/formatRegistry.ts, and the
 *    copy Grafana 12 uses: grafana/scenes packages/scenes/src/variables/interpolation/formatRegistry.ts).
 *
 * Grafana 12 dashboards are Scenes: replace() with `scopedVars.__sceneObject` is delegated to
 * sceneGraph.interpolate, which applies the same regex, All rule and formats to the scene's
 * variables, and getVariables() returns them as legacy models whose `current.value` is the scene
 * variable's value, `$__all` included (public/app/features/dashboard-scene/serialization/
 * sceneVariablesSetToVariables.ts), which is what the data source's All check reads.
 */
import { dateTime, escapeRegex, ScopedVars, textUtil, TimeRange } from '@grafana/data';
import { setTemplateSrv, TemplateSrv } from '@grafana/runtime';

export const ALL_VARIABLE_VALUE = '$__all';
export const ALL_VARIABLE_TEXT = 'All';

/** public/app/features/variables/utils.ts */
const variableRegex = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^}]+))?(?::([^}]+))?}/g;

export interface VariableOption {
  text: string;
  value: string;
  selected?: boolean;
}

/** The parts of a dashboard variable model (TypedVariableModel) that interpolation reads. */
export interface VariableModel {
  name: string;
  type: string;
  current: { text: string | string[]; value: string | string[] };
  /** With includeAll, options[0] is the All option ({text: 'All', value: '$__all'}). */
  options: VariableOption[];
  includeAll?: boolean;
  multi?: boolean;
  allValue?: string | null;
}

type Value = string | number | boolean | Array<string | number | boolean>;
type FormatFn = (value: unknown, variable: unknown, formatValue: typeof formatVariableValue) => string;

const encodeStrict = (s: unknown) =>
  encodeURIComponent(String(s)).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const luceneEscape = (v: string) => (isNaN(+v) === false ? v : v.replace(/([!*+\-=<>\s&|()[\]{}^~?:\\/"])/g, '\\$1'));
const quote = (q: string) => (value: Value) => {
  const one = (v: unknown) => `${q}${String(v).replace(new RegExp(q, 'g'), `\\${q}`)}${q}`;
  return Array.isArray(value) ? value.map(one).join(',') : one(value);
};

/** formatRegistry: id → formatter(value, args, variable). */
const FORMATS: Record<string, (value: Value, args: string[], variable: Partial<VariableModel>) => string> = {
  lucene: (value) =>
    typeof value === 'string'
      ? luceneEscape(value)
      : Array.isArray(value)
        ? value.length === 0
          ? '__empty__'
          : '(' + value.map((v) => `"${luceneEscape(String(v))}"`).join(' OR ') + ')'
        : luceneEscape(String(value)),
  raw: (value) => String(value),
  regex: (value) => {
    if (!Array.isArray(value)) {
      return escapeRegex(String(value));
    }
    const escaped = value.map((v) => escapeRegex(String(v)));
    return escaped.length === 1 ? escaped[0]! : '(' + escaped.join('|') + ')';
  },
  pipe: (value) => (Array.isArray(value) ? value.join('|') : String(value)),
  distributed: (value, _args, variable) =>
    Array.isArray(value) ? value.map((v, i) => (i === 0 ? v : `${variable.name}=${v}`)).join(',') : String(value),
  csv: (value) => (Array.isArray(value) ? value.join(',') : String(value)),
  html: (value) => textUtil.escapeHtml(Array.isArray(value) ? value.join(', ') : String(value)),
  json: (value) => (typeof value === 'string' ? value : JSON.stringify(value)),
  percentencode: (value) => encodeStrict(Array.isArray(value) ? '{' + value.join(',') + '}' : value),
  singlequote: quote("'"),
  doublequote: quote('"'),
  sqlstring: (value) => {
    const one = (v: unknown) => `'${String(v).replace(/'|"/g, (m) => (m === "'" ? "''" : '\\"'))}'`;
    return Array.isArray(value) ? value.map(one).join(',') : one(value);
  },
  join: (value, args) => (Array.isArray(value) ? value.join(args[0] ?? ',') : String(value)),
  date: (value, args) => {
    const n = typeof value === 'number' ? value : parseInt(String(value), 10);
    if (isNaN(n)) {
      return 'NaN';
    }
    const arg = args[0] ?? 'iso';
    return arg === 'ms'
      ? String(value)
      : arg === 'seconds'
        ? `${Math.round(n / 1000)}`
        : arg === 'iso'
          ? dateTime(n).toISOString()
          : dateTime(n).format(args.join(':'));
  },
  glob: (value) => (Array.isArray(value) && value.length > 1 ? '{' + value.join(',') + '}' : String(value)),
  queryparam: (value, _args, variable) =>
    (Array.isArray(value) ? value : [value]).map((v) => `var-${variable.name}=${encodeStrict(v)}`).join('&'),
};

/** formatVariableValue.ts; `text` stands for the variable's text for the `text` format. */
export function formatVariableValue(
  value: unknown,
  format?: string | FormatFn,
  variable?: Partial<VariableModel>,
  text?: unknown
): string {
  variable = variable || {};
  if (value === null || value === undefined) {
    return '';
  }
  if (!Array.isArray(value) && typeof value === 'object') {
    value = `${value}`;
  }
  if (typeof format === 'function') {
    return format(value, variable, formatVariableValue);
  }
  let args = (format || 'glob').split(':');
  const id = args[0]!;
  args = args.slice(1);
  if (id === 'text') {
    const t = text ?? value;
    return Array.isArray(t) ? t.join(' + ') : String(t);
  }
  const formatter = FORMATS[id] ?? FORMATS.glob!;
  return formatter(value as Value, args, variable);
}

export class GrafanaTemplateSrv {
  private index: Record<string, VariableModel> = {};
  private timeRange?: TimeRange;

  constructor(
    private variables: VariableModel[] = [],
    timeRange?: TimeRange
  ) {
    this.init(variables, timeRange);
  }

  init(variables: VariableModel[], timeRange?: TimeRange) {
    this.variables = variables;
    this.timeRange = timeRange;
    this.updateIndex();
  }

  /** template_srv.ts updateIndex: variables with a current value, and __from/__to of the time range. */
  private updateIndex() {
    const existsOrEmpty = (v: unknown) => Boolean(v) || v === '';
    this.index = Object.fromEntries(
      this.variables.filter((v) => v.current && existsOrEmpty(v.current.value)).map((v) => [v.name, v])
    );
    if (this.timeRange) {
      const from = this.timeRange.from.valueOf().toString();
      const to = this.timeRange.to.valueOf().toString();
      this.index.__from = { name: '__from', type: 'constant', current: { text: from, value: from }, options: [] };
      this.index.__to = { name: '__to', type: 'constant', current: { text: to, value: to }, options: [] };
    }
  }

  updateTimeRange(timeRange: TimeRange) {
    this.timeRange = timeRange;
    this.updateIndex();
  }

  getVariables(): VariableModel[] {
    return this.variables;
  }

  containsTemplate(target?: string): boolean {
    if (!target) {
      return false;
    }
    variableRegex.lastIndex = 0;
    const m = variableRegex.exec(target);
    const name = m?.slice(1).find((x) => x !== undefined);
    return !!name && !!this.index[name];
  }

  isAllValue(value: unknown): boolean {
    return value === ALL_VARIABLE_VALUE || (Array.isArray(value) && value[0] === ALL_VARIABLE_VALUE);
  }

  /** template_srv.ts getAllValue: the custom all value, else every option's value but the All option (index 0). */
  getAllValue(variable: VariableModel): string | string[] {
    if (variable.allValue) {
      return variable.allValue;
    }
    return variable.options.slice(1).map((o) => o.value);
  }

  replace(target?: string, scopedVars?: ScopedVars, format?: string | FormatFn): string {
    if (!target) {
      return target ?? '';
    }
    variableRegex.lastIndex = 0;
    return target.replace(variableRegex, (match, var1, var2, fmt2, var3, fieldPath, fmt3) =>
      this.evaluate(match, var1 || var2 || var3, fieldPath, fmt2 || fmt3 || format, scopedVars)
    );
  }

  private evaluate(
    match: string,
    name: string,
    fieldPath: string | undefined,
    format: string | FormatFn | undefined,
    scopedVars?: ScopedVars
  ): string {
    const variable = this.index[name];
    const scoped = scopedVars?.[name];
    if (scoped) {
      const value = fieldPath ? getPath(scoped.value, fieldPath) : scoped.value;
      const text = scoped.value === value || typeof value !== 'string' ? scoped.text : value;
      if (value !== null && value !== undefined) {
        return formatVariableValue(value, format, variable, text);
      }
    }
    if (!variable) {
      return match; // macros (__data, __field, …) are panel-side; nothing here uses them
    }
    if (format === 'queryparam') {
      // the variable adapter's getValueForUrl: All is `All`
      const forUrl = this.isAllValue(variable.current.value) ? ALL_VARIABLE_TEXT : variable.current.value;
      return formatVariableValue(forUrl, format, variable, variable.current.text);
    }
    let value: unknown = variable.current.value;
    let text: unknown = variable.current.text;
    if (this.isAllValue(value)) {
      value = this.getAllValue(variable);
      text = ALL_VARIABLE_TEXT;
      // skip formatting of custom all values unless format set to text or percentencode
      if (variable.allValue && format !== 'text' && format !== 'percentencode') {
        return this.replace(value as string);
      }
    }
    if (fieldPath) {
      const fieldValue = getPath({ value, text }, fieldPath);
      if (fieldValue !== null && fieldValue !== undefined) {
        return formatVariableValue(fieldValue, format, variable, text);
      }
    }
    return formatVariableValue(value, format, variable, text);
  }
}

/** lodash `property(path)`: `a.b`, `rows[0].name`, `nested["field.with.dot"]`. */
function getPath(obj: unknown, path: string): unknown {
  const keys = [...path.matchAll(/\[\s*(?:"([^"]*)"|'([^']*)'|(\d+))\s*\]|([^.[\]]+)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3] ?? m[4]!
  );
  return keys.reduce<unknown>(
    (o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
    obj
  );
}

/** Installs it as @grafana/runtime's getTemplateSrv(), as Grafana does at start-up. */
export function installGrafanaTemplateSrv(variables: VariableModel[], timeRange?: TimeRange): GrafanaTemplateSrv {
  const srv = new GrafanaTemplateSrv(variables, timeRange);
  setTemplateSrv(srv as unknown as TemplateSrv);
  return srv;
}

/** A dashboard variable in short: its options (without All), its current value(s), and a custom all value. */
export interface TestVariable {
  name: string;
  options: string[];
  /** A value, a list (multi-value), or `$__all`. */
  current: string | string[];
  allValue?: string;
}

/**
 * Installs variables given in short as Grafana models them: a multi-value, include-All query
 * variable (options[0] is All) whenever the current value is a list or `$__all`.
 */
export function installTemplateSrv(variables: TestVariable[]): GrafanaTemplateSrv {
  return installGrafanaTemplateSrv(
    variables.map((v) => {
      const values = ([] as string[]).concat(v.current);
      const includeAll = Array.isArray(v.current) || values.includes(ALL_VARIABLE_VALUE);
      return {
        name: v.name,
        type: 'query',
        includeAll,
        multi: Array.isArray(v.current),
        allValue: v.allValue ?? null,
        current: { value: v.current, text: v.current },
        options: [
          ...(includeAll ? [{ text: ALL_VARIABLE_TEXT, value: ALL_VARIABLE_VALUE }] : []),
          ...v.options.map((o) => ({ text: o, value: o })),
        ],
      };
    })
  );
}
