/**
 * Exporter answers as Grafana data frames, with field types (time, number, string, boolean) and
 * units (`s` for seconds, `percentunit` for 0–1 ratios) set so that stat, time series, table and
 * state timeline panels show them without overrides.
 */
import { DataFrame, FieldConfig, FieldType, createDataFrame, DataLink, QueryResultMetaNotice } from '@grafana/data';
import {
  Action,
  Alert,
  Change,
  Drill,
  Finding,
  Freeze,
  FreezeOccurrence,
  Incident,
  KpiDefinition,
  KpiSeriesResponse,
  KpiUnit,
  KpiValue,
  RecordType,
  ScorecardResponse,
} from './types';

/** Grafana unit and range of a KPI unit. */
export function fieldConfigForUnit(unit: KpiUnit | undefined): FieldConfig {
  switch (unit) {
    case 'seconds':
      return { unit: 's', decimals: 0 };
    case 'ratio':
      return { unit: 'percentunit', min: 0, max: 1, decimals: 1 };
    case 'per_day':
      return { unit: 'suffix: /day', decimals: 2 };
    case 'score':
      return { unit: 'none', min: 0, max: 100, decimals: 1 };
    case 'count':
      return { unit: 'short', decimals: 0 };
    default:
      return {};
  }
}

const ms = (iso: string | null | undefined): number | null => (iso ? Date.parse(iso) : null);
const seconds = (from: string | null | undefined, to: string | null | undefined): number | null =>
  from && to ? (Date.parse(to) - Date.parse(from)) / 1000 : null;

export function scopeLabel(v: { level: string; businessLine: string | null; team: string | null }): string {
  if (v.level === 'team') {
    return v.team ?? 'team';
  }
  if (v.level === 'business_line') {
    return v.businessLine ?? 'business line';
  }
  return 'org';
}

function labelsOf(v: { level: string; businessLine: string | null; team: string | null }): Record<string, string> {
  const labels: Record<string, string> = { level: v.level };
  if (v.businessLine) {
    labels.businessLine = v.businessLine;
  }
  if (v.team) {
    labels.team = v.team;
  }
  return labels;
}

/**
 * KPI values: one frame per scope with a single number field, ready for stat, gauge and bar gauge
 * (a stat panel shows every number field of a frame unless `reduceOptions.fields` says otherwise:
 * getFieldDisplayValues in packages/grafana-data/src/field/fieldDisplay.ts matches numeric fields).
 * The numerator and denominator are there only when asked for (`components`), e.g. for a table.
 */
export function kpiValueFrames(
  refId: string,
  values: KpiValue[],
  defs: Map<string, KpiDefinition>,
  { components = false }: { components?: boolean } = {}
): DataFrame[] {
  return values.map((v) => {
    const def = defs.get(v.kpi);
    const name = `${def?.title ?? v.kpi} · ${scopeLabel(v)}`;
    const labels = { kpi: v.kpi, ...labelsOf(v) };
    return createDataFrame({
      refId,
      name,
      fields: [
        {
          name: 'value',
          type: FieldType.number,
          values: [v.value],
          labels,
          config: { ...fieldConfigForUnit(def?.unit), displayNameFromDS: name, description: def?.description },
        },
        ...(components
          ? [
              {
                name: 'numerator',
                type: FieldType.number,
                values: [v.numerator ?? null],
                labels,
                config: { displayNameFromDS: `${name} numerator` },
              },
              {
                name: 'denominator',
                type: FieldType.number,
                values: [v.denominator ?? null],
                labels,
                config: { displayNameFromDS: `${name} denominator` },
              },
            ]
          : []),
      ],
    });
  });
}

/** KPI series: one time series frame per scope. */
export function kpiSeriesFrames(
  refId: string,
  response: KpiSeriesResponse,
  def: KpiDefinition | undefined
): DataFrame[] {
  return response.series.map((s) => {
    const name = `${def?.title ?? response.kpi} · ${scopeLabel(s)}`;
    return createDataFrame({
      refId,
      name,
      fields: [
        { name: 'time', type: FieldType.time, values: s.points.map((p) => Date.parse(p.at)) },
        {
          name: 'value',
          type: FieldType.number,
          values: s.points.map((p) => p.value),
          labels: { kpi: response.kpi, ...labelsOf(s) },
          config: { ...fieldConfigForUnit(response.unit ?? def?.unit), displayNameFromDS: name },
        },
      ],
    });
  });
}

/** The scorecard as one table: a row per scope, the score, and per KPI its value (with unit) and status. */
type ScorecardCell = ScorecardResponse['scopes'][number]['cells'][string];
const CELL_NUMBERS: Array<[string, string, (cell: ScorecardCell) => number | null | undefined]> = [
  ['target', 'target', (cell) => cell.target],
  ['previous', 'previous window', (cell) => cell.previous],
];

export function scorecardFrame(refId: string, card: ScorecardResponse, scopes: ScorecardResponse['scopes']): DataFrame {
  const fields: Array<{ name: string; type: FieldType; values: unknown[]; config?: FieldConfig }> = [
    { name: 'level', type: FieldType.string, values: scopes.map((s) => s.level) },
    { name: 'id', type: FieldType.string, values: scopes.map((s) => s.id ?? '') },
    { name: 'name', type: FieldType.string, values: scopes.map((s) => s.name) },
    { name: 'owner', type: FieldType.string, values: scopes.map((s) => s.owner ?? '') },
    { name: 'businessLine', type: FieldType.string, values: scopes.map((s) => s.businessLine ?? '') },
    {
      name: 'score',
      type: FieldType.number,
      values: scopes.map((s) => s.score),
      config: { unit: 'none', min: 0, max: 100, decimals: 0, displayName: 'Score' },
    },
  ];
  for (const kpi of card.kpis) {
    fields.push({
      name: kpi.key,
      type: FieldType.number,
      values: scopes.map((s) => s.cells[kpi.key]?.value ?? null),
      config: { ...fieldConfigForUnit(kpi.unit), displayName: kpi.title },
    });
    fields.push({
      name: `${kpi.key}_status`,
      type: FieldType.string,
      values: scopes.map((s) => s.cells[kpi.key]?.status ?? 'no_data'),
      config: { displayName: `${kpi.title} status` },
    });
    // Target and the previous window's value: what the scorecard panel shows beside each value.
    for (const [suffix, label, pick] of CELL_NUMBERS) {
      fields.push({
        name: `${kpi.key}_${suffix}`,
        type: FieldType.number,
        values: scopes.map((s) => {
          const cell = s.cells[kpi.key];
          return cell ? (pick(cell) ?? null) : null;
        }),
        config: { ...fieldConfigForUnit(kpi.unit), displayName: `${kpi.title} ${label}` },
      });
    }
  }
  return createDataFrame({
    refId,
    name: `Scorecard ${card.window} ${card.year}`,
    fields,
    meta: { preferredVisualisationType: 'table' },
  });
}

type Column<T> =
  | { name: string; type: FieldType.time; get: (r: T) => number | null; config?: FieldConfig }
  | { name: string; type: FieldType.number; get: (r: T) => number | null; config?: FieldConfig }
  | { name: string; type: FieldType.string; get: (r: T) => string | null | undefined; config?: FieldConfig }
  | { name: string; type: FieldType.boolean; get: (r: T) => boolean | null; config?: FieldConfig };

const owner = <T extends { service?: string | null; team?: string | null; businessLine?: string | null }>(): Array<
  Column<T>
> => [
  { name: 'service', type: FieldType.string, get: (r) => r.service },
  { name: 'team', type: FieldType.string, get: (r) => r.team },
  { name: 'businessLine', type: FieldType.string, get: (r) => r.businessLine },
];
const SECONDS: FieldConfig = { unit: 's' };
const time = <T>(name: string, get: (r: T) => string | null | undefined): Column<T> => ({
  name,
  type: FieldType.time,
  get: (r) => ms(get(r)),
});

/**
 * A row of the freeze windows table: one occurrence of a window in the queried range (from
 * GET /api/v1/freeze-occurrences), with its window's schedule when it recurs.
 */
export type FreezeRow = FreezeOccurrence & { schedule?: Freeze['schedule'] };

/** A row's id: the window's id and the occurrence's start, so that each occurrence of a recurring window has its own. */
export const occurrenceId = (o: Pick<FreezeOccurrence, 'freeze' | 'startsAt'>) => `${o.freeze}@${o.startsAt}`;

const postmortemLink: DataLink = { title: 'Post-mortem', url: '${__value.raw}', targetBlank: true };

export const COLUMNS: { [K in RecordType]: Array<Column<any>> } = {
  incidents: [
    time<Incident>('startedAt', (r) => r.startedAt),
    { name: 'id', type: FieldType.string, get: (r: Incident) => r.id },
    { name: 'priority', type: FieldType.string, get: (r: Incident) => r.priority },
    { name: 'title', type: FieldType.string, get: (r: Incident) => r.title },
    ...owner<Incident>(),
    time<Incident>('detectedAt', (r) => r.detectedAt),
    time<Incident>('acknowledgedAt', (r) => r.acknowledgedAt),
    time<Incident>('recoveredAt', (r) => r.recoveredAt),
    time<Incident>('resolvedAt', (r) => r.resolvedAt),
    {
      name: 'timeToDetect',
      type: FieldType.number,
      get: (r: Incident) => seconds(r.startedAt, r.detectedAt),
      config: SECONDS,
    },
    {
      name: 'timeToRecover',
      type: FieldType.number,
      get: (r: Incident) => seconds(r.startedAt, r.recoveredAt),
      config: SECONDS,
    },
    { name: 'open', type: FieldType.boolean, get: (r: Incident) => !r.recoveredAt },
    { name: 'detectionSource', type: FieldType.string, get: (r: Incident) => r.detectionSource },
    { name: 'cause', type: FieldType.string, get: (r: Incident) => r.cause },
    { name: 'causedByChange', type: FieldType.string, get: (r: Incident) => r.causedByChange },
    { name: 'drill', type: FieldType.boolean, get: (r: Incident) => r.drill },
    {
      name: 'postmortemUrl',
      type: FieldType.string,
      get: (r: Incident) => r.postmortemUrl,
      config: { links: [postmortemLink] },
    },
  ],
  changes: [
    time<Change>('startedAt', (r) => r.startedAt),
    { name: 'id', type: FieldType.string, get: (r: Change) => r.id },
    { name: 'title', type: FieldType.string, get: (r: Change) => r.title },
    { name: 'system', type: FieldType.string, get: (r: Change) => r.system },
    { name: 'kind', type: FieldType.string, get: (r: Change) => r.kind },
    ...owner<Change>(),
    time<Change>('finishedAt', (r) => r.finishedAt),
    {
      name: 'duration',
      type: FieldType.number,
      get: (r: Change) => seconds(r.startedAt, r.finishedAt),
      config: SECONDS,
    },
    { name: 'result', type: FieldType.string, get: (r: Change) => r.result },
    { name: 'controlled', type: FieldType.boolean, get: (r: Change) => r.controlled },
    { name: 'exemption', type: FieldType.string, get: (r: Change) => r.exemption },
    { name: 'gateCheck', type: FieldType.string, get: (r: Change) => r.gateCheck },
    // The exporter's judgement (the freeze_violations rule); null when it did not say (older exporter).
    {
      name: 'freezeViolation',
      type: FieldType.boolean,
      get: (r: Change) => (r.violatedFreezes ? r.violatedFreezes.length > 0 : null),
    },
    {
      name: 'violatedFreezes',
      type: FieldType.string,
      get: (r: Change) => (r.violatedFreezes?.length ? r.violatedFreezes.join(', ') : null),
    },
  ],
  freezes: [
    time<FreezeRow>('startsAt', (r) => r.startsAt),
    { name: 'id', type: FieldType.string, get: (r: FreezeRow) => occurrenceId(r) },
    { name: 'freeze', type: FieldType.string, get: (r: FreezeRow) => r.freeze },
    { name: 'name', type: FieldType.string, get: (r: FreezeRow) => r.name },
    { name: 'reason', type: FieldType.string, get: (r: FreezeRow) => r.reason },
    time<FreezeRow>('endsAt', (r) => r.endsAt),
    { name: 'scopeBusinessLine', type: FieldType.string, get: (r: FreezeRow) => r.scope?.businessLine },
    { name: 'scopeTeam', type: FieldType.string, get: (r: FreezeRow) => r.scope?.team },
    { name: 'scopeService', type: FieldType.string, get: (r: FreezeRow) => r.scope?.service },
    { name: 'schedule', type: FieldType.string, get: (r: FreezeRow) => r.schedule?.cron },
    { name: 'duration', type: FieldType.number, get: (r: FreezeRow) => seconds(r.startsAt, r.endsAt), config: SECONDS },
    { name: 'timezone', type: FieldType.string, get: (r: FreezeRow) => r.schedule?.timezone },
  ],
  alerts: [
    time<Alert>('startsAt', (r) => r.startsAt),
    { name: 'id', type: FieldType.string, get: (r: Alert) => r.id },
    { name: 'name', type: FieldType.string, get: (r: Alert) => r.name },
    { name: 'severity', type: FieldType.string, get: (r: Alert) => r.severity },
    ...owner<Alert>(),
    time<Alert>('endsAt', (r) => r.endsAt),
    { name: 'duration', type: FieldType.number, get: (r: Alert) => seconds(r.startsAt, r.endsAt), config: SECONDS },
    { name: 'verdict', type: FieldType.string, get: (r: Alert) => r.verdict ?? 'none' },
    { name: 'incident', type: FieldType.string, get: (r: Alert) => r.incident },
  ],
  findings: [
    time<Finding>('foundAt', (r) => r.foundAt),
    { name: 'id', type: FieldType.string, get: (r: Finding) => r.id },
    { name: 'check', type: FieldType.string, get: (r: Finding) => r.check },
    { name: 'targetType', type: FieldType.string, get: (r: Finding) => r.targetType },
    { name: 'severity', type: FieldType.string, get: (r: Finding) => r.severity },
    ...owner<Finding>(),
    time<Finding>('dueAt', (r) => r.dueAt),
    time<Finding>('closedAt', (r) => r.closedAt),
    { name: 'open', type: FieldType.boolean, get: (r: Finding) => !r.closedAt },
    {
      name: 'overdue',
      type: FieldType.boolean,
      get: (r: Finding) => !r.closedAt && !!r.dueAt && Date.parse(r.dueAt) < Date.now(),
    },
  ],
  actions: [
    time<Action>('dueAt', (r) => r.dueAt),
    { name: 'id', type: FieldType.string, get: (r: Action) => r.id },
    { name: 'incident', type: FieldType.string, get: (r: Action) => r.incident },
    { name: 'title', type: FieldType.string, get: (r: Action) => r.title },
    { name: 'owner', type: FieldType.string, get: (r: Action) => r.owner },
    { name: 'team', type: FieldType.string, get: (r: Action) => r.team },
    { name: 'businessLine', type: FieldType.string, get: (r: Action) => r.businessLine },
    time<Action>('completedAt', (r) => r.completedAt),
    { name: 'open', type: FieldType.boolean, get: (r: Action) => !r.completedAt },
    {
      name: 'overdue',
      type: FieldType.boolean,
      get: (r: Action) => !r.completedAt && Date.parse(r.dueAt) < Date.now(),
    },
  ],
  drills: [
    time<Drill>('startedAt', (r) => r.startedAt),
    { name: 'id', type: FieldType.string, get: (r: Drill) => r.id },
    { name: 'scenario', type: FieldType.string, get: (r: Drill) => r.scenario },
    ...owner<Drill>(),
    time<Drill>('detectedAt', (r) => r.detectedAt),
    time<Drill>('recoveredAt', (r) => r.recoveredAt),
    {
      name: 'timeToDetect',
      type: FieldType.number,
      get: (r: Drill) => seconds(r.startedAt, r.detectedAt),
      config: SECONDS,
    },
    {
      name: 'timeToRecover',
      type: FieldType.number,
      get: (r: Drill) => seconds(r.startedAt, r.recoveredAt),
      config: SECONDS,
    },
    { name: 'score', type: FieldType.number, get: (r: Drill) => r.score, config: { unit: 'none', min: 0, max: 100 } },
  ],
};

/** A table of records, one column per field of the collection (the time field first). */
export function recordsFrame(
  refId: string,
  type: RecordType,
  items: unknown[],
  total: number,
  notices: QueryResultMetaNotice[] = []
): DataFrame {
  const columns = COLUMNS[type];
  const shown: QueryResultMetaNotice[] =
    total > items.length
      ? [{ severity: 'warning', text: `Showing ${items.length} of ${total} ${type}; raise the limit to see more.` }]
      : [];
  shown.push(...notices);
  return createDataFrame({
    refId,
    name: type,
    meta: {
      preferredVisualisationType: 'table',
      ...(shown.length ? { notices: shown } : {}),
    },
    fields: columns.map((c) => ({
      name: c.name,
      type: c.type,
      values: items.map((r) => c.get(r) ?? null),
      config: c.config ?? {},
    })),
  });
}
