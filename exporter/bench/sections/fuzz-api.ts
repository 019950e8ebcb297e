/**
 * The long fuzz run of the API's validation (exporter/test/fuzz-properties.ts; `npm test` runs a
 * few of the same): generated records, ids, query strings and headers against a real HTTP server
 * on each store. Fails the section on the first 5xx, unnamed 4xx or write that does not read back.
 */
import { writeConfigFile } from '../../test/ingest-fixtures.js';
import { fuzz } from '../../test/fuzz-properties.js';
import { startTestServer } from '../../test/helpers/server.js';
import type { BenchSection } from '../context.js';
import { count, perSecond, seconds } from '../report.js';

/** Runs per property and store (BALLAST_FUZZ_RUNS overrides). */
const RUNS = Number(process.env.BALLAST_FUZZ_RUNS ?? 1000);

export const fuzzApiSection: BenchSection = {
  name: 'API fuzz (fast-check: records, ids, query strings, headers)',
  async run({ report, eachStore }) {
    const rows: string[][] = [];
    const configFile = await writeConfigFile();
    await eachStore(async (factory) => {
      const store = await factory.open();
      const server = await startTestServer(store.config, { configFile });
      try {
        const started = performance.now();
        const { runs, answers } = await fuzz(server, RUNS);
        const ms = performance.now() - started;
        const summary = Object.entries(answers)
          .sort()
          .map(([k, n]) => `${k} ${count(n)}`)
          .join(', ');
        rows.push([factory.kind, count(runs), seconds(ms), perSecond(runs, ms), summary]);
      } finally {
        await server.close();
        await store.close();
      }
    });
    report.table(['store', 'runs', 'time', 'rate', 'answers'], rows);
  },
};
