/**
 * The part of Go's text/template that plugin.json routes use, as Grafana runs it
 * (`pkg/api/pluginproxy/utils.go`, `interpolateString`: `template.New("content").Funcs({orEmpty}).Parse(text)`
 * then `Execute(data)` with `templateData{URL, JsonData, SecureJsonData}`):
 *   - `{{ .JsonData.url }}`, `{{ .SecureJsonData.token }}`, `{{ .URL }}`, nested `{{ .JsonData.a.b }}`;
 *   - a missing map key prints `<no value>` (text/template's default `missingkey` option), so an
 *     unset secret in `Bearer {{ .SecureJsonData.token }}` is sent as `Bearer <no value>`;
 *   - `| orEmpty` turns a missing or null value into the empty string;
 *   - values print as Go's fmt does for JSON-decoded values (numbers without a trailing `.0`).
 * Anything else is refused with the error Grafana returns ("could not parse template …"), so a
 * route that uses more of text/template than this fails loudly here instead of passing untested.
 */

export interface TemplateData {
  URL?: string;
  JsonData: Record<string, unknown>;
  SecureJsonData: Record<string, string>;
}

export class TemplateError extends Error {}

const MISSING = Symbol('missing');

function goPrint(v: unknown): string {
  if (v === MISSING) {
    return '<no value>';
  }
  if (v === null || v === undefined) {
    return '<nil>';
  }
  if (typeof v === 'number') {
    // fmt %v of a float64 (JSON numbers): 9464 prints as 9464, 1.5 as 1.5.
    return String(v);
  }
  if (typeof v === 'string' || typeof v === 'boolean') {
    return String(v);
  }
  if (Array.isArray(v)) {
    return `[${v.map(goPrint).join(' ')}]`;
  }
  if (typeof v === 'object') {
    const entries = Object.keys(v as object)
      .sort()
      .map((k) => `${k}:${goPrint((v as Record<string, unknown>)[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(v);
}

function evalField(data: TemplateData, chain: string[], text: string): unknown {
  let value: unknown = data;
  for (let i = 0; i < chain.length; i++) {
    const name = chain[i]!;
    if (i === 0) {
      if (!['URL', 'JsonData', 'SecureJsonData'].includes(name)) {
        // Execute fails: templateData is a struct without that field.
        throw new TemplateError(`failed to execute template ${text}`);
      }
      value = (data as unknown as Record<string, unknown>)[name] ?? (name === 'URL' ? '' : {});
      continue;
    }
    if (value === MISSING || value === null || typeof value !== 'object' || Array.isArray(value)) {
      // a field of a missing, nil or non-map value: Execute fails
      throw new TemplateError(`failed to execute template ${text}`);
    }
    const obj = value as Record<string, unknown>;
    value = Object.prototype.hasOwnProperty.call(obj, name) ? obj[name] : MISSING;
  }
  return value;
}

/** Grafana's interpolateString. Throws TemplateError with Grafana's message on what it would refuse. */
export function interpolateString(text: string, data: TemplateData): string {
  let out = '';
  let rest = text;
  for (;;) {
    const open = rest.indexOf('{{');
    if (open === -1) {
      out += rest;
      return out;
    }
    out += rest.slice(0, open);
    const close = rest.indexOf('}}', open + 2);
    if (close === -1) {
      throw new TemplateError(`could not parse template ${text}`);
    }
    const action = rest.slice(open + 2, close).trim();
    rest = rest.slice(close + 2);
    const parts = action.split('|').map((p) => p.trim());
    const head = parts[0]!;
    const m = /^((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$/.exec(head);
    if (!m || parts.slice(1).some((p) => p !== 'orEmpty')) {
      throw new TemplateError(`could not parse template ${text}`);
    }
    let value = evalField(data, head.slice(1).split('.'), text);
    for (let i = 1; i < parts.length; i++) {
      value = value === MISSING || value === null || value === undefined ? '' : value;
    }
    out += goPrint(value);
  }
}
