/**
 * Red lines, judged from a record's own moments (pure). Each rule gives a record a line (a
 * deadline: dueAt + days, recoveredAt + days…) and a moment it was mended (completed, closed,
 * post-mortem written, verdict given). Crossing the line unmended makes a violation, in force from
 * the line (`since`) until mended (`until`). A change inside a freeze is a moment, not a state:
 * since = until = its start. A violation counts in a window when it was in force at any moment of
 * it; waived violations do not count.
 */
import type { RedLineRule } from '@ballast/contract';
import type { OrgIndex } from './org.js';
import { DAY_MS } from './time.js';

export { RED_LINE_COLLECTIONS, RED_LINE_RULES, type RedLineRule } from '@ballast/contract';

/** A violation inside the exporter: times in epoch ms. */
export interface Breach {
  rule: RedLineRule;
  record: string;
  title: string;
  team: string | null;
  businessLine: string | null;
  owner: string | null;
  since: number;
  /** When mended; null while in force. */
  until: number | null;
}

/**
 * The breach of a record whose line is `line` and that was mended at `mendedAt` (null: not yet),
 * judged at `now`: none before the line is reached, none when mended at or before it.
 */
export function crossed(
  line: number,
  mendedAt: number | null,
  now: number
): { since: number; until: number | null } | null {
  if (line > now) return null;
  if (mendedAt !== null && mendedAt <= line) return null;
  return { since: line, until: mendedAt !== null && mendedAt <= now ? mendedAt : null };
}

/** The line a rule with `days` of grace draws after a moment. */
export const lineAfter = (at: number, days: number) => at + days * DAY_MS;

/**
 * Whether a violation was in force at some moment of [from, to): it began before the window's
 * end, and began inside it or was still unmended at its start (a moment-long one counts in the
 * window holding its moment).
 */
export function inForce(v: { since: number; until: number | null }, from: number, to: number): boolean {
  return v.since < to && (v.since >= from || v.until === null || v.until > from);
}

/** `<rule>:<record id>`: stable, so a waiver and a link keep pointing at the same breach. */
export const violationId = (rule: RedLineRule, record: string) => `${rule}:${record}`;

/** The rule and record a violation id names, or null when it names no rule. */
export function parseViolationId(
  id: string,
  rules: readonly RedLineRule[]
): { rule: RedLineRule; record: string } | null {
  const at = id.indexOf(':');
  if (at <= 0) return null;
  const rule = id.slice(0, at) as RedLineRule;
  const record = id.slice(at + 1);
  return rules.includes(rule) && record.length > 0 ? { rule, record } : null;
}

/** The named owner of an owned record: its service's owner, else its team's manager. */
export function ownerOf(index: OrgIndex, ref: { service: string | null; team: string | null }): string | null {
  const service = ref.service ? index.services.get(ref.service) : undefined;
  if (service) return service.owner;
  return ref.team ? (index.teams.get(ref.team)?.manager ?? null) : null;
}

/** A count per scope, as the KPI scopes are: the org, each business line, each team of the org. */
export interface ScopeCount {
  level: 'org' | 'business_line' | 'team';
  businessLine: string | null;
  team: string | null;
  count: number;
}

/**
 * Counts the violations in force in [from, to), rolled up team → business line → org like the
 * KPIs: a record of no team, or of a team the org no longer has, counts at the org only.
 * Every scope of the org is present (0 when clean).
 */
export function countByScope(
  breaches: readonly Pick<Breach, 'team' | 'since' | 'until'>[],
  from: number,
  to: number,
  index: OrgIndex
): ScopeCount[] {
  const byTeam = new Map<string, number>();
  let org = 0;
  for (const b of breaches) {
    if (!inForce(b, from, to)) continue;
    org++;
    if (b.team !== null && index.teams.has(b.team)) byTeam.set(b.team, (byTeam.get(b.team) ?? 0) + 1);
  }
  const lines = new Map(index.org.businessLines.map((l) => [l.id, 0]));
  const teams: ScopeCount[] = index.org.teams.map((t) => {
    const count = byTeam.get(t.id) ?? 0;
    lines.set(t.businessLine, (lines.get(t.businessLine) ?? 0) + count);
    return { level: 'team', businessLine: t.businessLine, team: t.id, count };
  });
  return [
    { level: 'org', businessLine: null, team: null, count: org },
    ...[...lines].map(([id, count]) => ({ level: 'business_line' as const, businessLine: id, team: null, count })),
    ...teams,
  ];
}

/** The teams (ids, in org order) with no violation in force in [from, to) among `teams`. */
export function cleanTeams(
  breaches: readonly Pick<Breach, 'team' | 'since' | 'until'>[],
  teams: readonly string[],
  from: number,
  to: number
): string[] {
  const breached = new Set(breaches.filter((b) => inForce(b, from, to)).map((b) => b.team));
  return teams.filter((t) => !breached.has(t));
}
