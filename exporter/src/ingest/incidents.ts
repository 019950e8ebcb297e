/**
 * What the incident receivers (PagerDuty, Opsgenie, Grafana OnCall, Grafana Incident, incident.io)
 * share: each adapter reads its tool's delivery into `IncidentFacts`; this module turns them into
 * one incident record (priority and owner mapped by the `ingestion` rules) and merges a delivery
 * with the stored record so that any order of deliveries, and any re-send, gives the same record:
 * start, detection and acknowledgement keep the earliest time, recovery and resolution the latest,
 * process steps accumulate, and what people set by hand (cause, causing change) is kept.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { stepOrderIssues } from '../domain/checks.js';
import type { DetectionSource, IncidentStepInput } from '../domain/records.js';
import { ValidationError } from '../service/errors.js';
import { mapPriority } from './incident-mapping.js';
import { resolveService, type Subject } from './mapping.js';
import { clip, isoTime, present, recordIdOf, type AdaptContext, type Adapted, type Merge } from './pipeline.js';

export interface IncidentFacts {
  /** The receiver source, for priority rules (e.g. `pagerduty-incidents`). */
  receiver: string;
  /** The tool, stored as the incident's `source`. */
  tool: string;
  /** Record id prefix and the tool's own incident id. */
  idPrefix: string;
  toolId: string;
  /** Path of the incident object in the sender's body (error paths). */
  origin: string;
  title?: string;
  /** The tool's priority or severity label, mapped by `ingestion.incidents.priorities`. */
  priority?: string;
  subject: Subject;
  /** Team names the tool gives (PagerDuty teams, Opsgenie teams, OnCall integration team). */
  teams?: string[];
  /** Where in the body the owner was looked for (named when none maps). */
  ownerPath: string;
  /** The delivery names no owner (a PagerDuty note): the stored record's is kept. */
  ownerOptional?: boolean;
  startedAt: string;
  detectedAt?: string;
  acknowledgedAt?: string;
  recoveredAt?: string;
  resolvedAt?: string;
  steps?: IncidentStepInput[];
  detectionSource: DetectionSource;
  drill?: boolean;
  sourceUrl?: string;
  postmortemUrl?: string;
}

/** What one delivery says about the incident's state, for merging with the stored record. */
export interface Delivered {
  /** When the tool says the event happened (epoch ms). */
  at: number;
  /** The incident is open again at `at` (reopened, unresolved): a resolution before it no longer holds. */
  reopened?: boolean;
}

/** One incident record from what a delivery says, with a merge bound to that delivery. */
export function incidentDelivery(facts: IncidentFacts, delivered: Delivered, ctx: AdaptContext): Adapted {
  const id = recordIdOf(facts.idPrefix, facts.toolId);
  const owner = ownerOf(facts, ctx);
  const title = present(facts.title) ?? `${facts.tool} incident ${facts.toolId}`;
  const input = ordered({
    title: clip(title, 500),
    priority: clip(mapPriority(facts.receiver, present(facts.priority), ctx.config.incidents), 20),
    ...owner,
    startedAt: facts.startedAt,
    detectedAt: facts.detectedAt ?? facts.startedAt,
    ...defined({
      acknowledgedAt: facts.acknowledgedAt,
      recoveredAt: facts.recoveredAt,
      resolvedAt: facts.resolvedAt,
      sourceUrl: httpUrl(facts.sourceUrl),
      postmortemUrl: httpUrl(facts.postmortemUrl),
    }),
    detectionSource: facts.detectionSource,
    drill: facts.drill ?? false,
    source: facts.tool,
    sourceUpdatedAt: new Date(delivered.at).toISOString(),
    steps: (facts.steps ?? []).map(clipStep),
  });
  return { items: [{ id, origin: facts.origin, input }], ignored: 0, merge: mergeIncident(delivered) };
}

/** A step as the record schema takes it: owner and note cut to length, never refused for it. */
function clipStep(s: IncidentStepInput): IncidentStepInput {
  const owner = present(s.owner) ?? 'unknown';
  const note = present(s.note);
  return { step: s.step, at: s.at, owner: clip(owner, 200), ...(note ? { note: clip(note, 4000) } : {}) };
}

function ownerOf(facts: IncidentFacts, ctx: AdaptContext): { service?: string; team?: string } {
  const { org } = ctx;
  const application = facts.subject.application;
  const service =
    resolveService(facts.subject, ctx.config.services, org) ??
    (application !== undefined ? resolveService({ application: slug(application) }, [], org) : undefined);
  if (service) return { service };
  const team = (facts.teams ?? []).flatMap((t) => [t, slug(t)]).find((t) => org.teams.has(t));
  if (team) return { team };
  if (facts.ownerOptional) return {};
  throw new ValidationError([
    {
      path: facts.ownerPath,
      message: `no service or team is mapped for ${describe(facts)} (ingestion.services in the config, or a service/team id equal to the tool's name)`,
    },
  ]);
}

function describe(facts: IncidentFacts): string {
  const parts = [
    facts.subject.application !== undefined ? `"${facts.subject.application}"` : undefined,
    facts.teams?.length ? `team ${facts.teams.map((t) => `"${t}"`).join(', ')}` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' / ') : 'this incident (it names no service or team)';
}

/** "Checkout API" → "checkout-api": a tool's display name read as an org id. */
function slug(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Only http(s) links are kept: a `javascript:`, relative or oversized URL from a sender is never stored. */
function httpUrl(value: string | undefined): string | undefined {
  const v = present(value);
  if (!v || v.length > 2000) return undefined;
  try {
    const url = new URL(v);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** A sender's time as the API's ISO form, or undefined when absent (Go/Python tools send "" or null). */
export function optionalTime(value: unknown, path: string): string | undefined {
  if (value === null || value === undefined || (typeof value === 'string' && present(value) === undefined))
    return undefined;
  return isoTime(value, path);
}

const ms = (iso: unknown): number | undefined => (typeof iso === 'string' ? Date.parse(iso) : undefined);

function pick(a: unknown, b: unknown, choose: (x: number, y: number) => number): string | undefined {
  const x = ms(a);
  const y = ms(b);
  if (x === undefined) return b as string | undefined;
  if (y === undefined) return a as string;
  return choose(x, y) === x ? (a as string) : (b as string);
}

/** Stored steps first, so a re-sent step (same step and time) leaves the record unchanged. */
function unionSteps(stored: unknown, incoming: unknown): IncidentStepInput[] {
  const byKey = new Map<string, IncidentStepInput>();
  for (const s of [...((stored as IncidentStepInput[]) ?? []), ...((incoming as IncidentStepInput[]) ?? [])]) {
    const key = `${s.step}|${Date.parse(s.at)}`;
    if (!byKey.has(key)) byKey.set(key, s);
  }
  return [...byKey.values()].slice(0, 200);
}

/**
 * The merge of one delivery with the stored incident. Title, priority and owner are the state the
 * tool sent with its newest event (`sourceUpdatedAt`): an older event delivered late keeps them;
 * times only move the record's bounds outward. So replays and out-of-order deliveries change nothing.
 */
export function mergeIncident(delivered: Delivered): Merge {
  return (incoming, stored) => {
    let resolvedAt = pick(incoming.resolvedAt, stored.resolvedAt, Math.max);
    if (delivered.reopened && incoming.resolvedAt === undefined && (ms(resolvedAt) ?? Infinity) < delivered.at)
      resolvedAt = undefined;
    const newer = delivered.at >= (ms(stored.sourceUpdatedAt) ?? -Infinity);
    const { service: _s, team: _t, title: _ti, priority: _p, ...rest } = stored;
    // The owner is the delivery's when it is the newest and names one; else the stored one (never a mix).
    const owner = (r: Record<string, unknown>) => (r.service !== undefined ? { service: r.service } : { team: r.team });
    const hasOwner = incoming.service !== undefined || incoming.team !== undefined;
    const state = newer
      ? {
          title: incoming.title ?? stored.title,
          priority: incoming.priority,
          ...(hasOwner ? owner(incoming) : owner(stored)),
        }
      : { title: stored.title, priority: stored.priority, ...owner(stored) };
    const { service: _is, team: _it, title: _iti, priority: _ip, ...incomingRest } = incoming;
    return ordered({
      ...rest,
      ...incomingRest,
      ...state,
      sourceUpdatedAt: pick(incoming.sourceUpdatedAt, stored.sourceUpdatedAt, Math.max),
      startedAt: pick(incoming.startedAt, stored.startedAt, Math.min),
      detectedAt: pick(incoming.detectedAt, stored.detectedAt, Math.min),
      acknowledgedAt: pick(incoming.acknowledgedAt, stored.acknowledgedAt, Math.min),
      recoveredAt: pick(incoming.recoveredAt, stored.recoveredAt, Math.max),
      resolvedAt,
      sourceUrl: incoming.sourceUrl ?? stored.sourceUrl,
      postmortemUrl: incoming.postmortemUrl ?? stored.postmortemUrl,
      // Set by people (or the first delivery): a tool's event does not overwrite them.
      detectionSource: stored.detectionSource ?? incoming.detectionSource,
      cause: stored.cause ?? incoming.cause,
      causedByChange: stored.causedByChange ?? incoming.causedByChange,
      drill: Boolean(stored.drill) || Boolean(incoming.drill),
      steps: unionSteps(stored.steps, incoming.steps),
    });
  };
}

/**
 * The process order the record schema checks (detected, acknowledged and recovered not before the
 * start, resolved not before recovery): a tool's clock skew or a custom timestamp set by hand in
 * the wrong order is pulled into line rather than refusing the whole delivery.
 */
function ordered(record: Record<string, unknown>): Record<string, unknown> {
  const start = ms(record.startedAt)!;
  const notBefore = (field: string, bound: number | undefined) => {
    const t = ms(record[field]);
    if (t !== undefined && bound !== undefined && t < bound) record[field] = new Date(bound).toISOString();
  };
  notBefore('detectedAt', start);
  notBefore('acknowledgedAt', start);
  notBefore('recoveredAt', start);
  notBefore('resolvedAt', ms(record.recoveredAt) ?? start);
  if (Array.isArray(record.steps)) record.steps = markOutOfOrder(record.steps as IncidentStepInput[], record.source);
  for (const [k, v] of Object.entries(record)) if (v === undefined) delete record[k];
  return record;
}

/**
 * A tool's timeline is what happened (PagerDuty escalates before anyone acknowledges): a step it
 * puts before an earlier stage of the process is kept with an `outOfOrder` reason naming the tool,
 * never refused (the API refuses such a step without a reason). Marks stay on later deliveries.
 */
function markOutOfOrder(steps: IncidentStepInput[], source: unknown): IncidentStepInput[] {
  const tool = typeof source === 'string' ? source : 'the tool';
  const marked = [...steps];
  for (let issues = stepOrderIssues(marked); issues.length > 0; issues = stepOrderIssues(marked)) {
    for (const { index, after } of issues) {
      const [early, late] = [marked[index]!, marked[after]!];
      const reason = `as ${tool} recorded it: ${early.step} at ${early.at}, before ${late.step} at ${late.at}`;
      marked[index] = { ...early, outOfOrder: clip(reason, 500) };
    }
  }
  return marked;
}

function defined(o: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Constant-time comparison of a computed digest with one a sender gave (any length). */
export function sameDigest(expected: Buffer, given: Buffer): boolean {
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function hmacSha256(secret: string | Buffer, data: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}
