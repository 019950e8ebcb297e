/**
 * Validation that keeps records honest (issue 14 point 4), over real HTTP on both stores: an
 * incident's causedByChange names a stored change (PUT, batch, ingestion's merge write); incident
 * steps follow the process order unless a step says why not (`outOfOrder`, stored and shown), on
 * PUT with steps and on POST /incidents/{id}/steps; a receiver importing a tool's timeline marks
 * such steps naming the tool instead of refusing the webhook.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepOrderIssues } from '../src/domain/checks.js';
import type { IncidentStepInput } from '../src/domain/records.js';
import { ValidationError } from '../src/service/errors.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';
import { INGESTION, writeConfigFile } from './ingest-fixtures.js';
import { opsgenieAction } from './ingest-incident-fixtures.js';

const T = (minute: number) => new Date(Date.parse('2026-03-01T10:00:00Z') + minute * 60_000).toISOString();
const step = (name: IncidentStepInput['step'], minute: number, extra: Partial<IncidentStepInput> = {}) => ({
  step: name,
  at: T(minute),
  owner: 'Ken',
  ...extra,
});

describe('stepOrderIssues: each stage reached no earlier than the stages before it', () => {
  it('blames the step reached too early, naming the earlier stage it comes before', () => {
    const issues = stepOrderIssues([step('war_room', 5), step('response', 8)]);
    expect(issues).toEqual([
      { index: 0, after: 1, message: expect.stringMatching(/^war_room at .* is before response/) },
    ]);
  });

  it('lets a stage be given again later, equal times pass, and outOfOrder steps stand aside', () => {
    // A further notification after the war room, the same minute for two stages.
    expect(
      stepOrderIssues([step('response', 1), step('notification', 2), step('war_room', 2), step('notification', 9)])
    ).toEqual([]);
    expect(stepOrderIssues([step('response', 8), step('war_room', 5, { outOfOrder: 'bridge opened first' })])).toEqual(
      []
    );
    // Either step of the pair may carry the reason.
    expect(stepOrderIssues([step('response', 8, { outOfOrder: 'logged late' }), step('war_room', 5)])).toEqual([]);
  });

  it('reports every stage reached too early', () => {
    const issues = stepOrderIssues([
      step('response', 10),
      step('judgment', 4),
      step('resolution', 12),
      step('verification', 11),
    ]);
    expect(issues.map((i) => [i.index, i.after])).toEqual([
      [1, 0],
      [3, 2],
    ]);
  });
});

describe.each(STORE_TARGETS)('record rules on $kind', (target) => {
  let server: TestServer;
  const ingestion = {
    ...INGESTION,
    services: [{ application: 'fili@*', service: 'catalog-web' }, ...INGESTION.services],
  };

  const incident = (id: string, extra: object = {}) => ({
    id,
    title: id,
    priority: 'P1',
    service: 'checkout-api',
    startedAt: T(0),
    detectedAt: T(1),
    detectionSource: 'monitoring',
    ...extra,
  });
  const call = (method: string, path: string, body?: unknown) => server.call(method, path, { body });
  const get = async (path: string) => (await server.call('GET', path, { role: 'read' })).json();
  const issuesOf = async (res: Response) => {
    expect(res.status, 'status').toBe(400);
    return ((await res.json()) as { issues: { path: string; message: string }[] }).issues;
  };

  beforeAll(async () => {
    server = await startTestServer(await target.fresh(), { configFile: await writeConfigFile({ ingestion }) });
    const change = { system: 'argo-cd', service: 'checkout-api', kind: 'deploy', startedAt: T(-30) };
    for (const id of ['deploy-1', 'deploy-2'])
      expect((await call('PUT', `/api/v1/changes/${id}`, change)).status).toBeLessThan(300);
  });
  afterAll(() => server?.close());

  describe('causedByChange', () => {
    it('must name a stored change: PUT answers 400 naming the field and writes nothing', async () => {
      const issues = await issuesOf(
        await call('PUT', '/api/v1/incidents/cbc-1', incident('cbc-1', { causedByChange: 'does-not-exist' }))
      );
      expect(issues).toEqual([{ path: 'causedByChange', message: 'unknown change "does-not-exist"' }]);
      expect((await server.call('GET', '/api/v1/incidents/cbc-1', { role: 'read' })).status).toBe(404);
      const ok = await call('PUT', '/api/v1/incidents/cbc-1', incident('cbc-1', { causedByChange: 'deploy-1' }));
      expect(ok.status).toBe(201);
      expect((await ok.json()).causedByChange).toBe('deploy-1');
    });

    it('in a batch: all or nothing, the bad record named', async () => {
      const records = [
        incident('cbc-b1', { causedByChange: 'deploy-1' }),
        incident('cbc-b2', { causedByChange: 'deploy-9' }),
        incident('cbc-b3', { causedByChange: 'deploy-2' }),
      ];
      const issues = await issuesOf(await call('POST', '/api/v1/incidents/batch', { records }));
      expect(issues).toEqual([{ path: 'records[1].causedByChange', message: 'unknown change "deploy-9"' }]);
      expect((await server.call('GET', '/api/v1/incidents/cbc-b1', { role: 'read' })).status).toBe(404);
      records[1] = incident('cbc-b2', { causedByChange: 'deploy-2' });
      expect(await (await call('POST', '/api/v1/incidents/batch', { records })).json()).toMatchObject({ created: 3 });
    });

    it("in ingestion's merge write too", async () => {
      const { records, orgs } = server.services;
      const write = async (causedByChange: string) =>
        records.mergeBatch(
          'incidents',
          [{ id: 'cbc-m1', input: incident('cbc-m1', { causedByChange }) }],
          (incoming) => incoming,
          await orgs.index()
        );
      const error = await write('nope').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toEqual([
        { path: 'records[0].causedByChange', message: 'unknown change "nope"' },
      ]);
      expect(await write('deploy-1')).toMatchObject({ created: 1 });
    });

    it('a change deleted after it was cited does not block updates that keep the citation', async () => {
      const change = { system: 'manual', service: 'checkout-api', kind: 'config', startedAt: T(-10) };
      expect((await call('PUT', '/api/v1/changes/short-lived', change)).status).toBe(201);
      expect(
        (await call('PUT', '/api/v1/incidents/cbc-d', incident('cbc-d', { causedByChange: 'short-lived' }))).status
      ).toBe(201);
      // Not through the API (no DELETE for changes), but the service can, e.g. a cleanup.
      await server.services.records.remove('changes', 'short-lived');
      const kept = await call(
        'PUT',
        '/api/v1/incidents/cbc-d',
        incident('cbc-d', { causedByChange: 'short-lived', title: 'renamed' })
      );
      expect(kept.status, await kept.clone().text()).toBe(200);
      // Citing it anew (another incident) is refused.
      const issues = await issuesOf(
        await call('PUT', '/api/v1/incidents/cbc-e', incident('cbc-e', { causedByChange: 'short-lived' }))
      );
      expect(issues[0]!.path).toBe('causedByChange');
    });
  });

  describe('step order', () => {
    it("refuses the issue's case (war_room before response) on PUT, naming steps[i].at", async () => {
      const steps = [step('war_room', 5), step('response', 8)];
      const issues = await issuesOf(await call('PUT', '/api/v1/incidents/so-1', incident('so-1', { steps })));
      expect(issues).toEqual([
        { path: 'steps[0].at', message: expect.stringMatching(/^war_room at .* is before response \(steps\[1\]/) },
      ]);
      expect((await server.call('GET', '/api/v1/incidents/so-1', { role: 'read' })).status).toBe(404);
    });

    it('accepts it with an outOfOrder reason, stores it and shows it back', async () => {
      const steps = [
        step('war_room', 5, { outOfOrder: 'bridge opened before the on-call answered' }),
        step('response', 8),
      ];
      const res = await call('PUT', '/api/v1/incidents/so-2', incident('so-2', { steps }));
      expect(res.status, await res.clone().text()).toBe(201);
      const stored = await get('/api/v1/incidents/so-2');
      expect(stored.steps).toEqual([
        { step: 'war_room', at: T(5), owner: 'Ken', outOfOrder: 'bridge opened before the on-call answered' },
        { step: 'response', at: T(8), owner: 'Ken' },
      ]);
      // The same body again changes nothing; dropping the reason is refused.
      expect((await call('PUT', '/api/v1/incidents/so-2', incident('so-2', { steps }))).status).toBe(200);
      const issues = await issuesOf(
        await call(
          'PUT',
          '/api/v1/incidents/so-2',
          incident('so-2', { steps: [step('war_room', 5), step('response', 8)] })
        )
      );
      expect(issues.map((i) => i.path)).toEqual(['steps[0].at']);
      expect((await get('/api/v1/incidents/so-2')).steps[0].outOfOrder).toBe(
        'bridge opened before the on-call answered'
      );
    });

    it('does not re-judge disorder stored before the rule: the same steps sent back pass, new disorder does not', async () => {
      expect((await call('PUT', '/api/v1/incidents/so-legacy', incident('so-legacy'))).status).toBe(201);
      // As a store from before the order rule holds them: war_room before response, no reason.
      const legacy = [step('war_room', 5), step('response', 8)];
      await server.services.store.db
        .insertInto('incident_steps')
        .values(
          legacy.map((s) => ({
            incident_id: 'so-legacy',
            step: s.step,
            at: Date.parse(s.at),
            owner: s.owner,
            note: null,
            out_of_order: null,
          }))
        )
        .execute();
      const shown = (await get('/api/v1/incidents/so-legacy')).steps;
      expect(shown).toEqual(legacy);
      const again = await call(
        'PUT',
        '/api/v1/incidents/so-legacy',
        incident('so-legacy', { title: 'renamed', steps: shown })
      );
      expect(again.status, await again.clone().text()).toBe(200);
      const more = [...shown, step('resolution', 20), step('verification', 15)];
      const issues = await issuesOf(
        await call('PUT', '/api/v1/incidents/so-legacy', incident('so-legacy', { steps: more }))
      );
      expect(issues.map((i) => i.path)).toEqual(['steps[3].at']);
      expect((await call('POST', '/api/v1/incidents/so-legacy/steps', step('resolution', 20))).status).toBe(201);
      // A judgment after the war room is a new pair out of order (war_room is later in the process).
      const judged = await issuesOf(await call('POST', '/api/v1/incidents/so-legacy/steps', step('judgment', 9)));
      expect(judged).toEqual([
        { path: 'at', message: expect.stringMatching(/^war_room at .* would come before judgment/) },
      ]);
    });

    it('POST /incidents/{id}/steps refuses a step out of order (naming at) unless it says why', async () => {
      const steps = [step('response', 2), step('war_room', 10)];
      expect((await call('PUT', '/api/v1/incidents/so-3', incident('so-3', { steps }))).status).toBe(201);
      const path = '/api/v1/incidents/so-3/steps';
      // A notification at minute 12 reached after the war room: fine only as a repeat, and it is the first.
      const late = await issuesOf(await call('POST', path, step('notification', 12)));
      expect(late).toEqual([
        { path: 'at', message: expect.stringMatching(/^war_room at .* would come before notification/) },
      ]);
      const early = await issuesOf(await call('POST', path, step('escalation', 1)));
      expect(early).toEqual([
        { path: 'at', message: expect.stringMatching(/^escalation at .* would come before war_room/) },
      ]);
      expect((await get('/api/v1/incidents/so-3')).steps).toHaveLength(2);
      // In order, and a later repeat of an earlier stage, are fine.
      expect((await call('POST', path, step('notification', 6))).status).toBe(201);
      expect((await call('POST', path, step('notification', 30))).status).toBe(201);
      const marked = await call('POST', path, step('escalation', 1, { outOfOrder: 'paged the database team at once' }));
      expect(marked.status).toBe(201);
      const shown = (await marked.json()).steps as IncidentStepInput[];
      expect(shown.find((s) => s.step === 'escalation')).toEqual(
        step('escalation', 1, { outOfOrder: 'paged the database team at once' })
      );
      expect(shown).toHaveLength(5);
    });

    it('a receiver keeps a tool timeline that ran out of order, marked with the tool, never a 400', async () => {
      const created = Date.parse(T(0));
      const send = async (action: string, minute: number) => {
        const res = await server.call('POST', '/api/v1/ingest/opsgenie', {
          role: 'ingest',
          body: opsgenieAction({ action, createdAt: created, updatedAt: created + minute * 60_000 }),
        });
        expect(res.status, await res.clone().text()).toBe(200);
        return res.json();
      };
      await send('Create', 0);
      // Opsgenie escalated (minute 3) before anyone acknowledged (minute 7): delivered in any order.
      await send('Acknowledge', 7);
      await send('Escalate', 3);
      const { items } = await get('/api/v1/incidents?source=opsgenie');
      expect(items).toHaveLength(1);
      const steps = items[0].steps as IncidentStepInput[];
      expect(steps.map((s) => [s.step, s.outOfOrder !== undefined])).toEqual([
        ['escalation', true],
        ['response', false],
      ]);
      expect(steps[0]!.outOfOrder).toMatch(/^as opsgenie recorded it: escalation at .* before response at /);
      // A re-send is unchanged: the mark stays, nothing is written again.
      expect(await send('Escalate', 3)).toMatchObject({ created: 0, updated: 0 });
    });
  });
});
