/**
 * Deterministic demo data for tests, the harness page, the screenshots and the benchmark: an org
 * of business lines and teams as the Ballast data source's Scorecard frame and as Prometheus
 * frames, and incidents, changes and freeze windows as the data source's table frames.
 */
import { DataFrame, FieldType, toDataFrame } from '@grafana/data';
import { scopeApplies } from '@ballast/contract';
import { DEFAULT_KPIS, KPI_BY_KEY, statusOf } from '../kpis';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const LINE_NAMES = [
  'Payments',
  'Retail',
  'Logistics',
  'Identity',
  'Data Platform',
  'Core Infra',
  'Marketplace',
  'Ads',
  'Search',
  'Mobile',
];
const PEOPLE = [
  'A. Moreau',
  'B. Okafor',
  'C. Lindqvist',
  'D. Tanaka',
  'E. Rossi',
  'F. Haddad',
  'G. Novak',
  'H. Silva',
  'I. Kowalski',
  'J. Mensah',
];
const TEAM_WORDS = [
  'checkout',
  'billing',
  'ledger',
  'catalog',
  'pricing',
  'routing',
  'auth',
  'profile',
  'ingest',
  'storage',
  'network',
  'edge',
  'orders',
  'feeds',
  'ranking',
];

export interface DemoScope {
  level: 'org' | 'business_line' | 'team';
  id: string;
  name: string;
  owner: string | null;
  businessLine: string | null;
}

export function demoOrg(lines: number, teamsPerLine: number): DemoScope[] {
  const scopes: DemoScope[] = [{ level: 'org', id: 'org', name: 'Organization', owner: null, businessLine: null }];
  for (let b = 0; b < lines; b++) {
    const id = `bl-${b + 1}`;
    const base = LINE_NAMES[b % LINE_NAMES.length];
    scopes.push({
      level: 'business_line',
      id,
      name: b < LINE_NAMES.length ? base : `${base} ${Math.floor(b / LINE_NAMES.length) + 1}`,
      owner: PEOPLE[b % PEOPLE.length],
      businessLine: id,
    });
    for (let t = 0; t < teamsPerLine; t++) {
      const word = TEAM_WORDS[(b * 7 + t) % TEAM_WORDS.length];
      scopes.push({
        level: 'team',
        id: `${id}-${word}-${t + 1}`,
        name: `${word[0].toUpperCase()}${word.slice(1)} ${t + 1}`,
        owner: PEOPLE[(b + t + 3) % PEOPLE.length],
        businessLine: id,
      });
    }
  }
  return scopes;
}

/** A plausible value and yearly target of a KPI (ratio KPIs 0–1, seconds, counts). */
function valueOf(kpi: string, r: () => number, scale: number): { value: number | null; target: number } {
  const unit = KPI_BY_KEY.get(kpi)!.unit;
  const noData = r() < 0.04;
  switch (unit) {
    case 'ratio': {
      const target = kpi === 'change_failure_ratio' ? 0.05 : 0.9;
      const v = kpi === 'change_failure_ratio' ? 0.01 + r() * 0.09 : 0.75 + r() * 0.25;
      return { value: noData ? null : v, target };
    }
    case 'seconds':
      return {
        value: noData ? null : (kpi === 'mttd_seconds' ? 120 : 1800) * (0.5 + r() * 1.2),
        target: kpi === 'mttd_seconds' ? 180 : 2700,
      };
    case 'count':
      return { value: Math.round(r() * 6 * scale), target: Math.max(1, Math.round(4 * scale)) };
    case 'per_day':
      return { value: noData ? null : r() * 4 * Math.sqrt(scale), target: 2 * Math.sqrt(scale) };
    default:
      return { value: noData ? null : 60 + r() * 40, target: 80 };
  }
}

interface DemoCell {
  scope: DemoScope;
  kpi: string;
  value: number | null;
  target: number;
  previous: number | null;
}

function demoCells(scopes: DemoScope[], kpis: readonly string[], seed: number): DemoCell[] {
  const r = rng(seed);
  const cells: DemoCell[] = [];
  const teams = scopes.filter((s) => s.level === 'team').length || 1;
  for (const scope of scopes) {
    const scale = scope.level === 'org' ? teams / 2 : scope.level === 'business_line' ? 3 : 1;
    for (const kpi of kpis) {
      const { value, target } = valueOf(kpi, r, scale);
      const previous = value === null ? null : value * (0.8 + r() * 0.4);
      cells.push({ scope, kpi, value, target, previous });
    }
  }
  return cells;
}

/** The Ballast data source's Scorecard frame: a row per scope × KPI (long format). */
export function ballastScorecardFrame(
  lines = 4,
  teamsPerLine = 4,
  kpis: readonly string[] = DEFAULT_KPIS,
  seed = 7
): DataFrame {
  const scopes = demoOrg(lines, teamsPerLine);
  const cells = demoCells(scopes, kpis, seed);
  const score = new Map<string, number>();
  const r = rng(seed + 1);
  scopes.forEach((s) => score.set(s.id, Math.round(50 + r() * 50)));
  const statusFor = (c: DemoCell) => statusOf(KPI_BY_KEY.get(c.kpi)!.direction, c.value, c.target);
  return toDataFrame({
    name: 'scorecard',
    refId: 'A',
    fields: [
      { name: 'window', type: FieldType.string, values: cells.map(() => 'ytd') },
      { name: 'level', type: FieldType.string, values: cells.map((c) => c.scope.level) },
      { name: 'scope', type: FieldType.string, values: cells.map((c) => c.scope.id) },
      { name: 'name', type: FieldType.string, values: cells.map((c) => c.scope.name) },
      { name: 'owner', type: FieldType.string, values: cells.map((c) => c.scope.owner) },
      { name: 'businessLine', type: FieldType.string, values: cells.map((c) => c.scope.businessLine) },
      { name: 'kpi', type: FieldType.string, values: cells.map((c) => c.kpi) },
      { name: 'title', type: FieldType.string, values: cells.map((c) => KPI_BY_KEY.get(c.kpi)!.title) },
      { name: 'unit', type: FieldType.string, values: cells.map((c) => KPI_BY_KEY.get(c.kpi)!.unit) },
      { name: 'direction', type: FieldType.string, values: cells.map((c) => KPI_BY_KEY.get(c.kpi)!.direction) },
      { name: 'value', type: FieldType.number, values: cells.map((c) => c.value) },
      { name: 'target', type: FieldType.number, values: cells.map((c) => c.target) },
      { name: 'status', type: FieldType.string, values: cells.map(statusFor) },
      { name: 'previous', type: FieldType.number, values: cells.map((c) => c.previous) },
      { name: 'score', type: FieldType.number, values: cells.map((c) => score.get(c.scope.id) ?? null) },
    ],
  });
}

const labelsOf = (s: DemoScope): Record<string, string> =>
  s.level === 'org'
    ? {}
    : s.level === 'business_line'
      ? { business_line: s.id }
      : { business_line: s.businessLine!, team: s.id };

/**
 * Prometheus frames as Grafana's Prometheus data source returns an instant query in time-series
 * format: one frame per series, a Time and a Value field, the labels (with __name__) on the value.
 * refId A: the KPIs, B: stability_kpi_window_target, `previous`: the KPIs one window earlier (offset).
 */
export function prometheusFrames(
  lines = 4,
  teamsPerLine = 4,
  kpis: readonly string[] = DEFAULT_KPIS,
  seed = 7,
  at = Date.UTC(2026, 5, 30)
): DataFrame[] {
  const cells = demoCells(demoOrg(lines, teamsPerLine), kpis, seed);
  const frames: DataFrame[] = [];
  const series = (refId: string, metric: string, labels: Record<string, string>, value: number) =>
    toDataFrame({
      refId,
      name: `${metric}{${Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(', ')}}`,
      fields: [
        { name: 'Time', type: FieldType.time, values: [at] },
        { name: 'Value', type: FieldType.number, values: [value], labels: { __name__: metric, ...labels } },
      ],
    });
  for (const c of cells) {
    const labels = labelsOf(c.scope);
    if (c.value !== null) {
      frames.push(series('A', `stability_${c.kpi}`, { ...labels, window: 'ytd' }, c.value));
      frames.push(series('previous', `stability_${c.kpi}`, { ...labels, window: 'ytd' }, c.previous!));
    }
    // The exporter exposes each window's target as judged (counts already pro-rated).
    frames.push(series('B', 'stability_kpi_window_target', { ...labels, kpi: c.kpi, window: 'ytd' }, c.target));
  }
  return frames;
}

export interface TimelineDemo {
  frames: DataFrame[];
  from: number;
  to: number;
}

/** The demo's stand-in for the exporter's judgement: no exemption, started inside a window whose scope covers it. */
function demoViolation(
  c: { startedAt: string; team: string; exemption: string | null },
  freezes: Array<{ startsAt: string; endsAt: string; team: string | null }>
) {
  const t = Date.parse(c.startedAt);
  return (
    c.exemption === null &&
    freezes.some(
      (z) => Date.parse(z.startsAt) <= t && t < Date.parse(z.endsAt) && scopeApplies({ team: z.team }, { team: c.team })
    )
  );
}

/** Incidents, changes and freeze windows as the data source's table frames; `items` in total. */
export function timelineFrames(
  items = 300,
  teams = 8,
  to = Date.UTC(2026, 5, 30, 12),
  days = 7,
  seed = 11
): TimelineDemo {
  const r = rng(seed);
  const from = to - days * 86400e3;
  const teamIds = Array.from(
    { length: teams },
    (_, i) =>
      `${TEAM_WORDS[i % TEAM_WORDS.length]}${i >= TEAM_WORDS.length ? `-${Math.floor(i / TEAM_WORDS.length)}` : ''}`
  );
  const serviceOf = (team: string, k: number) => `${team}-${['api', 'worker', 'db'][k % 3]}`;
  const nIncidents = Math.max(3, Math.round(items * 0.04));
  const nFreezes = Math.max(2, Math.round(items * 0.004));
  const nChanges = items - nIncidents - nFreezes;
  const priorities = ['P1', 'P2', 'P2', 'P3', 'P3', 'P4', 'P0'];
  const incidents = Array.from({ length: nIncidents }, (_, i) => {
    const team = teamIds[Math.floor(r() * teamIds.length)];
    const start = from + r() * (to - from) * 0.97;
    const open = i === 1;
    return {
      id: `INC-${1000 + i}`,
      title: ['Checkout 5xx', 'Login latency', 'Queue backlog', 'DNS errors', 'Disk full', 'Payment timeouts'][i % 6],
      priority: priorities[i % priorities.length],
      service: serviceOf(team, i),
      team,
      businessLine: 'bl-1',
      startedAt: new Date(start).toISOString(),
      recoveredAt: open ? null : new Date(start + (10 + r() * 240) * 60e3).toISOString(),
      start,
    };
  });
  const freezes = Array.from({ length: nFreezes }, (_, i) => {
    const start = from + ((i + 1) / (nFreezes + 1)) * (to - from) - 6 * 3600e3;
    return {
      id: `freeze-${i + 1}`,
      name: i === 0 ? 'Release freeze' : `Freeze ${i + 1}`,
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 14 * 3600e3).toISOString(),
      team: i === 0 ? null : teamIds[i % teamIds.length],
    };
  });
  const changes = Array.from({ length: nChanges }, (_, i) => {
    let team = teamIds[Math.floor(r() * teamIds.length)];
    let t = from + r() * (to - from);
    let k = Math.floor(r() * 3);
    // Some changes shortly before an incident on its service: the suspects.
    if (i < nIncidents * 2) {
      const inc = incidents[i % nIncidents];
      team = inc.team;
      k = i % nIncidents;
      t = inc.start - (5 + r() * 90) * 60e3;
    }
    const results = ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed', 'rolled_back'];
    return {
      id: `CHG-${10000 + i}`,
      title: ['Deploy', 'Config change', 'DB migration', 'Feature flag', 'Scale out'][i % 5] + ` #${i}`,
      system: ['argo', 'jenkins', 'terraform'][i % 3],
      service: serviceOf(team, k),
      team,
      businessLine: 'bl-1',
      startedAt: new Date(t).toISOString(),
      result: results[Math.floor(r() * results.length)],
      exemption: i % 17 === 0 ? 'hotfix approved' : null,
    };
  });
  const s = (name: string, values: unknown[]) => ({ name, type: FieldType.string, values });
  const tm = (name: string, values: Array<string | null>) => ({
    name,
    type: FieldType.time,
    values: values.map((v) => (v ? Date.parse(v) : null)),
  });
  return {
    from,
    to,
    frames: [
      toDataFrame({
        name: 'incidents',
        refId: 'I',
        fields: [
          s(
            'id',
            incidents.map((x) => x.id)
          ),
          s(
            'title',
            incidents.map((x) => x.title)
          ),
          s(
            'priority',
            incidents.map((x) => x.priority)
          ),
          s(
            'service',
            incidents.map((x) => x.service)
          ),
          s(
            'team',
            incidents.map((x) => x.team)
          ),
          tm(
            'startedAt',
            incidents.map((x) => x.startedAt)
          ),
          tm(
            'recoveredAt',
            incidents.map((x) => x.recoveredAt)
          ),
        ],
      }),
      toDataFrame({
        name: 'changes',
        refId: 'C',
        fields: [
          s(
            'id',
            changes.map((x) => x.id)
          ),
          s(
            'title',
            changes.map((x) => x.title)
          ),
          s(
            'system',
            changes.map((x) => x.system)
          ),
          s(
            'service',
            changes.map((x) => x.service)
          ),
          s(
            'team',
            changes.map((x) => x.team)
          ),
          s(
            'businessLine',
            changes.map((x) => x.businessLine)
          ),
          tm(
            'startedAt',
            changes.map((x) => x.startedAt)
          ),
          s(
            'result',
            changes.map((x) => x.result)
          ),
          s(
            'exemption',
            changes.map((x) => x.exemption)
          ),
          // What the data source writes from the exporter's violatedFreezes; the demo plays the exporter.
          { name: 'freezeViolation', type: FieldType.boolean, values: changes.map((x) => demoViolation(x, freezes)) },
        ],
      }),
      toDataFrame({
        name: 'freezes',
        refId: 'F',
        fields: [
          s(
            'id',
            freezes.map((x) => x.id)
          ),
          s(
            'name',
            freezes.map((x) => x.name)
          ),
          tm(
            'startsAt',
            freezes.map((x) => x.startsAt)
          ),
          tm(
            'endsAt',
            freezes.map((x) => x.endsAt)
          ),
          s(
            'team',
            freezes.map((x) => x.team)
          ),
        ],
      }),
    ],
  };
}
