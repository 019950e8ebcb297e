/**
 * How each record collection maps between its API shape (camelCase, ISO timestamps) and its table
 * (snake_case, epoch ms, 0/1 flags). One description per collection; the record store is generic.
 */
import type { OrgIndex } from '../domain/org.js';
import type { Collection } from '../domain/records.js';
import { toIso, toMs } from '../domain/time.js';
import type { Database } from './schema.js';

type FieldType = 'text' | 'time' | 'flag' | 'number';

export interface FieldSpec {
  field: string;
  column: string;
  type: FieldType;
}

export type Row = Record<string, string | number | null>;
export type ApiRecord = Record<string, unknown>;

/** What the mapping needs beyond the record itself. */
export interface MappingContext {
  org: OrgIndex;
  /** Team and business line of an incident (for improvement actions). */
  incidentOwner?: (id: string) => { team: string | null; business_line: string | null } | undefined;
}

export interface CollectionSpec {
  collection: Collection;
  table: keyof Database & string;
  /** The time field records are windowed, filtered (`from`/`to`) and sorted by. */
  timeColumn: string;
  fields: FieldSpec[];
  /** Whether the record names a service or team (resolved to team and business line). */
  owned: boolean;
  /** Extra columns computed from the input and the org. */
  derive?: (input: ApiRecord, ctx: MappingContext) => Row;
  /** Extra API fields read back from the row. */
  present?: (row: Row) => ApiRecord;
  /** Enum and other exact-match filters: query parameter → column. */
  filters: Record<string, string>;
  /**
   * Records a sender keys by something other than our id (Alertmanager's fingerprint): while a
   * record of that key is open (`end` null), the sender's next notification of it is that record.
   */
  episode?: { field: string; column: string; start: FieldSpec; end: string };
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const field = (name: string, type: FieldType = 'text', column = snake(name)): FieldSpec => ({
  field: name,
  type,
  column,
});
const times = (...names: string[]) => names.map((n) => field(n, 'time'));
const texts = (...names: string[]) => names.map((n) => field(n));

export const SPECS: Record<Collection, CollectionSpec> = {
  incidents: {
    collection: 'incidents',
    table: 'incidents',
    timeColumn: 'started_at',
    owned: true,
    fields: [
      ...texts(
        'title',
        'priority',
        'detectionSource',
        'cause',
        'causedByChange',
        'postmortemUrl',
        'source',
        'sourceUrl'
      ),
      ...times('startedAt', 'detectedAt', 'acknowledgedAt', 'recoveredAt', 'resolvedAt', 'sourceUpdatedAt'),
      field('drill', 'flag'),
    ],
    filters: { priority: 'priority', detectionSource: 'detection_source', cause: 'cause', source: 'source' },
  },
  alerts: {
    collection: 'alerts',
    table: 'alerts',
    timeColumn: 'starts_at',
    owned: true,
    fields: [...texts('name', 'severity', 'incident', 'fingerprint'), ...times('startsAt', 'endsAt'), field('verdict')],
    present: (row) => ({
      verdict: row.verdict ?? null,
      ...(row.verdict_by != null ? { verdictBy: row.verdict_by, verdictAt: toIso(row.verdict_at as number) } : {}),
    }),
    filters: { name: 'name', severity: 'severity', incident: 'incident' },
    episode: { field: 'fingerprint', column: 'fingerprint', start: field('startsAt', 'time'), end: 'ends_at' },
  },
  findings: {
    collection: 'findings',
    table: 'findings',
    timeColumn: 'found_at',
    owned: true,
    fields: [
      field('check', 'text', 'check_name'),
      ...texts('targetType', 'severity', 'fingerprint'),
      ...times('foundAt', 'dueAt', 'closedAt'),
    ],
    filters: { check: 'check_name', targetType: 'target_type', severity: 'severity' },
    episode: { field: 'fingerprint', column: 'fingerprint', start: field('foundAt', 'time'), end: 'closed_at' },
  },
  changes: {
    collection: 'changes',
    table: 'changes',
    timeColumn: 'started_at',
    owned: true,
    fields: [
      ...texts('title', 'system', 'kind', 'result', 'exemption', 'gateCheck'),
      ...times('startedAt', 'finishedAt', 'committedAt'),
      field('controlled', 'flag', 'controlled_given'),
    ],
    // `controlled`, the freeze verdict and the exemption's grantor are decided by the record
    // service when the change is written (service/change-control.ts), not from the input alone.
    present: (row) => ({
      controlled: row.controlled === 1,
      ...(row.controlled_given !== null && row.controlled_given !== undefined
        ? { controlledClaim: row.controlled_given === 1 }
        : {}),
      controlReason: controlReason(row),
      violatedFreezes: row.violated_freezes ? (JSON.parse(row.violated_freezes as string) as string[]) : [],
      ...(row.exemption_by != null
        ? { exemptionBy: row.exemption_by, exemptionAt: toIso(row.exemption_at as number) }
        : {}),
    }),
    filters: { system: 'system', kind: 'kind', result: 'result' },
  },
  freezes: {
    collection: 'freezes',
    table: 'freezes',
    timeColumn: 'starts_at',
    owned: false,
    fields: [...texts('name', 'reason'), ...times('startsAt', 'endsAt')],
    derive: (input) => {
      const scope = (input.scope ?? {}) as Record<string, string | undefined>;
      const schedule = input.schedule as { cron: string; durationMinutes: number; timezone: string } | undefined;
      return {
        scope_business_line: scope.businessLine ?? null,
        scope_team: scope.team ?? null,
        scope_service: scope.service ?? null,
        cron: schedule?.cron ?? null,
        duration_minutes: schedule?.durationMinutes ?? null,
        timezone: schedule?.timezone ?? null,
      };
    },
    present: (row) => ({
      scope: dropNulls({ businessLine: row.scope_business_line, team: row.scope_team, service: row.scope_service }),
      ...(row.cron !== null
        ? { schedule: { cron: row.cron, durationMinutes: row.duration_minutes, timezone: row.timezone } }
        : {}),
      // Set by the record service (service/freezes.ts prepareFreezeRow), kept by every version.
      ...(row.announced_at !== undefined ? { announcedAt: toIso(Number(row.announced_at)) } : {}),
      ...(row.version !== undefined ? { version: Number(row.version) } : {}),
      ...(row.ended_at != null ? { endedAt: toIso(Number(row.ended_at)) } : {}),
    }),
    filters: {},
  },
  drills: {
    collection: 'drills',
    table: 'drills',
    timeColumn: 'started_at',
    owned: true,
    fields: [field('scenario'), ...times('startedAt', 'detectedAt', 'recoveredAt'), field('score', 'number')],
    filters: { scenario: 'scenario' },
  },
  actions: {
    collection: 'actions',
    table: 'actions',
    timeColumn: 'due_at',
    owned: false,
    fields: [...texts('incident', 'title', 'owner'), ...times('dueAt', 'completedAt')],
    derive: (input, ctx) => {
      const owner = ctx.incidentOwner?.(input.incident as string);
      return { team: owner?.team ?? null, business_line: owner?.business_line ?? null };
    },
    present: (row) => dropNulls({ team: row.team, businessLine: row.business_line }),
    filters: { incident: 'incident', owner: 'owner' },
  },
};

/**
 * Why a stored change counts as controlled or not (`controlReason`), from its columns: the order
 * of the rule in service/change-control.ts (the sender's false, a freeze violation, the cited gate
 * check, the integrated system).
 */
export function controlReason(row: Row): string {
  if (row.controlled_given === 0) return 'the sender marked it uncontrolled (controlled: false)';
  if (row.freeze_violation === 1) {
    const ids = (JSON.parse((row.violated_freezes as string | null) ?? '[]') as string[]).map((id) => `"${id}"`);
    return `started inside freeze window ${ids.join(', ')} without an exemption`;
  }
  const claim =
    row.controlled_given === 1 && row.controlled !== 1
      ? '; its controlled: true is kept as a claim and not counted'
      : '';
  if (row.gate_check !== null && row.gate_check !== undefined)
    return `${(row.gate_note as string | null) ?? `cites gate check "${row.gate_check}"`}${claim}`;
  if (row.controlled === 1) return `change system "${row.system}" is integrated`;
  return `no evidence: change system "${row.system}" is not integrated and no gate check is cited${claim}`;
}

function dropNulls(o: Record<string, unknown>): ApiRecord {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}

export function toRow(spec: CollectionSpec, id: string, input: ApiRecord, ctx: MappingContext): Row {
  const row: Row = { id };
  for (const f of spec.fields) {
    const value = input[f.field];
    if (value === undefined || value === null) row[f.column] = null;
    else if (f.type === 'time') row[f.column] = toMs(value as string);
    else if (f.type === 'flag') row[f.column] = value ? 1 : 0;
    else row[f.column] = value as string | number;
  }
  if (spec.owned) {
    const owner = ctx.org.ownerOf({
      service: input.service as string | undefined,
      team: input.team as string | undefined,
    });
    row.service = (input.service as string | undefined) ?? null;
    row.team = owner.team;
    row.business_line = owner.businessLine;
  }
  Object.assign(row, spec.derive?.(input, ctx));
  return row;
}

export function fromRow(spec: CollectionSpec, row: Row): ApiRecord {
  const record: ApiRecord = { id: row.id };
  for (const f of spec.fields) {
    const value = row[f.column];
    if (value === null || value === undefined) continue;
    if (f.type === 'time') record[f.field] = toIso(value as number);
    else if (f.type === 'flag') record[f.field] = value === 1;
    else record[f.field] = value;
  }
  if (spec.owned)
    Object.assign(record, dropNulls({ service: row.service, team: row.team, businessLine: row.business_line }));
  Object.assign(record, spec.present?.(row));
  record.updatedAt = toIso(row.updated_at as number);
  return record;
}

/** The columns a write sets, in a stable order (all but updated_at). */
export function rowColumns(row: Row): string[] {
  return Object.keys(row).filter((c) => c !== 'updated_at');
}

export function sameRow(a: Row, b: Row): boolean {
  return rowColumns(a).every((c) => (a[c] ?? null) === (b[c] ?? null));
}
