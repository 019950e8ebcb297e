/**
 * Batch ingest throughput: 100,000 records through RecordService.batch (validation and the
 * all-or-nothing transaction included) in batches of 10,000, into a fresh store; then the same
 * records again, which finds them unchanged (the idempotent re-delivery path). Every new record
 * also writes its history entry (audit_log) in the same transaction: counted, so the figure is
 * known to include them.
 */
import { SYSTEM } from '../../src/domain/actor.js';
import { GateService } from '../../src/service/gate.js';
import { MAX_BATCH } from '../../src/service/records.js';
import type { Collection } from '../../src/domain/records.js';
import type { BenchSection } from '../context.js';
import { demoData } from '../fixtures.js';
import { count, perSecond, seconds } from '../report.js';

const RECORDS = 100_000;
const COLLECTIONS: Collection[] = ['alerts', 'changes'];

export const batchIngestSection: BenchSection = {
  name: `Batch ingest (${count(RECORDS)} records, batches of ${count(MAX_BATCH)})`,
  async run({ report, eachStore }) {
    const { data } = demoData();
    const rows: string[][] = [];
    await eachStore(async (factory) => {
      for (const collection of COLLECTIONS) {
        const records = data[collection].slice(0, RECORDS);
        const store = await factory.open();
        try {
          await store.services.orgs.replace(data.org);
          // The gate answers the demo changes cite (they are judged on them, as the demo seed does).
          await new GateService(store.services.store, store.services.orgs).keepAnswers(data.gateChecks, SYSTEM);
          const write = async () => {
            const started = performance.now();
            for (let i = 0; i < records.length; i += MAX_BATCH) {
              await store.services.records.batch(collection, { records: records.slice(i, i + MAX_BATCH) });
            }
            return performance.now() - started;
          };
          const fresh = await write();
          const again = await write();
          const { n } = (await store.services.store.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('collection', '=', collection)
            .executeTakeFirstOrThrow()) as { n: number };
          rows.push([
            factory.kind,
            collection,
            count(records.length),
            seconds(fresh),
            perSecond(records.length, fresh),
            seconds(again),
            perSecond(records.length, again),
            count(Number(n)),
          ]);
        } finally {
          await store.close();
        }
      }
    });
    report.table(
      ['store', 'collection', 'records', 'new', 'new rate', 'resent (unchanged)', 'resent rate', 'history entries'],
      rows
    );
  },
};
