/**
 * The demo org: five business lines, ~35 teams, ~300 services, eight change systems, this year's
 * goals and the usual policy. The structure (ids) is the same for every seed, so that data seeded
 * with one seed can be replaced by another's without orphaning records; the seed picks the people.
 */
import { ORG_ONLY } from '../domain/kpis.js';
import type { Goal, Org } from '../domain/org.js';
import type { KpiKey } from '../domain/kpi-keys.js';
import { Random } from './random.js';

const FIRST_NAMES = [
  'Ana',
  'Ben',
  'Chen',
  'Dara',
  'Elif',
  'Femi',
  'Greta',
  'Hiro',
  'Ines',
  'Jonas',
  'Kofi',
  'Lena',
  'Mateo',
  'Nadia',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tara',
  'Umar',
  'Vera',
  'Wei',
  'Ximena',
  'Yusuf',
  'Zoe',
  'Aiko',
  'Bruno',
  'Carla',
  'Dmitri',
  'Eva',
  'Farah',
  'Goran',
  'Hana',
  'Ivan',
  'Julia',
  'Karim',
  'Lucia',
  'Mika',
  'Noor',
];
const LAST_NAMES = [
  'Silva',
  'Becker',
  'Wang',
  'Okafor',
  'Yilmaz',
  'Adeyemi',
  'Larsen',
  'Tanaka',
  'Moreau',
  'Schmidt',
  'Mensah',
  'Novak',
  'Garcia',
  'Haddad',
  'Rahman',
  'Iyer',
  'Murphy',
  'Rossi',
  'Lindqvist',
  'Kaur',
  'Aziz',
  'Petrova',
  'Zhang',
  'Lopez',
  'Demir',
  'Fischer',
  'Sato',
  'Costa',
  'Ivanova',
  'Keller',
  'Nowak',
  'Ali',
  'Horvat',
  'Kim',
  'Popescu',
  'Weber',
];

/** Business lines and their teams (id suffixes); every team runs several services. */
const LINES: { id: string; name: string; teams: string[] }[] = [
  { id: 'payments', name: 'Payments', teams: ['checkout', 'ledger', 'fraud', 'payouts', 'billing', 'wallet', 'risk'] },
  {
    id: 'commerce',
    name: 'Commerce',
    teams: ['catalog', 'search', 'cart', 'pricing', 'promotions', 'reviews', 'storefront'],
  },
  {
    id: 'logistics',
    name: 'Logistics',
    teams: ['routing', 'warehouse', 'tracking', 'carriers', 'returns', 'inventory', 'dispatch'],
  },
  {
    id: 'platform',
    name: 'Platform',
    teams: ['identity', 'gateway', 'messaging', 'kubernetes', 'observability', 'storage', 'networking'],
  },
  {
    id: 'data',
    name: 'Data',
    teams: ['ingestion', 'warehouse-dw', 'ml-platform', 'recommendations', 'analytics', 'streaming', 'governance'],
  },
];

/** Seeds the services each team runs: fixed, see above. */
const STRUCTURE_SEED = 20_240_601;
const SERVICE_KINDS = [
  'api',
  'worker',
  'gateway',
  'scheduler',
  'consumer',
  'db',
  'cache',
  'indexer',
  'reporter',
  'sync',
  'admin',
  'webhooks',
];

export const CHANGE_SYSTEMS = [
  { id: 'argo-cd', name: 'Argo CD', integrated: true },
  { id: 'github-actions', name: 'GitHub Actions', integrated: true },
  { id: 'jenkins', name: 'Jenkins', integrated: true },
  { id: 'spinnaker', name: 'Spinnaker', integrated: true },
  { id: 'launchdarkly', name: 'LaunchDarkly', integrated: true },
  { id: 'terraform-cloud', name: 'Terraform Cloud', integrated: false },
  { id: 'ansible-tower', name: 'Ansible Tower', integrated: false },
  { id: 'manual-db-console', name: 'Manual DB console', integrated: false },
];

/** Org-wide targets; business lines get the same, with counts scaled to their share. */
const ORG_TARGETS: Partial<Record<KpiKey, number>> = {
  high_priority_incidents: 120,
  mttr_seconds: 1800,
  mttr_p90_seconds: 5400,
  mttd_seconds: 300,
  detection_ratio: 0.9,
  alert_accuracy_ratio: 0.9,
  high_priority_alerts_per_day: 150,
  inspection_closure_ratio: 0.95,
  change_control_coverage_ratio: 0.9,
  change_system_integration_ratio: 0.75,
  freeze_violations: 0,
  change_failure_ratio: 0.03,
  action_completion_ratio: 0.99,
  drill_score: 80,
  drill_coverage_ratio: 0.8,
  incident_data_quality_ratio: 0.95,
  // DORA keys; no deployment-frequency goal: a team would inherit its business line's and miss it.
  change_lead_time_seconds: 86_400,
  change_caused_incident_ratio: 0.01,
  failed_change_recovery_seconds: 3600,
};
const COUNT_KPIS: KpiKey[] = ['high_priority_incidents', 'high_priority_alerts_per_day'];

/** A pool of people; `person()` draws one at random. */
export class People {
  constructor(private readonly rng: Random) {}

  person(): string {
    return `${this.rng.pick(FIRST_NAMES)} ${this.rng.pick(LAST_NAMES)}`;
  }
}

export function demoOrg(rng: Random, year: number): Org {
  const people = new People(rng);
  const structure = new Random(STRUCTURE_SEED);
  const org: Org = {
    businessLines: [],
    teams: [],
    services: [],
    changeSystems: CHANGE_SYSTEMS.map((s) => ({ ...s })),
    goals: [],
    policy: {
      highPriorities: ['P0', 'P1'],
      highSeverities: ['critical'],
      timezone: 'UTC',
      transientAlertMinutes: null,
    },
    // Red lines on, with the default grace, so the demo shows a ledger. alert_without_verdict
    // stays off: a verdict counts from when the exporter stored it, and the seed stores a year
    // of verdicts at once (every reviewed alert would look reviewed late).
    redLines: {
      change_in_freeze: { enabled: true },
      incident_without_postmortem: { enabled: true, days: 5 },
      action_overdue: { enabled: true, days: 7 },
      finding_overdue: { enabled: true, days: 7 },
    },
  };
  for (const line of LINES) {
    org.businessLines.push({ id: line.id, name: line.name, owner: people.person() });
    for (const suffix of line.teams) {
      const team = `${line.id}-${suffix}`;
      org.teams.push({
        id: team,
        name: `${line.name} ${titleCase(suffix)}`,
        businessLine: line.id,
        manager: people.person(),
      });
      // 6-11 services a team: ~300 in all.
      const kinds = structure.shuffle(SERVICE_KINDS).slice(0, structure.int(6, 11));
      for (const kind of kinds) {
        org.services.push({
          id: `${suffix}-${kind}`,
          name: `${titleCase(suffix)} ${kind}`,
          team,
          owner: people.person(),
        });
      }
    }
  }
  org.goals = goals(
    year,
    org.businessLines.map((b) => b.id)
  );
  return org;
}

function goals(year: number, lines: string[]): Goal[] {
  const result: Goal[] = [];
  for (const [kpi, target] of Object.entries(ORG_TARGETS) as [KpiKey, number][]) {
    result.push({ year, kpi, target });
    if (ORG_ONLY.has(kpi)) continue;
    for (const businessLine of lines) {
      const scaled = COUNT_KPIS.includes(kpi) ? Math.round(target / lines.length) : target;
      result.push({ year, kpi, target: scaled, businessLine });
    }
  }
  return result;
}

function titleCase(id: string): string {
  return id
    .split('-')
    .map((w) => (w.length <= 2 ? w.toUpperCase() : w[0]!.toUpperCase() + w.slice(1)))
    .join(' ');
}
