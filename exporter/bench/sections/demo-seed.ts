/** How long `ballast demo` takes: generating the year of history, then writing it through the API's validation. */
import { DEFAULT_DEMO_SEED, seedDemo } from '../../src/demo/seed.js';
import { COLLECTIONS } from '../../src/domain/records.js';
import type { BenchSection } from '../context.js';
import { BENCH_NOW, demoData } from '../fixtures.js';
import { count, megabytes, perSecond, seconds } from '../report.js';

export const demoSeedSection: BenchSection = {
  name: 'Demo seeding (one year of history)',
  async run({ report, eachStore }) {
    const { data, generateMs } = demoData();
    const total = COLLECTIONS.reduce((sum, c) => sum + data[c].length, 0);
    report.line(
      `org: ${data.org.businessLines.length} business lines, ${data.org.teams.length} teams, ` +
        `${data.org.services.length} services, ${data.org.changeSystems.length} change systems, ${data.org.goals.length} goals`
    );
    report.table(
      ['collection', 'records'],
      [...COLLECTIONS.map((c) => [c, count(data[c].length)]), ['total', count(total)]]
    );
    report.line(`generation alone: ${seconds(generateMs)}`);
    const rows: string[][] = [];
    await eachStore(async (factory) => {
      const store = await factory.open();
      try {
        const summary = await seedDemo(store.services, { seed: DEFAULT_DEMO_SEED, now: BENCH_NOW });
        rows.push([
          factory.kind,
          seconds(summary.elapsedMs),
          seconds(summary.elapsedMs - generateMs),
          perSecond(summary.totalRecords, summary.elapsedMs - generateMs),
          megabytes(await store.sizeBytes()),
        ]);
      } finally {
        await store.close();
      }
    });
    report.table(['store', 'seed total', 'writes (≈ total − generation)', 'write rate', 'size on disk'], rows);
  },
};
