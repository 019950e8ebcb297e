/**
 * The "large org", written straight into a store in big chunks (bench setup, not the
 * validated API path): 20 business lines, 200 teams, 2,000 services and one year ending now of
 * 130,000 changes, 1,000,000 alerts (65,000 high severity), 4,000 incidents, 40,000 findings,
 * 2,000 actions and 500 drills, plus a weekly freeze. Deterministic from a seed.
 */
import type { Org } from '../../src/domain/org.js';
import { INCIDENT_STEPS } from '../../src/domain/records.js';
import { DAY_MS } from '../../src/domain/time.js';
import type { Row } from '../../src/store/collections.js';
import type { StoreKind } from '../../src/store/connect.js';
import { openBulkLoader, type BulkLoader } from '../bulk-load.js';
import type { BenchStore } from '../context.js';

export const LARGE = {
  businessLines: 20,
  teamsPerLine: 10,
  servicesPerTeam: 10,
  changes: 130_000,
  alerts: 1_000_000,
  highSeverityAlerts: 65_000,
  incidents: 4_000,
  findings: 40_000,
  actions: 2_000,
  drills: 500,
};

const CHUNK = 20_000;
const MINUTE = 60_000;

/** mulberry32: small, fast, seeded. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function largeOrg(year: number): Org {
  const org: Org = {
    businessLines: [],
    teams: [],
    services: [],
    changeSystems: [
      { id: 'argo-cd', name: 'Argo CD', integrated: true },
      { id: 'jenkins', name: 'Jenkins', integrated: true },
      { id: 'manual', name: 'Manual', integrated: false },
    ],
    goals: [
      { year, kpi: 'mttr_seconds', target: 3600 },
      { year, kpi: 'high_priority_incidents', target: 1200 },
      { year, kpi: 'alert_accuracy_ratio', target: 0.8 },
      { year, kpi: 'change_failure_ratio', target: 0.05 },
    ],
    policy: {
      highPriorities: ['P0', 'P1'],
      highSeverities: ['critical'],
      timezone: 'Europe/Berlin',
      transientAlertMinutes: 5,
    },
  };
  for (let b = 0; b < LARGE.businessLines; b++) {
    org.businessLines.push({ id: `bl-${b}`, name: `Business line ${b}`, owner: `Owner ${b}` });
    for (let t = 0; t < LARGE.teamsPerLine; t++) {
      const team = `team-${b}-${t}`;
      org.teams.push({ id: team, name: `Team ${b}.${t}`, businessLine: `bl-${b}`, manager: `Manager ${b}.${t}` });
      for (let s = 0; s < LARGE.servicesPerTeam; s++) {
        org.services.push({
          id: `svc-${b}-${t}-${s}`,
          name: `Service ${b}.${t}.${s}`,
          team,
          owner: `Owner ${b}.${t}.${s}`,
        });
      }
    }
  }
  return org;
}

/**
 * Loads the records through a bulk loader (bench/bulk-load.ts), then bumps the store's data
 * revision once so that exporters see new data; returns how many rows were written.
 */
export async function loadLargeOrg(
  target: BenchStore,
  kind: StoreKind,
  org: Org,
  now: number,
  seed = 7
): Promise<number> {
  const loader = await openBulkLoader(kind, target.config);
  let written: number;
  try {
    written = await writeRecords(loader, org, now, seed);
  } finally {
    await loader.close();
  }
  await target.services.store.write(async () => {});
  return written;
}

async function writeRecords(loader: BulkLoader, org: Org, now: number, seed: number): Promise<number> {
  const rnd = random(seed);
  const from = now - 365 * DAY_MS;
  const at = () => Math.floor(from + rnd() * (now - from - MINUTE));
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const lineOf = new Map(org.teams.map((t) => [t.id, t.businessLine]));
  const owner = () => {
    const s = pick(org.services);
    return { service: s.id, team: s.team, business_line: lineOf.get(s.team)! };
  };
  let written = 0;
  // Rows are made chunk by chunk as the loader asks, so a million alerts never sit in memory at once.
  function* chunks(total: number, make: (i: number) => Row) {
    for (let i = 0; i < total; i += CHUNK) {
      const rows: Row[] = [];
      for (let j = i; j < Math.min(total, i + CHUNK); j++) rows.push(make(j));
      yield rows;
    }
  }
  const write = async (table: string, total: number, make: (i: number) => Row) => {
    written += await loader.load(table, chunks(total, make));
  };

  const incidentTimes: { id: string; started: number; team: string; business_line: string }[] = [];
  const steps: Row[] = [];
  await write('incidents', LARGE.incidents, (i) => {
    const o = owner();
    const started = at();
    const detected = started + Math.floor(rnd() * 20 * MINUTE);
    const recovered = rnd() < 0.97 ? detected + Math.floor(rnd() * 240 * MINUTE) : null;
    const priority = pick(['P0', 'P1', 'P1', 'P2', 'P2', 'P3', 'P3', 'P3']);
    const id = `inc-${i}`;
    incidentTimes.push({ id, started, team: o.team, business_line: o.business_line });
    if (priority === 'P0' || priority === 'P1') {
      let t = started;
      for (const step of INCIDENT_STEPS) {
        if (rnd() < 0.3) continue;
        t += Math.floor(rnd() * 30 * MINUTE);
        steps.push({ incident_id: id, step, at: t, owner: 'oncall', note: null });
      }
    }
    return {
      id,
      title: `Incident ${i}`,
      priority,
      ...o,
      started_at: started,
      detected_at: detected,
      acknowledged_at: rnd() < 0.9 ? detected + MINUTE : null,
      recovered_at: recovered,
      resolved_at: recovered,
      detection_source: pick(['monitoring', 'monitoring', 'monitoring', 'inspection', 'user', 'other']),
      cause: 'unknown',
      // A fifth blame a change (DORA change-caused incident ratio and failed-change recovery).
      caused_by_change: rnd() < 0.2 ? `change-${Math.floor(rnd() * LARGE.changes)}` : null,
      postmortem_url: null,
      drill: 0,
      updated_at: now,
    };
  });
  written += await loader.load('incident_steps', [steps]);
  const highEvery = LARGE.alerts / LARGE.highSeverityAlerts;
  await write('alerts', LARGE.alerts, (i) => {
    const high = Math.floor(i / highEvery) !== Math.floor((i + 1) / highEvery);
    const starts = at();
    const r = rnd();
    return {
      id: `alert-${i}`,
      name: `Alert${i % 300}`,
      severity: high ? 'critical' : 'warning',
      ...owner(),
      starts_at: starts,
      ends_at: r < 0.9 ? starts + Math.floor(rnd() * 120 * MINUTE) : null,
      verdict: r < 0.3 ? 'actionable' : r < 0.5 ? 'noise' : null,
      incident: high && r > 0.98 ? `inc-${Math.floor(rnd() * LARGE.incidents)}` : null,
      updated_at: now,
    };
  });
  await write('findings', LARGE.findings, (i) => {
    const found = at();
    return {
      id: `finding-${i}`,
      check_name: `check-${i % 50}`,
      target_type: 'server',
      severity: 'high',
      ...owner(),
      found_at: found,
      due_at: found + 14 * DAY_MS,
      closed_at: rnd() < 0.8 ? found + Math.floor(rnd() * 20 * DAY_MS) : null,
      updated_at: now,
    };
  });
  await write('changes', LARGE.changes, (i) => {
    const system = pick(['argo-cd', 'argo-cd', 'jenkins', 'manual']);
    const r = rnd();
    const started = at();
    return {
      id: `change-${i}`,
      title: null,
      system,
      ...owner(),
      kind: 'deploy',
      started_at: started,
      finished_at: r < 0.97 ? started + Math.floor(rnd() * 30 * MINUTE) : null,
      // Commit times as GitHub / Argo CD report them, for the DORA lead time; manual changes have none.
      committed_at: system === 'manual' ? null : started - Math.floor(rnd() * 48 * 60 * MINUTE),
      controlled: system === 'manual' ? 0 : 1,
      controlled_given: null,
      result: r < 0.9 ? 'success' : r < 0.95 ? 'failed' : r < 0.97 ? 'rolled_back' : null,
      exemption: rnd() < 0.01 ? 'urgent fix' : null,
      gate_check: null,
      updated_at: now,
    };
  });
  await write('actions', LARGE.actions, (i) => {
    const incident = pick(incidentTimes);
    const due = incident.started + 14 * DAY_MS;
    return {
      id: `action-${i}`,
      incident: incident.id,
      title: `Action ${i}`,
      owner: 'owner',
      due_at: due,
      completed_at: rnd() < 0.85 ? due - DAY_MS : null,
      team: incident.team,
      business_line: incident.business_line,
      updated_at: now,
    };
  });
  await write('drills', LARGE.drills, (i) => {
    const o = owner();
    const started = at();
    return {
      id: `drill-${i}`,
      scenario: 'failover',
      ...o,
      service: null,
      started_at: started,
      detected_at: started + MINUTE,
      recovered_at: started + 30 * MINUTE,
      score: Math.round(50 + rnd() * 50),
      updated_at: now,
    };
  });
  await write('freezes', 2, (i) =>
    i === 0
      ? {
          id: 'friday-evening',
          name: 'Friday evening',
          reason: 'weekend',
          scope_business_line: null,
          scope_team: null,
          scope_service: null,
          starts_at: null,
          ends_at: null,
          cron: '0 18 * * 5',
          duration_minutes: 240,
          timezone: 'Europe/Berlin',
          updated_at: now,
        }
      : {
          id: 'bl-0-close',
          name: 'Quarter close',
          reason: 'finance',
          scope_business_line: 'bl-0',
          scope_team: null,
          scope_service: null,
          starts_at: now - 40 * DAY_MS,
          ends_at: now - 33 * DAY_MS,
          cron: null,
          duration_minutes: null,
          timezone: null,
          updated_at: now,
        }
  );
  return written;
}
