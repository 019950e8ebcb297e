/**
 * Writes the demo data set into a store through the same services the API uses, so every record
 * is validated exactly as a client's would be.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import { COLLECTIONS, type Collection } from '../domain/records.js';
import { MAX_BATCH } from '../service/records.js';
import type { OrgService } from '../service/org.js';
import type { RecordService } from '../service/records.js';
import type { Actor } from '../domain/actor.js';
import { demoActor } from './actors.js';
import { GateService } from '../service/gate.js';
import { generateDemo } from './generate.js';

/** Who asked the gate in the demo: the CI pipelines. */
const DEMO_GATE: Actor = { token: 'ci-pipelines', role: 'read', grafana: false };

export interface DemoSummary {
  seed: number;
  /** End of the generated history (ISO 8601). */
  until: string;
  teams: number;
  services: number;
  records: Record<Collection, number>;
  totalRecords: number;
  /** What the writes did: a re-run with the same seed and end finds everything unchanged. */
  created: number;
  updated: number;
  unchanged: number;
  elapsedMs: number;
}

export const DEFAULT_DEMO_SEED = 42;

/** Write order: incidents before the actions that point at them. */
const ORDER: Collection[] = ['freezes', 'changes', 'incidents', 'actions', 'alerts', 'findings', 'drills'];

/** What seeding writes through: the services the API uses (and the store, for the gate's answers). */
export interface DemoServices {
  orgs: OrgService;
  records: RecordService;
  store: ConstructorParameters<typeof GateService>[0];
}

export async function seedDemo(services: DemoServices, options: { seed: number; now?: number }): Promise<DemoSummary> {
  const started = performance.now();
  const now = options.now ?? Date.now();
  const data = generateDemo({ seed: options.seed, now });
  await services.orgs.replace(data.org);
  const records = Object.fromEntries(COLLECTIONS.map((c) => [c, 0])) as Record<Collection, number>;
  const outcomes = { created: 0, updated: 0, unchanged: 0 };
  // The gate answers the demo changes cite: a change is judged on the answer it names.
  await new GateService(services.store, services.orgs).keepAnswers(data.gateChecks, DEMO_GATE);
  for (const collection of ORDER) {
    const list = data[collection];
    // Each record written by its own kind of actor (demo/actors.ts), so the histories name people and tools.
    const byActor = new Map<string, { actor: Actor; records: Record<string, unknown>[] }>();
    for (const record of list) {
      const actor = demoActor(data.org, collection, record as Record<string, unknown>);
      const key = `${actor.token}|${actor.user ?? ''}`;
      const group = byActor.get(key) ?? byActor.set(key, { actor, records: [] }).get(key)!;
      group.records.push(record);
    }
    for (const { actor, records: group } of byActor.values()) {
      for (let i = 0; i < group.length; i += MAX_BATCH) {
        const result = await services.records.batch(collection, { records: group.slice(i, i + MAX_BATCH) }, actor);
        outcomes.created += result.created;
        outcomes.updated += result.updated;
        outcomes.unchanged += result.unchanged;
        // SQLite answers synchronously, so the awaits above never leave the microtask queue: let
        // timers and I/O run between batches rather than blocking the process for the whole seed.
        await nextTurn();
      }
    }
    records[collection] = list.length;
  }
  return {
    seed: options.seed,
    until: new Date(now).toISOString(),
    teams: data.org.teams.length,
    services: data.org.services.length,
    records,
    totalRecords: Object.values(records).reduce((a, b) => a + b, 0),
    ...outcomes,
    elapsedMs: Math.round(performance.now() - started),
  };
}

/** Seeds only a store that has neither org teams nor records, so a real setup is never touched. */
export async function seedDemoIfEmpty(services: DemoServices, logger: Logger): Promise<DemoSummary | null> {
  if (!(await isEmpty(services))) {
    logger.info('store already has an org or records: demo data not seeded');
    return null;
  }
  logger.info('empty store: seeding the demo org and a year of history');
  return seedDemo(services, { seed: DEFAULT_DEMO_SEED });
}

async function isEmpty(services: DemoServices): Promise<boolean> {
  const { org } = await services.orgs.current();
  if (org.teams.length > 0) return false;
  for (const collection of COLLECTIONS) {
    if (await services.records.hasAny(collection)) return false;
  }
  return true;
}
