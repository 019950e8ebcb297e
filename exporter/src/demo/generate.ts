/**
 * The demo data set: a realistic org and one year of stability history ending at `now`, pure and
 * deterministic from the seed (no clock, no Math.random), as the API would receive it.
 */
import { OrgIndex, type Org } from '../domain/org.js';
import type { Collection } from '../domain/records.js';
import { DAY_MS } from '../domain/time.js';
import { demoActions } from './actions.js';
import { demoAlerts } from './alerts.js';
import { demoChanges } from './changes.js';
import type { DemoContext, DemoRecord } from './context.js';
import { demoDrills } from './drills.js';
import { demoFindings } from './findings.js';
import { demoFreezes, FreezeCalendar } from './freezes.js';
import { demoGateChecks, type DemoGateCheck } from './gate-checks.js';
import { demoIncidents } from './incidents.js';
import { demoOrg } from './org.js';
import { Random } from './random.js';

export const HISTORY_DAYS = 365;

/** The org, the records of each collection, and the gate answers the changes cite. */
export type DemoData = { org: Org; gateChecks: DemoGateCheck[] } & { [C in Collection]: DemoRecord<C>[] };

export function generateDemo({ seed, now }: { seed: number; now: number }): DemoData {
  const rng = new Random(seed);
  // Each part draws from its own stream so that tuning one leaves the others as they were.
  const streams = {
    org: rng.fork(),
    changes: rng.fork(),
    alerts: rng.fork(),
    incidents: rng.fork(),
    actions: rng.fork(),
    findings: rng.fork(),
    drills: rng.fork(),
    commits: rng.fork(),
  };
  const org = demoOrg(streams.org, new Date(now).getUTCFullYear());
  const ctx: DemoContext = { org, index: new OrgIndex(org), from: now - HISTORY_DAYS * DAY_MS, now };
  const freezes = demoFreezes(ctx);
  const changes = demoChanges(ctx, streams.changes, new FreezeCalendar(freezes, ctx), streams.commits);
  const incidentHistory = demoIncidents(ctx, streams.incidents, changes);
  const drillHistory = demoDrills(ctx, streams.drills);
  const incidents = [...incidentHistory.incidents, ...drillHistory.incidents];
  return {
    org,
    incidents,
    alerts: [...demoAlerts(ctx, streams.alerts), ...incidentHistory.alerts],
    findings: demoFindings(ctx, streams.findings),
    changes,
    freezes,
    gateChecks: demoGateChecks(ctx, changes, freezes),
    drills: drillHistory.drills,
    actions: demoActions(ctx, streams.actions, incidentHistory.incidents),
  };
}
