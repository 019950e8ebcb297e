/**
 * Red lines: the ledger of breaches, computed from the records each time (never typed in, so no
 * one can add or remove a violation but by mending the record or, as an admin with a reason,
 * waiving it), the counts per scope and window the metrics and the scorecard show, and waivers.
 * Each rule reads its breaches from two sides with indexed predicates (migration 014): records
 * still unmended past their line, and records mended late within the window asked for.
 */
import {
  RED_LINE_COLLECTIONS,
  type FieldChange,
  type RedLineRule,
  type RedLineViolation,
  type RedLineViolationsResponse,
  type RedLineWaiver,
} from '@ballast/contract';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { auditActor, type Actor } from '../domain/actor.js';
import type { KpiWindow } from '../domain/kpi-keys.js';
import type { OrgIndex } from '../domain/org.js';
import { enabledRules, ruleSettings } from '../domain/red-lines-config.js';
import {
  countByScope,
  crossed,
  inForce,
  lineAfter,
  ownerOf,
  parseViolationId,
  RED_LINE_RULES,
  violationId,
  type Breach,
  type ScopeCount,
} from '../domain/red-lines.js';
import { DAY_MS, toIso } from '../domain/time.js';
import type { WindowRange } from '../domain/windows.js';
import type { Row } from '../store/collections.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { AuditService } from './audit.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import type { OrgService } from './org.js';

type Db = Kysely<Database>;
type Fragment = RawBuilder<unknown>;

/** Which records a ledger or a count looks at. */
export interface RedLineFilter {
  rules?: RedLineRule[];
  teams?: string[];
  businessLines?: string[];
  /** Only this service's records (an action belongs to its incident's service). */
  service?: string;
}

export interface LedgerQuery extends RedLineFilter {
  /** Violations in force at some moment of [from, to); all of them (to now) when absent. */
  from?: number;
  to?: number;
  waived?: boolean;
  limit: number;
  offset: number;
}

/** Per KPI window, per enabled rule, the count of unwaived violations in force in it, per scope. */
export interface RedLineCounts {
  rules: RedLineRule[];
  windows: Partial<Record<KpiWindow, Record<RedLineRule, ScopeCount[]>>>;
}

interface RuleContext {
  from: number | null;
  /** Exclusive, at most now + 1: a line is crossed once reached. */
  to: number;
  now: number;
  days: number;
  filter: RedLineFilter;
  ids?: string[];
  index: OrgIndex;
}

/** What a rule reads a breach from (rows of its table). */
type RuleReader = (db: Db, c: RuleContext) => Promise<Breach[]>;

const num = (v: unknown) => Number(v);
const maybe = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const list = (values: readonly string[]) => sql.join(values.map((v) => sql`${v}`));
const all = (parts: Fragment[]) => sql.join(parts, sql` and `);

async function select(db: Db, query: Fragment): Promise<Row[]> {
  return (await query.execute(db)).rows as Row[];
}

/** The owner filters and ids as SQL terms; actions belong to a service through their incident. */
function ownerTerms(c: RuleContext, table: 'actions' | 'owned'): Fragment[] {
  const terms: Fragment[] = [];
  const { teams, businessLines, service } = c.filter;
  if (teams?.length) terms.push(sql`team in (${list(teams)})`);
  if (businessLines?.length) terms.push(sql`business_line in (${list(businessLines)})`);
  if (service !== undefined)
    terms.push(
      table === 'actions'
        ? sql`incident in (select id from incidents where service = ${service})`
        : sql`service = ${service}`
    );
  if (c.ids) terms.push(c.ids.length > 0 ? sql`id in (${list(c.ids)})` : sql`1 = 0`);
  return terms;
}

/** The breach of a row whose line is `line` and that was mended at `mended`, with its owner. */
function breachOf(
  rule: RedLineRule,
  c: RuleContext,
  row: Row,
  line: number,
  mended: number | null,
  extra: { title: string; owner: string | null }
): Breach | null {
  const when = crossed(line, mended, c.now);
  if (!when) return null;
  return {
    rule,
    record: String(row.id),
    team: (row.team as string | null) ?? null,
    businessLine: (row.business_line as string | null) ?? null,
    ...extra,
    ...when,
  };
}

/** Unmended rows past the line, and rows mended after the line and (within a window) after its start. */
async function twoSides(
  db: Db,
  c: RuleContext,
  columns: Fragment,
  table: Fragment,
  base: Fragment[],
  open: Fragment,
  late: (mendedAfter: number | null) => Fragment[]
) {
  const [unmended, mendedLate] = await Promise.all([
    select(db, sql`select ${columns} from ${table} where ${all([...base, open])}`),
    select(db, sql`select ${columns} from ${table} where ${all([...base, ...late(c.from)])}`),
  ]);
  return [...unmended, ...mendedLate];
}

const RULES: Record<RedLineRule, RuleReader> = {
  // A change that started inside a freeze without an exemption: the violation decided and stored
  // with the change when it was written (the freeze_violations KPI's own flag, indexed). A moment.
  async change_in_freeze(db, c) {
    const terms = [
      sql`freeze_violation = 1`,
      sql`started_at < ${c.to}`,
      ...(c.from !== null ? [sql`started_at >= ${c.from}`] : []),
      ...ownerTerms(c, 'owned'),
    ];
    const rows = await select(
      db,
      sql`select id, title, system, kind, started_at, service, team, business_line, violated_freezes from changes where ${all(terms)}`
    );
    return rows.map((row) => {
      const at = num(row.started_at);
      const title = (row.title as string | null) ?? `${String(row.system)} ${String(row.kind)}`;
      const freezes = JSON.parse((row.violated_freezes as string | null) ?? '[]') as string[];
      return {
        rule: 'change_in_freeze' as const,
        record: String(row.id),
        title: freezes.length > 0 ? `${title} (inside ${freezes.join(', ')})` : title,
        team: (row.team as string | null) ?? null,
        businessLine: (row.business_line as string | null) ?? null,
        owner: ownerOf(c.index, row as { service: string | null; team: string | null }),
        since: at,
        until: at,
      };
    });
  },

  // A high-priority production incident recovered `days` ago without its post-mortem.
  async incident_without_postmortem(db, c) {
    const high = c.index.org.policy.highPriorities;
    const D = c.days * DAY_MS;
    const rows = await select(
      db,
      sql`select id, title, service, team, business_line, recovered_at, postmortem_url, updated_at,
        (select min(s.at) from incident_steps s where s.incident_id = incidents.id and s.step = 'postmortem') as postmortem_at
      from incidents where ${all([
        sql`drill = 0`,
        sql`priority in (${list(high)})`,
        sql`recovered_at is not null`,
        sql`recovered_at < ${c.to - D}`,
        ...ownerTerms(c, 'owned'),
      ])}`
    );
    const urlSet = await postmortemUrlTimes(
      db,
      rows.filter((r) => r.postmortem_at === null && r.postmortem_url !== null).map((r) => String(r.id))
    );
    return rows.flatMap((row) => {
      // The post-mortem came with its process step, else when its URL was first set (the audit
      // log), else at the latest by the record's last write (written before the log existed).
      const mended =
        maybe(row.postmortem_at) ??
        (row.postmortem_url !== null ? (urlSet.get(String(row.id)) ?? num(row.updated_at)) : null);
      const b = breachOf('incident_without_postmortem', c, row, lineAfter(num(row.recovered_at), c.days), mended, {
        title: String(row.title),
        owner: ownerOf(c.index, row as { service: string | null; team: string | null }),
      });
      return b && (c.from === null || inForce(b, c.from, c.to)) ? [b] : [];
    });
  },

  // An improvement action not completed `days` after its due date.
  async action_overdue(db, c) {
    const D = c.days * DAY_MS;
    const rows = await twoSides(
      db,
      c,
      sql`id, title, owner, team, business_line, due_at, completed_at`,
      sql`actions`,
      [sql`due_at < ${c.to - D}`, ...ownerTerms(c, 'actions')],
      sql`completed_at is null`,
      (after) => [sql`completed_at > due_at + ${D}`, ...(after !== null ? [sql`completed_at > ${after}`] : [])]
    );
    return rows.flatMap((row) => {
      const b = breachOf('action_overdue', c, row, lineAfter(num(row.due_at), c.days), maybe(row.completed_at), {
        title: String(row.title),
        owner: String(row.owner),
      });
      return b ? [b] : [];
    });
  },

  // An inspection finding still open `days` after its due date.
  async finding_overdue(db, c) {
    const D = c.days * DAY_MS;
    const rows = await twoSides(
      db,
      c,
      sql`id, check_name, target_type, service, team, business_line, due_at, closed_at`,
      sql`findings`,
      [sql`due_at is not null`, sql`due_at < ${c.to - D}`, ...ownerTerms(c, 'owned')],
      sql`closed_at is null`,
      (after) => [sql`closed_at > due_at + ${D}`, ...(after !== null ? [sql`closed_at > ${after}`] : [])]
    );
    return rows.flatMap((row) => {
      const b = breachOf('finding_overdue', c, row, lineAfter(num(row.due_at), c.days), maybe(row.closed_at), {
        title: `${String(row.check_name)} (${String(row.target_type)})`,
        owner: ownerOf(c.index, row as { service: string | null; team: string | null }),
      });
      return b ? [b] : [];
    });
  },

  // A high-severity alert still unreviewed `days` after it started. Unreviewed as the alert
  // accuracy KPI has it: no verdict, no incident linked, not a transient the policy calls noise.
  async alert_without_verdict(db, c) {
    const D = c.days * DAY_MS;
    const high = c.index.org.policy.highSeverities;
    const transient = c.index.org.policy.transientAlertMinutes;
    const rows = await twoSides(
      db,
      c,
      sql`id, name, service, team, business_line, starts_at, verdict_at`,
      sql`alerts`,
      [
        sql`severity in (${list(high)})`,
        sql`starts_at < ${c.to - D}`,
        sql`incident is null`,
        ...(transient === null ? [] : [sql`(ends_at is null or ends_at - starts_at >= ${transient * 60_000})`]),
        ...ownerTerms(c, 'owned'),
      ],
      sql`verdict is null`,
      (after) => [
        sql`verdict is not null`,
        sql`verdict_at > starts_at + ${D}`,
        ...(after !== null ? [sql`verdict_at > ${after}`] : []),
      ]
    );
    return rows.flatMap((row) => {
      const b = breachOf(
        'alert_without_verdict',
        c,
        row,
        lineAfter(num(row.starts_at), c.days),
        maybe(row.verdict_at),
        {
          title: String(row.name),
          owner: ownerOf(c.index, row as { service: string | null; team: string | null }),
        }
      );
      return b ? [b] : [];
    });
  },
};

const AUDIT_CHUNK = 500;

/** When each incident's postmortemUrl was first set, from its audit entries (absent: not logged). */
async function postmortemUrlTimes(db: Db, ids: string[]): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  for (let i = 0; i < ids.length; i += AUDIT_CHUNK) {
    const chunk = ids.slice(i, i + AUDIT_CHUNK);
    const rows = await select(
      db,
      sql`select record_id, at, changes from audit_log where collection = 'incidents'
        and record_id in (${list(chunk)}) and changes like ${'%"postmortemUrl"%'} order by seq`
    );
    for (const row of rows) {
      const id = String(row.record_id);
      if (times.has(id)) continue;
      const changes = JSON.parse(String(row.changes)) as FieldChange[];
      if (changes.some((ch) => ch.field === 'postmortemUrl' && ch.to !== null && ch.to !== undefined))
        times.set(id, num(row.at));
    }
  }
  return times;
}

export class RedLineService {
  private readonly audit: AuditService;
  private readonly reader: Db;
  readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly orgs: OrgService,
    options: { reader?: Db; now?: () => number } = {}
  ) {
    this.audit = new AuditService(store);
    this.reader = options.reader ?? store.db;
    this.now = options.now ?? Date.now;
  }

  /** The breaches of the enabled rules (of `filter.rules`) in force at some moment of [from, to), waived or not. */
  async breaches(
    index: OrgIndex,
    range: { from: number | null; to: number },
    filter: RedLineFilter = {},
    now = this.now(),
    ids?: string[]
  ): Promise<Breach[]> {
    const settings = ruleSettings(index.org.redLines);
    const rules = enabledRules(index.org.redLines).filter((r) => !filter.rules || filter.rules.includes(r));
    const to = Math.min(range.to, now + 1);
    const found = await Promise.all(
      rules.map((rule) =>
        RULES[rule](this.reader, {
          from: range.from,
          to,
          now,
          days: settings[rule].days,
          filter,
          index,
          ...(ids ? { ids } : {}),
        })
      )
    );
    return found.flat().filter((b) => range.from === null || inForce(b, range.from, to));
  }

  /** Every waiver, by violation id (they are few: one per admin decision). */
  async waivers(): Promise<Map<string, RedLineWaiver>> {
    const rows = await this.reader.selectFrom('red_line_waivers').selectAll().execute();
    return new Map(
      rows.map((r) => [
        r.id,
        {
          by: auditActor({
            token: r.token,
            role: 'admin',
            grafana: false,
            ...(r.user_name ? { user: r.user_name } : {}),
          }),
          at: toIso(Number(r.at)),
          reason: r.reason,
        },
      ])
    );
  }

  /** The unwaived breaches of [from, to). */
  async unwaived(index: OrgIndex, from: number, to: number, filter: RedLineFilter = {}, now = this.now()) {
    const [breaches, waivers] = await Promise.all([this.breaches(index, { from, to }, filter, now), this.waivers()]);
    return breaches.filter((b) => !waivers.has(violationId(b.rule, b.record)));
  }

  /** `GET /red-lines/violations`: the ledger, latest breach first. */
  async list(query: LedgerQuery): Promise<RedLineViolationsResponse> {
    const index = await this.orgs.index();
    const now = this.now();
    const [breaches, waivers] = await Promise.all([
      this.breaches(index, { from: query.from ?? null, to: query.to ?? now + 1 }, query, now),
      this.waivers(),
    ]);
    const violations = breaches
      .map((b) => present(b, waivers.get(violationId(b.rule, b.record))))
      .filter((v) => query.waived === undefined || (v.waiver !== undefined) === query.waived)
      .sort(
        (a, b) =>
          Date.parse(b.since) - Date.parse(a.since) ||
          RED_LINE_RULES.indexOf(a.rule) - RED_LINE_RULES.indexOf(b.rule) ||
          a.record.localeCompare(b.record)
      );
    return {
      items: violations.slice(query.offset, query.offset + query.limit),
      total: violations.length,
      limit: query.limit,
      offset: query.offset,
    };
  }

  /** One violation as the ledger shows it now, or null when the records show no such breach. */
  async get(id: string): Promise<RedLineViolation | null> {
    const parsed = parseViolationId(id, RED_LINE_RULES);
    if (!parsed) return null;
    const index = await this.orgs.index();
    const now = this.now();
    const [breach] = await this.breaches(index, { from: null, to: now + 1 }, { rules: [parsed.rule] }, now, [
      parsed.record,
    ]);
    if (!breach) return null;
    return present(breach, (await this.waivers()).get(id));
  }

  /**
   * Waives a violation (the route lets only an admin in): it stops counting, everywhere, and the
   * ledger shows who waived it, when and why. Audited in the same transaction.
   */
  async waive(id: string, body: unknown, actor: Actor): Promise<RedLineViolation> {
    const reason = waiverReason(body);
    const violation = await this.get(id);
    if (!violation) throw new NotFoundError(`no red-line violation "${id}"`);
    if (violation.waiver)
      throw new ConflictError(`violation "${id}" is already waived`, [{ path: 'id', message: 'is already waived' }]);
    const at = this.now();
    const inserted = await this.store.write(async (trx) => {
      const result = await trx
        .insertInto('red_line_waivers')
        .values({
          id,
          rule: violation.rule,
          record_id: violation.record,
          reason,
          token: actor.token,
          user_name: actor.user ?? null,
          at,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await this.audit.append(
        trx,
        actor,
        [
          {
            collection: 'red-line-waivers',
            id,
            action: 'waived',
            changes: [{ field: 'waiver', from: null, to: { reason } }],
            reason,
          },
        ],
        at
      );
      return true;
    });
    // Another admin's waiver committed between the read and the write: theirs stands.
    if (!inserted)
      throw new ConflictError(`violation "${id}" is already waived`, [{ path: 'id', message: 'is already waived' }]);
    return { ...violation, waiver: { by: auditActor(actor), at: toIso(at), reason } };
  }

  /**
   * The counts of the KPI windows (one read of the records, over the widest of them), for the
   * metrics and the scorecard; computed in the KPI refresh, not per scrape.
   */
  async windowCounts(ranges: readonly WindowRange[], index: OrgIndex, now: number): Promise<RedLineCounts> {
    const rules = enabledRules(index.org.redLines);
    if (rules.length === 0 || ranges.length === 0) return { rules, windows: {} };
    const from = Math.min(...ranges.map((r) => r.from));
    const to = Math.max(...ranges.map((r) => r.to));
    const breaches = await this.unwaived(index, from, to, {}, now);
    const windows: RedLineCounts['windows'] = {};
    for (const range of ranges) {
      windows[range.window] = Object.fromEntries(
        rules.map((rule) => [
          rule,
          countByScope(
            breaches.filter((b) => b.rule === rule),
            range.from,
            range.to,
            index
          ),
        ])
      ) as Record<RedLineRule, ScopeCount[]>;
    }
    return { rules, windows };
  }
}

/** A waiver's reason: required, a sentence or a paragraph. */
function waiverReason(body: unknown): string {
  const reason = (body as { reason?: unknown } | null)?.reason;
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new ValidationError([{ path: 'body', message: 'must be an object {reason}' }]);
  const unknown = Object.keys(body).filter((k) => k !== 'reason');
  if (unknown.length > 0) throw new ValidationError(unknown.map((k) => ({ path: k, message: 'unknown field' })));
  if (reason === undefined) throw new ValidationError([{ path: 'reason', message: 'is required' }]);
  if (typeof reason !== 'string') throw new ValidationError([{ path: 'reason', message: 'must be a string' }]);
  const text = reason.trim();
  if (text.length === 0) throw new ValidationError([{ path: 'reason', message: 'must not be empty' }]);
  if (text.length > 2000) throw new ValidationError([{ path: 'reason', message: 'must be at most 2000 characters' }]);
  return text;
}

export function present(b: Breach, waiver?: RedLineWaiver): RedLineViolation {
  return {
    id: violationId(b.rule, b.record),
    rule: b.rule,
    collection: RED_LINE_COLLECTIONS[b.rule],
    record: b.record,
    title: b.title,
    team: b.team,
    businessLine: b.businessLine,
    owner: b.owner,
    since: toIso(b.since),
    ...(b.until !== null ? { until: toIso(b.until) } : {}),
    ...(waiver ? { waiver } : {}),
  };
}
