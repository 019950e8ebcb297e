/**
 * The KPI registry is complete and consistent: every entry says everything the exporter and the
 * plugins derive from it, and a formula reads only tally fields that some entry declares and that
 * its own sources fill. (That the store's SQL really returns those fields is checked on real
 * stores in exporter/test/kpi-registry.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import {
  DIRECTIONS,
  KPI_REGISTRY,
  TALLY_FIELD_SPECS,
  TALLY_SOURCES,
  UNITS,
  kpiValues,
  type KpiEntry,
  type TallyReader,
} from '../src/index.js';

const ENTRIES: readonly KpiEntry[] = KPI_REGISTRY;
const FIELDS = new Map(TALLY_FIELD_SPECS.map((f) => [f.name, f]));
const CTX = { days: 30, changeSystems: { integrated: 1, total: 2 } };

/** A reader that records what a formula asks for and answers 1 (or one sample of 1). */
function recordingReader() {
  const read = new Set<string>();
  const reader: TallyReader = {
    count(field) {
      read.add(field);
      return 1;
    },
    samples(field) {
      read.add(field);
      return [1000];
    },
  };
  return { read, reader };
}

/** The check the tests run on each entry; a list of problems, empty when complete. */
export function problemsOf(entry: KpiEntry): string[] {
  const problems: string[] = [];
  const text = (name: keyof KpiEntry) => {
    const v = entry[name];
    if (typeof v !== 'string' || v.trim() === '') problems.push(`${name} is empty`);
  };
  if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(entry.key)) problems.push(`key ${entry.key} is not snake_case`);
  text('title');
  text('description');
  if (!UNITS.includes(entry.unit)) problems.push(`unit ${entry.unit} is not one of ${UNITS.join(', ')}`);
  if (!DIRECTIONS.includes(entry.direction)) problems.push(`direction ${entry.direction} is not lower or higher`);
  if (entry.windowBy === null ? entry.sources.length > 0 : !/^[a-z]+\.[a-zA-Z]+At$/.test(entry.windowBy ?? '')) {
    problems.push(
      `windowBy ${String(entry.windowBy)} must name a record timestamp (e.g. change.startedAt), null only without sources`
    );
  }
  for (const s of entry.sources ?? []) if (!TALLY_SOURCES.includes(s)) problems.push(`source ${s} is no store query`);
  if (typeof entry.weight !== 'number' || !Number.isFinite(entry.weight) || entry.weight < 0)
    problems.push('weight must be a number ≥ 0');
  if (typeof entry.orgOnly !== 'boolean') problems.push('orgOnly must be true or false');
  if (typeof entry.windowScaled !== 'boolean') problems.push('windowScaled must be true or false');
  if (entry.windowScaled && entry.unit !== 'count') problems.push('only counts are window-scaled');
  if (typeof entry.formula !== 'function') {
    problems.push('formula is missing');
    return problems;
  }
  for (const [name, spec] of Object.entries(entry.tally ?? {})) {
    if (!spec.help?.trim()) problems.push(`tally field ${name} has no help`);
    if (spec.family !== null && !/^stability_[a-z0-9_]+$/.test(spec.family ?? ''))
      problems.push(`tally field ${name}: family must be stability_… or null`);
    if (spec.kind === 'samples' && spec.family !== null) problems.push(`tally field ${name}: samples are not exported`);
  }
  const { read, reader } = recordingReader();
  const value = entry.formula(reader, CTX);
  if (!value || !('value' in value) || !('numerator' in value) || !('denominator' in value))
    problems.push('formula must return value, numerator, denominator');
  for (const field of read) {
    const spec = FIELDS.get(field as never);
    if (!spec) problems.push(`formula reads ${field}, which no entry declares`);
    else if (spec.source !== 'org' && !entry.sources.includes(spec.source)) {
      problems.push(`formula reads ${field}, filled by the ${spec.source} query, which is not among its sources`);
    }
  }
  return problems;
}

describe('KPI registry', () => {
  it.each(ENTRIES.map((e) => [e.key, e] as const))('%s is complete', (_key, entry) => {
    expect(problemsOf(entry)).toEqual([]);
  });

  it('keys, tally fields and families are unique', () => {
    const keys = ENTRIES.map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
    const names = TALLY_FIELD_SPECS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    const families = [
      ...TALLY_FIELD_SPECS.flatMap((f) => (f.family ? [f.family] : [])),
      ...keys.map((k) => `stability_${k}`),
    ];
    expect(new Set(families).size).toBe(families.length);
  });

  it('the check catches incomplete entries', () => {
    const good = ENTRIES[1]!;
    expect(problemsOf({ ...good, title: ' ' })).toContain('title is empty');
    expect(problemsOf({ ...good, weight: Number.NaN })).toContain('weight must be a number ≥ 0');
    expect(problemsOf({ ...good, windowBy: null })[0]).toMatch(/^windowBy null/);
    expect(
      problemsOf({ ...good, formula: (t) => ({ value: t.count('noSuchField'), numerator: null, denominator: null }) })
    ).toContain('formula reads noSuchField, which no entry declares');
    // mttr reads recovered (incidents query): with only the alerts query as its source, it could not.
    expect(problemsOf({ ...good, sources: ['alerts'] })).toContain(
      'formula reads recovered, filled by the incidents query, which is not among its sources'
    );
    expect(problemsOf({ ...good, tally: { x: { source: 'incidents', family: 'bad-name', help: 'h' } } })).toContain(
      'tally field x: family must be stability_… or null'
    );
  });

  it('every formula runs on a tally (hand-computed on ones: MTTR 1 ms ÷ 1 = 0.001 s, accuracy 1 ÷ 2)', () => {
    const { reader } = recordingReader();
    const values = kpiValues(reader, CTX);
    expect(Object.keys(values)).toEqual(ENTRIES.map((e) => e.key));
    expect(values.mttr_seconds).toEqual({ value: 0.001, numerator: 0.001, denominator: 1 });
    expect(values.alert_accuracy_ratio).toMatchObject({ value: 0.5, inferred: { actionable: 1, noise: 1 } });
    expect(values.high_priority_alerts_per_day).toMatchObject({ value: 1 / 30, denominator: 30 });
    expect(values.change_system_integration_ratio).toMatchObject({ value: 0.5 });
    expect(values.mttr_p90_seconds).toEqual({ value: 1, numerator: null, denominator: 1 });
  });
});
