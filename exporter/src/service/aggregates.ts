/**
 * The KPIs' numbers split by alert name and by change system, for the pages that list them: the
 * counting rules are the KPIs' SQL (store/tally-sql.ts) and the ratios their formulas
 * (domain/kpis.ts), so "accuracy of HighErrorRate" and `alert_accuracy_ratio` can never disagree
 * on what an alert counts as.
 */
import type {
  AlertNameSort,
  AlertNameStats,
  AlertsByNameResponse,
  ChangesBySystemResponse,
  ChangeSystemStats,
} from '@ballast/contract';
import type { Kysely } from 'kysely';
import { emptyTally, kpiValues, type TallyField } from '../domain/kpis.js';
import type { KpiKey } from '../domain/kpi-keys.js';
import type { Issue, OrgIndex } from '../domain/org.js';
import { toIso } from '../domain/time.js';
import { alertsByName, changesBySystem } from '../store/aggregate-queries.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { ValidationError } from './errors.js';
import type { OrgService } from './org.js';
import type { OwnerFilter, Page } from './record-query.js';

export interface AggregateQuery extends OwnerFilter {
  from?: number;
  to?: number;
}

export interface AlertNamesQuery extends AggregateQuery, Page {
  sort?: AlertNameSort;
}

export interface AggregateOptions {
  /** Where the queries run (the KPI reader: a worker-thread SQLite connection); the store's by default. */
  reader?: Kysely<Database>;
}

export class AggregateService {
  private readonly reader: Kysely<Database>;

  constructor(
    store: Store,
    private readonly orgs: OrgService,
    options: AggregateOptions = {}
  ) {
    this.reader = options.reader ?? store.db;
  }

  /** `GET /alerts-by-name`: high-severity alerts started in [from, to) per alert name, with the KPI's verdict rules. */
  async alertsByName(query: AlertNamesQuery): Promise<AlertsByNameResponse> {
    const org = await this.orgs.index();
    const range = checkQuery(query, org);
    const { policy } = org.org;
    const { items, total } = await alertsByName(this.reader, {
      ...query,
      ...range,
      highSeverities: policy.highSeverities,
      transientMs: policy.transientAlertMinutes === null ? null : policy.transientAlertMinutes * 60_000,
      sort: query.sort ?? 'alerts',
    });
    return {
      from: toIso(range.from),
      to: toIso(range.to),
      items: items.map((counts): AlertNameStats => ({ ...counts, accuracy: formula('alert_accuracy_ratio', counts) })),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }

  /**
   * `GET /changes-by-system`: changes started in [from, to) per change system of the org (every
   * system listed, with zeros), coverage, failures and freeze violations by the KPIs' rules, and
   * the org's change_system_integration_ratio.
   */
  async changesBySystem(query: AggregateQuery): Promise<ChangesBySystemResponse> {
    const org = await this.orgs.index();
    const range = checkQuery(query, org);
    const counted = new Map((await changesBySystem(this.reader, { ...query, ...range })).map((c) => [c.system, c]));
    const systems = org.org.changeSystems;
    const stray = [...counted.keys()].filter((id) => !org.changeSystems.has(id)).sort();
    const items = [
      ...systems.map((s) => ({ id: s.id, name: s.name, integrated: s.integrated })),
      ...stray.map((id) => ({ id, name: id, integrated: null })),
    ].map(({ id, name, integrated }): ChangeSystemStats => {
      const counts = counted.get(id) ?? {
        system: id,
        changes: 0,
        controlled: 0,
        withResult: 0,
        failed: 0,
        freezeViolations: 0,
      };
      return {
        ...counts,
        name,
        integrated,
        coverage: formula('change_control_coverage_ratio', counts),
        failureRatio: formula('change_failure_ratio', counts),
      };
    });
    const integrated = systems.filter((s) => s.integrated).length;
    return {
      from: toIso(range.from),
      to: toIso(range.to),
      integration: {
        integrated,
        total: systems.length,
        ratio: systems.length > 0 ? integrated / systems.length : null,
      },
      items,
    };
  }
}

/** [from, to) is required (the counts are of a range, like the KPI windows); unknown owners are a 400, not an empty answer. */
function checkQuery(query: AggregateQuery, org: OrgIndex): { from: number; to: number } {
  const issues: Issue[] = [];
  if (query.from === undefined) issues.push({ path: 'from', message: 'is required' });
  if (query.to === undefined) issues.push({ path: 'to', message: 'is required' });
  else if (query.from !== undefined && query.from > query.to)
    issues.push({ path: 'from', message: 'must not be after to' });
  const unknown = (path: keyof OwnerFilter, known: ReadonlyMap<string, unknown>, what: string) => {
    for (const id of query[path] ?? []) if (!known.has(id)) issues.push({ path, message: `unknown ${what} "${id}"` });
  };
  unknown('businessLine', org.businessLines, 'business line');
  unknown('team', org.teams, 'team');
  unknown('service', org.services, 'service');
  if (issues.length > 0) throw new ValidationError(issues);
  return { from: query.from!, to: query.to! };
}

/** A KPI's own formula over counts split another way (the counts it reads are all given). */
function formula(kpi: KpiKey, counts: Partial<Record<TallyField, number>>): number | null {
  const tally = emptyTally();
  for (const [field, n] of Object.entries(counts))
    if (field in tally.counts) tally.counts[field as TallyField] = n as number;
  return kpiValues(tally, { days: 1, changeSystems: { integrated: 0, total: 0 } })[kpi].value;
}
