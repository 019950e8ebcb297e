/**
 * A fresh store of a target holding an org, with its org and record services, for the tests that
 * call the services directly. Opened inside the test, not in a beforeAll (Stryker counts code run
 * in a hook as static), and closed when that test ends: kept open to the end of the file, the
 * stores would run PostgreSQL out of connections.
 */
import { onTestFinished } from 'vitest';
import type { Org } from '../../src/domain/org.js';
import { OrgService } from '../../src/service/org.js';
import { RecordService } from '../../src/service/records.js';
import { Store } from '../../src/store/store.js';
import type { StoreTarget } from './stores.js';

export async function openRecords(target: StoreTarget, org: Org) {
  const store = await Store.open(await target.fresh());
  onTestFinished(() => store.close());
  const orgs = new OrgService(store);
  await orgs.replace(org);
  return { store, orgs, records: new RecordService(store, orgs) };
}
