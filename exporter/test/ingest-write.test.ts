/**
 * The write side of ingestion on a real store: `writeItems` (what every receiver writes through:
 * repeats within one body merged into one write, the summary the receiver answers, a refused
 * record named by its path in the sender's body) and `importLines` (history import: incidents
 * before the actions that name them, duplicates and bad lines named by line number, the good ones
 * written, progress reported per chunk).
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrgIndex } from '../src/domain/org.js';
import { mergeAlert } from '../src/ingest/alertmanager.js';
import { importLines, parseJsonLines } from '../src/ingest/history.js';
import { writeItems, type Adapted } from '../src/ingest/pipeline.js';
import { openServices, type Services } from '../src/server.js';
import { ingestOrg } from './ingest-fixtures.js';
import { STORE_TARGETS } from './helpers/stores.js';

const T0 = '2026-03-01T10:00:00.000Z';
const alert = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  origin: `alerts[${id}]`,
  // One fingerprint per record: alerts of one fingerprint are one episode (store/collections.ts).
  input: {
    name: 'HighErrorRate',
    severity: 'critical',
    team: 'ledger',
    fingerprint: Buffer.from(id).toString('hex'),
    startsAt: T0,
    ...extra,
  },
});

describe.each(STORE_TARGETS)('ingest writes on $kind', (target) => {
  let services: Services;
  let org: OrgIndex;

  beforeAll(async () => {
    services = await openServices(await target.fresh(), pino({ level: 'silent' }));
    await services.orgs.replace(ingestOrg());
    org = await services.orgs.index();
  });
  afterAll(() => services?.store.close());

  it('writes each record once, a repeat in the same body merged into it, and says what it did', async () => {
    const adapted: Adapted = {
      items: [alert('w-1'), alert('w-2'), alert('w-1', { endsAt: '2026-03-01T10:30:00.000Z' })],
      ignored: 2,
      unassigned: 1,
    };
    expect(await writeItems(services.records, 'alerts', adapted, mergeAlert, org)).toEqual({
      received: 5,
      created: 2,
      updated: 0,
      deduplicated: 1,
      ignored: 2,
      unassigned: 1,
    });
    // The later repeat is read as the incoming one: its end is kept.
    expect(await services.records.get('alerts', 'w-1')).toMatchObject({ endsAt: '2026-03-01T10:30:00.000Z' });
    expect(await services.records.get('alerts', 'w-2')).not.toHaveProperty('endsAt');
    const again = await writeItems(services.records, 'alerts', { items: [alert('w-2')], ignored: 0 }, mergeAlert, org);
    expect(again).toEqual({ received: 1, created: 0, updated: 0, deduplicated: 1, ignored: 0, unassigned: 0 });
    const resolved = { items: [alert('w-2', { endsAt: '2026-03-01T10:10:00.000Z' })], ignored: 0 };
    expect(await writeItems(services.records, 'alerts', resolved, mergeAlert, org)).toMatchObject({
      created: 0,
      updated: 1,
    });
  });

  it("names a refused record by its path in the sender's body and its id, and writes nothing", async () => {
    const adapted: Adapted = {
      items: [
        alert('w-3'),
        alert('w-3'),
        alert('w-4', { team: 'nobody-either' }),
        { ...alert('w-5', { team: 'nobody' }), origin: '' },
      ],
      ignored: 0,
    };
    await expect(writeItems(services.records, 'alerts', adapted, mergeAlert, org)).rejects.toMatchObject({
      issues: [
        { path: 'alerts[w-4].team', message: 'unknown team "nobody-either" (record w-4)' },
        { path: 'team', message: expect.stringMatching(/ \(record w-5\)$/) },
      ],
    });
    await expect(services.records.get('alerts', 'w-3')).rejects.toThrow();
  });

  it('passes on a refusal of the whole batch as it is', async () => {
    const items = Array.from({ length: 10_001 }, (_, i) => alert(`big-${i}`));
    await expect(writeItems(services.records, 'alerts', { items, ignored: 0 }, mergeAlert, org)).rejects.toMatchObject({
      issues: [{ path: 'records', message: 'at most 10000 records per batch (got 10001)' }],
    });
  });

  it('imports incidents before the actions that name them, rejecting duplicates and bad lines by number', async () => {
    const incident = {
      id: 'h-inc-1',
      title: 'Checkout down',
      priority: 'P1',
      service: 'checkout-api',
      startedAt: T0,
      detectedAt: T0,
      detectionSource: 'monitoring',
    };
    const lines = [
      {
        collection: 'actions',
        id: 'h-act-1',
        incident: 'h-inc-1',
        title: 'Fix',
        owner: 'Ken',
        dueAt: '2026-04-01T00:00:00Z',
      },
      { collection: 'incidents', ...incident },
      { collection: 'actions', id: 'h-act-2', incident: 'h-inc-1', title: 'Bad', owner: 'Ken', dueAt: 'soon' },
      { collection: 'incidents', ...incident, title: 'again' },
      { collection: 'actions', incident: 'h-inc-1', title: 'No id', owner: 'Ken', dueAt: '2026-04-01T00:00:00Z' },
      {
        collection: 'actions',
        incident: 'h-inc-1',
        title: 'No id either',
        owner: 'Ken',
        dueAt: '2026-04-01T00:00:00Z',
      },
    ];
    const progress: number[] = [];
    const text = ['not json', ...lines.map((l) => JSON.stringify(l))].join('\n');
    const summary = await importLines(services.records, parseJsonLines(text), (done) => progress.push(done));
    expect({ created: summary.created, updated: summary.updated, unchanged: summary.unchanged }).toEqual({
      created: 2,
      updated: 0,
      unchanged: 0,
    });
    expect(summary.rejected.map((r) => [r.line, r.issues.map((i) => i.path)])).toEqual([
      [1, ['']],
      [4, ['dueAt']],
      [5, ['id']],
      [6, ['id']],
      [7, ['id']],
    ]);
    expect(summary.rejected[2]!.issues[0]!.message).toBe('duplicate of line 3');
    // Lines without an id are no duplicates of each other: the record schema names the missing id.
    expect(summary.rejected[3]!.issues[0]!.message).not.toMatch(/duplicate/);
    // Two rejected at once (bad JSON, duplicate), then the incidents, then the actions.
    expect(progress).toEqual([2, 3, 7]);
    expect(await services.records.get('actions', 'h-act-1')).toMatchObject({ incident: 'h-inc-1' });
    const again = await importLines(services.records, parseJsonLines(text));
    expect({ created: again.created, unchanged: again.unchanged }).toEqual({ created: 0, unchanged: 2 });
    expect(await importLines(services.records, [])).toEqual({ created: 0, updated: 0, unchanged: 0, rejected: [] });
  });

  it('writes a large file in chunks of 1000', async () => {
    const lines = Array.from({ length: 1001 }, (_, i) =>
      JSON.stringify({
        collection: 'alerts',
        id: `bulk-${i}`,
        name: 'A',
        severity: 'info',
        team: 'ledger',
        startsAt: T0,
      })
    );
    const progress: number[] = [];
    const summary = await importLines(services.records, parseJsonLines(lines.join('\n')), (done) =>
      progress.push(done)
    );
    expect(summary).toEqual({ created: 1001, updated: 0, unchanged: 0, rejected: [] });
    expect(progress).toEqual([0, 1000, 1001]);
  });
});
