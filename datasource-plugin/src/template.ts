/**
 * Template variables in query fields. Multi-value variables become comma-separated lists (the
 * exporter's list filters take `team=a,b`), and a field that only names variables set to "All"
 * (without a custom all value) becomes no filter at all rather than a list of every value.
 */
import { ScopedVars } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';

const ALL = '$__all';
const VARIABLE = /\$(\w+)|\[\[(\w+)(?::\w+)?\]\]|\$\{(\w+)(?:\.[^:}]+)?(?::[^}]+)?\}/g;

interface VariableLike {
  name: string;
  current?: { value?: string | string[] };
  allValue?: string | null;
}

function referencedNames(text: string): string[] {
  return [...text.matchAll(VARIABLE)].map((m) => m[1] ?? m[2] ?? m[3]!).filter(Boolean);
}

function isAll(name: string, scopedVars?: ScopedVars): boolean {
  if (scopedVars?.[name]) {
    return false; // repeated panels and rows fix one value
  }
  const variable = (getTemplateSrv().getVariables() as unknown as VariableLike[]).find((v) => v.name === name);
  if (!variable || variable.allValue) {
    return false;
  }
  const value = variable.current?.value;
  return Array.isArray(value) ? value.includes(ALL) : value === ALL;
}

const csv = (value: unknown): string => (Array.isArray(value) ? value.join(',') : String(value ?? ''));

/**
 * `text` with its variables replaced; `undefined` when nothing is left to filter by (empty, or
 * only variables set to All).
 */
export function interpolate(text: string | undefined, scopedVars?: ScopedVars): string | undefined {
  if (!text) {
    return undefined;
  }
  const names = referencedNames(text);
  if (
    names.length > 0 &&
    text.replace(VARIABLE, '').replace(/[\s,]/g, '') === '' &&
    names.every((n) => isAll(n, scopedVars))
  ) {
    return undefined;
  }
  const out = getTemplateSrv()
    .replace(text, scopedVars, csv)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== ALL)
    .join(',');
  return out === '' ? undefined : out;
}

/** Each value of an interpolated list (`a,b` → [a, b]). */
export function interpolateList(text: string | undefined, scopedVars?: ScopedVars): string[] {
  return interpolate(text, scopedVars)?.split(',') ?? [];
}
