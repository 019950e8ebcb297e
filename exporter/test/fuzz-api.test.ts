// A short fuzz run of the API's validation on both stores (the long one: `npm run bench -- fuzz`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeConfigFile } from './ingest-fixtures.js';
import { fuzz } from './fuzz-properties.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';

/** Per property and store: enough to meet every generator's special values, short enough for npm test. */
const RUNS = Number(process.env.BALLAST_FUZZ_RUNS ?? 40);

describe.each(STORE_TARGETS)('API fuzz on $kind', (target) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(await target.fresh(), { configFile: await writeConfigFile() });
  });
  afterAll(async () => server?.close());

  it('answers generated records, ids, query strings and headers with a named 4xx or a 2xx that reads back equal, never a 5xx', async () => {
    const { answers } = await fuzz(server, RUNS);
    // Both branches of the property were reached: records written (and read back), and refused.
    expect(answers['PUT 2xx']).toBeGreaterThan(0);
    expect(answers['PUT 4xx']).toBeGreaterThan(0);
  }, 60_000);
});
