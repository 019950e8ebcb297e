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
import { generateDemo } from './generate.js';

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

/** What seeding writes through: the services the API uses. */
export interface DemoServices {
  orgs: OrgService;
  records: RecordService;
}

export async function seedDemo(services: DemoServices, options: { seed: number; now?: number }): Promise<DemoSummary> {
  const started = performance.now();
  const now = options.now ?? Date.now();
  const data = generateDemo({ seed: options.seed, now });
  await services.orgs.replace(data.org);
  const records = Object.fromEntries(COLLECTIONS.map((c) => [c, 0])) as Record<Collection, number>;
  const outcomes = { created: 0, updated: 0, unchanged: 0 };
  for (const collection of ORDER) {
    const list = data[collection];
    for (let i = 0; i < list.length; i += MAX_BATCH) {
      const result = await services.records.batch(collection, { records: list.slice(i, i + MAX_BATCH) });
      outcomes.created += result.created;
      outcomes.updated += result.updated;
      outcomes.unchanged += result.unchanged;
      // SQLite answers synchronously, so the awaits above never leave the microtask queue: let
      // timers and I/O run between batches rather than blocking the process for the whole seed.
      await nextTurn();
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
