/**
 * Reading data frame fields by name, the way the panel documents it: names match case- and
 * `_`-insensitively (`businessLine`, `business_line` and `BusinessLine` are one field), and cell
 * values are read leniently (numbers from numeric strings, instants from ISO strings), since
 * tables can come from the Ballast data source, Prometheus or a transformation.
 */
import { DataFrame, Field } from '@grafana/data';

/** The form names are compared in: lower case, without `_`, `-` and spaces. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[_\-\s]/g, '');
}

/** The fields of a frame by normalised name (the first of duplicates wins). */
export function fieldIndex(frame: DataFrame): Map<string, Field> {
  const byName = new Map<string, Field>();
  for (const field of frame.fields) {
    const key = normalizeName(field.name);
    if (!byName.has(key)) {
      byName.set(key, field);
    }
  }
  return byName;
}

/** The first of the given names that the frame has. */
export function pickField(fields: Map<string, Field>, ...names: string[]): Field | undefined {
  for (const name of names) {
    const field = fields.get(normalizeName(name));
    if (field) {
      return field;
    }
  }
  return undefined;
}

/** A text cell; empty strings are no value (the data source writes '' for a missing owner). */
export function textAt(field: Field | undefined, row: number): string | null {
  const v: unknown = field?.values[row];
  if (v === null || v === undefined) {
    return null;
  }
  const s = String(v);
  return s === '' ? null : s;
}

/** A numeric cell; NaN, ±Infinity, blanks and non-numbers are no value. */
export function numberAt(field: Field | undefined, row: number): number | null {
  const v: unknown = field?.values[row];
  if (v === null || v === undefined || v === '') {
    return null;
  }
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** An instant (epoch ms) from a time, number, Date or ISO string cell. */
export function timeAt(field: Field | undefined, row: number): number | null {
  const v: unknown = field?.values[row];
  if (v === null || v === undefined || v === '') {
    return null;
  }
  if (typeof v === 'number') {
    return Number.isFinite(v) ? v : null;
  }
  if (v instanceof Date) {
    return v.getTime();
  }
  const t = Date.parse(String(v));
  return Number.isNaN(t) ? null : t;
}

/** A boolean cell, or null when the cell is blank or not a recognisable truth value. */
export function booleanAt(field: Field | undefined, row: number): boolean | null {
  const v: unknown = field?.values[row];
  if (typeof v === 'boolean') {
    return v;
  }
  if (v === 'true' || v === 1 || v === '1') {
    return true;
  }
  if (v === 'false' || v === 0 || v === '0') {
    return false;
  }
  return null;
}

/** The number of rows of a frame (hand-built frames may leave `length` out). */
export function rowCount(frame: DataFrame): number {
  return frame.length ?? frame.fields[0]?.values.length ?? 0;
}
