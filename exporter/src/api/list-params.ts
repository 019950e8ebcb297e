/**
 * Query strings → the services' parsed queries. Lists take repeated or comma-separated values
 * (`?team=a,b` or `?team=a&team=b`); every bad value is a ValidationError naming its parameter,
 * collected so one answer lists them all.
 */
import type { Issue } from '../domain/org.js';
import { unsafeTextProblem, VERDICT_FILTERS, type Collection } from '../domain/records.js';
import { parseQueryTime } from '../domain/time.js';
import { SPECS } from '../store/collections.js';
import { ValidationError } from '../service/errors.js';
import {
  DEFAULT_PAGE,
  FLAGS_OF,
  MAX_PAGE,
  type Flag,
  type OwnerFilter,
  type Page,
  type RecordQuery,
  type TimeRange,
  type VerdictFilter,
} from '../service/record-query.js';

/** A request's query as express parses it (`query parser: simple`: a name's values are a string or strings). */
export type QueryParams = Record<string, unknown>;

/** Most values one list parameter takes (a Grafana multi-value variable sends each selected value). */
export const MAX_LIST_VALUES = 100;

/**
 * Names shaped like `team[x]` or `from[]` (the bracket syntax of qs): this API takes plain
 * `name=value` pairs only, so such a name is refused rather than silently ignored.
 */
export function bracketedParams(params: QueryParams): Issue[] {
  return Object.keys(params)
    .filter((name) => /[[\]]/.test(name))
    .map((name) => ({ path: name, message: 'query parameters are plain name=value pairs (no [brackets])' }));
}

/** Reads parameters, collecting issues; `done()` throws them together. */
export class ParamReader {
  readonly issues: Issue[] = [];
  constructor(private readonly params: QueryParams) {}

  /** Every value given, split on commas, trimmed, empty ones dropped. */
  list(name: string): string[] {
    const raw = this.params[name];
    if (raw === undefined) return [];
    const parts = Array.isArray(raw) ? raw : [raw];
    if (parts.some((v) => typeof v !== 'string')) {
      this.issues.push({ path: name, message: 'must be text (give it as name=value)' });
      return [];
    }
    const values = (parts as string[])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean);
    if (values.length > MAX_LIST_VALUES) {
      this.issues.push({ path: name, message: `takes at most ${MAX_LIST_VALUES} values` });
      return [];
    }
    const unsafe = values.map(unsafeTextProblem).find((p) => p !== null);
    if (unsafe) {
      this.issues.push({ path: name, message: unsafe });
      return [];
    }
    return values;
  }

  bool(name: string): boolean | undefined {
    const [v] = this.list(name);
    if (v === undefined) return undefined;
    if (v === 'true' || v === 'false') return v === 'true';
    this.issues.push({ path: name, message: 'must be true or false' });
    return undefined;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const values = this.list(name);
    if (values.length === 0) return fallback;
    const n = /^\d{1,16}$/.test(values[0]!) ? Number(values[0]) : NaN;
    if (values.length > 1 || !Number.isInteger(n) || n < min || n > max) {
      this.issues.push({ path: name, message: `must be a whole number from ${min} to ${max}` });
      return fallback;
    }
    return n;
  }

  /** ISO 8601 with an offset or epoch milliseconds (as Grafana sends), given once. */
  time(name: string): number | undefined {
    const values = this.list(name);
    if (values.length === 0) return undefined;
    const parsed = parseQueryTime(values[0]!);
    if (values.length > 1 || 'problem' in parsed) {
      this.issues.push({ path: name, message: 'problem' in parsed ? parsed.problem : 'must be given once' });
      return undefined;
    }
    return parsed.ms;
  }

  /** One of `allowed`, or undefined when absent. */
  choice<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const values = this.list(name);
    if (values.length === 0) return undefined;
    if (values.length > 1 || !allowed.includes(values[0] as T)) {
      this.issues.push({ path: name, message: `must be one of ${allowed.join(', ')}` });
      return undefined;
    }
    return values[0] as T;
  }

  owners(): OwnerFilter {
    const out: OwnerFilter = {};
    for (const name of ['businessLine', 'team', 'service'] as const) {
      const values = this.list(name);
      if (values.length > 0) out[name] = values;
    }
    return out;
  }

  range(): TimeRange {
    const from = this.time('from');
    const to = this.time('to');
    if (from !== undefined && to !== undefined && from > to)
      this.issues.push({ path: 'from', message: 'must not be after to' });
    return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
  }

  page(fallback = DEFAULT_PAGE): Page {
    return {
      limit: this.int('limit', fallback, 1, MAX_PAGE),
      offset: this.int('offset', 0, 0, Number.MAX_SAFE_INTEGER),
    };
  }

  /** Throws the issues collected so far, if any. */
  done(): void {
    if (this.issues.length > 0) throw new ValidationError(this.issues);
  }
}

/** `GET /{collection}`: owners, [from, to), page, the collection's column filters and flags. */
export function recordQuery(collection: Collection, params: QueryParams): RecordQuery {
  const read = new ParamReader(params);
  const owners = read.owners();
  const range = read.range();
  const page = read.page();
  const fields = Object.fromEntries(
    Object.keys(SPECS[collection].filters)
      .map((p) => [p, read.list(p)])
      .filter(([, v]) => v!.length > 0)
  );
  const flags: Partial<Record<Flag, boolean>> = {};
  for (const flag of FLAGS_OF[collection] as readonly Flag[]) {
    const value = read.bool(flag);
    if (value !== undefined) flags[flag] = value;
  }
  let verdict: VerdictFilter[] | undefined;
  if (collection === 'alerts') {
    const given = read.list('verdict');
    if (given.some((v) => !(VERDICT_FILTERS as readonly string[]).includes(v)))
      read.issues.push({ path: 'verdict', message: `must be one of ${VERDICT_FILTERS.join(', ')}` });
    else if (given.length > 0) verdict = given as VerdictFilter[];
  }
  read.done();
  return { ...owners, ...range, ...page, fields, flags, ...(verdict ? { verdict } : {}) };
}
