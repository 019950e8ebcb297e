/**
 * The Jira, inspection-finding (Alertmanager), LitmusChaos and Chaos Mesh receivers over real HTTP
 * on both stores: payloads shaped like each tool's documented examples (ingest-tools-fixtures.ts
 * says where from), the Jira signature, idempotence under re-sends asserted on the KPI values
 * (action completion, inspection closure, drill score), 400s naming the field that write nothing,
 * and the per-source counters on /metrics.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { defaultIngestion, splitConfigFile } from '../src/ingest/mapping.js';
import { KpiService } from '../src/service/kpis.js';
import { parseMetrics } from './helpers/metrics.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';
import { amNotification, ingestOrg, writeConfigFile } from './ingest-fixtures.js';
import {
  chaosMeshEvent,
  chaosResult,
  JIRA_SECRET,
  jiraHeaders,
  jiraIssueEvent,
  TOOLS_INGESTION,
} from './ingest-tools-fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();
/** Jira prints times with a numeric offset and no colon. */
const jiraTime = (iso: string) => iso.replace('Z', '+0000');

describe.each(STORE_TARGETS)('tool receivers on $kind', (target) => {
  let server: TestServer;
  let kpis: KpiService;
  const post = (source: string, body: unknown) =>
    server.call('POST', `/api/v1/ingest/${source}`, { role: 'ingest', body });
  const jira = (body: unknown, headers?: Record<string, string>) => {
    const raw = JSON.stringify(body);
    return server.call('POST', '/api/v1/ingest/jira', { role: null, body: raw, headers: headers ?? jiraHeaders(raw) });
  };
  const get = async (collection: string, id: string) =>
    server.call('GET', `/api/v1/${collection}/${id}`, { role: 'read' });
  const list = async (collection: string) =>
    (await server.call('GET', `/api/v1/${collection}?limit=1000`, { role: 'read' })).json();
  const orgKpi = async (kpi: string) => {
    const { values } = await kpis.values('30d', { level: 'org' });
    return values.find((v: { kpi: string }) => v.kpi === kpi)!;
  };
  /** A per-source ingest counter as /metrics exposes it (0 before its first increment). */
  const metric = async (name: string, source: string) => {
    const { samples } = parseMetrics(await (await server.call('GET', '/metrics', { role: 'read' })).text());
    return samples.find((m) => m.name === `ballast_ingest_${name}_total` && m.labels.source === source)?.value ?? 0;
  };

  beforeAll(async () => {
    server = await startTestServer(await target.fresh(), {
      configFile: await writeConfigFile({ ingestion: TOOLS_INGESTION }),
      webhookSecrets: { jira: JIRA_SECRET },
    });
    kpis = new KpiService(server.services.store, server.services.orgs);
  });
  afterAll(() => server?.close());

  describe('Jira issues', () => {
    const created = ago(10);
    const resolved = new Date(Date.parse(created) + 2 * HOUR).toISOString();
    const dueDay = new Date(Date.now() - 2 * DAY).toISOString().slice(0, 10);
    const incident = (resolutiondate: string | null = null) =>
      jiraIssueEvent(resolutiondate ? 'jira:issue_updated' : 'jira:issue_created', {
        id: '99291',
        key: 'OPS-20',
        issuetype: 'Incident',
        summary: 'Checkout answers 502',
        created: jiraTime(created),
        priority: 'Highest',
        components: ['payments-gateway'],
        resolutiondate: resolutiondate && jiraTime(resolutiondate),
      });
    const action = (resolutiondate: string | null = null) =>
      jiraIssueEvent('jira:issue_updated', {
        id: '99300',
        key: 'OPS-31',
        issuetype: 'Task',
        labels: ['postmortem-action'],
        summary: 'Add a circuit breaker to the gateway client',
        created: jiraTime(ago(7)),
        duedate: dueDay,
        assignee: 'Ken Thompson',
        links: [{ id: '99291', key: 'OPS-20', issuetype: 'Incident' }],
        resolutiondate: resolutiondate && jiraTime(resolutiondate),
      });

    it('turns an incident issue into an incident, priority mapped, service from its component', async () => {
      const res = await jira(incident());
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await res.json()).toMatchObject({ source: 'jira', received: 1, created: 1 });
      expect(await (await get('incidents', 'jira-99291')).json()).toMatchObject({
        title: 'OPS-20 Checkout answers 502',
        priority: 'P1',
        service: 'checkout-api',
        team: 'checkout',
        startedAt: created,
        detectedAt: created,
        detectionSource: 'other',
      });
      expect((await orgKpi('high_priority_incidents')).value).toBe(1);
      expect((await orgKpi('mttr_seconds')).denominator ?? 0).toBe(0);
    });

    it('sets the resolution on the same incident, and a re-send changes nothing (MTTR)', async () => {
      expect(await (await jira(incident(resolved))).json()).toMatchObject({ updated: 1, created: 0 });
      const again = await (await jira(incident(resolved))).json();
      expect(again).toMatchObject({ updated: 0, created: 0, deduplicated: 1 });
      const record = await (await get('incidents', 'jira-99291')).json();
      expect(record).toMatchObject({ resolvedAt: resolved, recoveredAt: resolved });
      const mttr = await orgKpi('mttr_seconds');
      expect(mttr).toMatchObject({ value: 2 * 3600, denominator: 1 });
      expect(record).toMatchObject({ source: 'jira', sourceUrl: 'https://acme.atlassian.net/browse/OPS-20' });
      // The "created" delivery arriving late (an older issue state) does not reopen it.
      expect(await (await jira(incident())).json()).toMatchObject({ updated: 0, deduplicated: 1 });
      expect(await (await get('incidents', 'jira-99291')).json()).toMatchObject({ resolvedAt: resolved });
    });

    it('turns a follow-up into an improvement action of the linked incident, completed when resolved', async () => {
      const before = await orgKpi('action_completion_ratio');
      expect(before.denominator ?? 0).toBe(0);
      expect(await (await jira(action())).json()).toMatchObject({ created: 1 });
      const stored = await (await get('actions', 'jira-action-99300')).json();
      expect(stored).toMatchObject({
        incident: 'jira-99291',
        owner: 'Ken Thompson',
        title: 'OPS-31 Add a circuit breaker to the gateway client',
        team: 'checkout',
      });
      expect(stored.dueAt).toBe(`${dueDay}T23:59:59.999Z`);
      expect(stored.completedAt).toBeUndefined();
      expect(await orgKpi('action_completion_ratio')).toMatchObject({ value: 0, numerator: 0, denominator: 1 });

      const done = ago(1);
      expect(await (await jira(action(done))).json()).toMatchObject({ updated: 1 });
      expect(await (await jira(action(done))).json()).toMatchObject({ deduplicated: 1, updated: 0 });
      expect(await orgKpi('action_completion_ratio')).toMatchObject({ value: 1, numerator: 1, denominator: 1 });
      // A late delivery of the state before the resolution does not reopen it; a real reopen does.
      expect(await (await jira(action())).json()).toMatchObject({ deduplicated: 1 });
      expect(await orgKpi('action_completion_ratio')).toMatchObject({ numerator: 1, denominator: 1 });
      const reopened = action();
      reopened.issue.fields.updated = jiraTime(ago(0.5));
      expect(await (await jira(reopened)).json()).toMatchObject({ updated: 1 });
      expect(await orgKpi('action_completion_ratio')).toMatchObject({ numerator: 0, denominator: 1 });
      expect(await (await jira(action(ago(0.1)))).json()).toMatchObject({ updated: 1 });
      expect(await orgKpi('action_completion_ratio')).toMatchObject({ numerator: 1, denominator: 1 });
      expect((await list('actions')).total).toBe(1);
    });

    it('links an action to an incident of another tool through the configured field', async () => {
      const other = {
        title: 'Ledger lag',
        priority: 'P2',
        service: 'ledger-db',
        startedAt: ago(20),
        detectedAt: ago(20),
        detectionSource: 'monitoring',
      };
      expect((await server.call('PUT', '/api/v1/incidents/pd-Q1ABC', { body: other })).status).toBe(201);
      const created = ago(5);
      const body = jiraIssueEvent('jira:issue_created', {
        id: '99400',
        key: 'OPS-40',
        issuetype: 'Task',
        labels: ['postmortem-action'],
        summary: 'Alert on replication lag',
        created: jiraTime(created),
        extra: { customfield_10050: 'pd-Q1ABC' },
      });
      expect((await jira(body)).status).toBe(200);
      const stored = await (await get('actions', 'jira-action-99400')).json();
      // No due date in Jira: created + actionDueDays (30), in the future, so not yet due.
      expect(stored).toMatchObject({ incident: 'pd-Q1ABC', owner: 'unassigned', team: 'ledger' });
      expect(Date.parse(stored.dueAt)).toBe(Date.parse(created) + 30 * DAY);
      expect((await orgKpi('action_completion_ratio')).denominator).toBe(1);
    });

    it('reads the priority name the docs example sends, ignores other issues and deletions', async () => {
      const docs = jiraIssueEvent('jira:issue_created', {
        id: '99500',
        key: 'OPS-50',
        issuetype: 'Bug',
        labels: ['incident'],
        summary: 'I feel the need for speed',
        created: '2009-12-16T23:46:10.612-0600',
        components: ['payments-gateway'],
        extra: { priority: 'Minor' },
      });
      expect((await jira(docs)).status).toBe(200);
      expect(await (await get('incidents', 'jira-99500')).json()).toMatchObject({
        priority: 'P3', // Minor: a built-in name of the incident tools' priority mapping
        startedAt: '2009-12-17T05:46:10.612Z',
      });
      const story = jiraIssueEvent('jira:issue_created', {
        id: '99600',
        key: 'OPS-60',
        issuetype: 'Story',
        summary: 'A feature',
        created: jiraTime(ago(1)),
      });
      expect(await (await jira(story)).json()).toMatchObject({ received: 1, ignored: 1, created: 0 });
      const deleted = { ...action(), webhookEvent: 'jira:issue_deleted' };
      expect(await (await jira(deleted)).json()).toMatchObject({ ignored: 1 });
      expect((await get('actions', 'jira-action-99300')).status).toBe(200);
      expect(await metric('ignored', 'jira')).toBe(2);
    });

    it('refuses with 400 naming the field and writes nothing', async () => {
      const before = await list('actions');
      const orphan = jiraIssueEvent('jira:issue_created', {
        id: '99700',
        key: 'OPS-70',
        issuetype: 'Task',
        labels: ['postmortem-action'],
        summary: 'Follow-up of nothing',
        created: jiraTime(ago(1)),
      });
      const res = await jira(orphan);
      expect(res.status).toBe(400);
      expect((await res.json()).issues).toEqual([expect.objectContaining({ path: 'issue.fields.issuelinks' })]);
      const unknown = await jira({
        ...orphan,
        issue: { ...orphan.issue, fields: { ...orphan.issue.fields, customfield_10050: 'no-such-incident' } },
      });
      expect(unknown.status).toBe(400);
      expect(JSON.stringify(await unknown.json())).toContain('unknown incident');
      const comment = await jira({ ...orphan, webhookEvent: 'comment_created' });
      expect((await comment.json()).issues[0].path).toBe('webhookEvent');
      const badTime = await jira(
        jiraIssueEvent('jira:issue_created', {
          id: '99800',
          key: 'OPS-80',
          issuetype: 'Incident',
          summary: 'x',
          created: 'yesterday',
          components: ['payments-gateway'],
        })
      );
      expect((await badTime.json()).issues[0].path).toBe('issue.fields.created');
      expect(await list('actions')).toEqual(before);
      expect(await metric('rejected', 'jira')).toBe(4);
    });

    it('needs a valid X-Hub-Signature when the secret is set: 401 writes nothing', async () => {
      const forged = incident(resolved);
      const body = { ...forged, issue: { ...forged.issue, fields: { ...forged.issue.fields, summary: 'Forged' } } };
      const raw = JSON.stringify(body);
      const rejected = await metric('rejected', 'jira');
      for (const headers of [jiraHeaders(raw, 'wrong-secret'), { 'x-hub-signature': 'sha256=00' }]) {
        const res = await jira(body, headers);
        expect(res.status).toBe(401);
        expect((await res.json()).message).toMatch(/X-Hub-Signature/);
      }
      // A bearer token is no substitute for the signature once the secret is set.
      const token = await server.call('POST', '/api/v1/ingest/jira', { role: 'ingest', body });
      expect(token.status).toBe(401);
      expect(await metric('rejected', 'jira')).toBe(rejected + 3);
      expect((await jira(body, {})).status).toBe(401);
      expect((await (await get('incidents', 'jira-99291')).json()).title).toBe('OPS-20 Checkout answers 502');
    });
  });

  describe('inspection findings from Alertmanager', () => {
    const found = ago(6);
    const labels = {
      alertname: 'BackupOlderThan24h',
      severity: 'critical',
      app: 'ledger-db',
      target_type: 'database',
      inspection: 'true',
    };
    const firing = amNotification([{ status: 'firing', labels, startsAt: found, fingerprint: 'f1a2b3c4d5e6f708' }]);
    const id = `finding-f1a2b3c4d5e6f708-${Date.parse(found)}`;

    it('opens a finding on firing: check, target type, severity, owner, due date from the policy', async () => {
      const res = await post('alertmanager-findings', firing);
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await res.json()).toMatchObject({ source: 'alertmanager-findings', created: 1 });
      expect(await (await get('findings', id)).json()).toMatchObject({
        check: 'BackupOlderThan24h',
        targetType: 'database',
        severity: 'critical',
        service: 'ledger-db',
        team: 'ledger',
        foundAt: found,
        dueAt: new Date(Date.parse(found) + 7 * DAY).toISOString(),
      });
      expect(await orgKpi('inspection_closure_ratio')).toMatchObject({ value: 0, denominator: 1 });
      // The alert receiver did not see it: findings are not alerts.
      expect((await list('alerts')).total).toBe(0);
    });

    it("keeps it open on a resolve whose endsAt is Go's zero time (no end given)", async () => {
      const zeroEnd = amNotification([
        {
          status: 'resolved',
          labels,
          startsAt: found,
          endsAt: '0001-01-01T00:00:00Z',
          fingerprint: 'f1a2b3c4d5e6f708',
        },
      ]);
      const res = await post('alertmanager-findings', zeroEnd);
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await res.json()).toMatchObject({ created: 0, updated: 0, deduplicated: 1 });
      expect((await (await get('findings', id)).json()).closedAt).toBeUndefined();
      expect(await orgKpi('inspection_closure_ratio')).toMatchObject({ value: 0, denominator: 1 });
    });

    it('closes it on resolve; re-sends and a stale firing change nothing', async () => {
      const end = ago(2);
      const resolved = amNotification([
        { status: 'resolved', labels, startsAt: found, endsAt: end, fingerprint: 'f1a2b3c4d5e6f708' },
      ]);
      expect(await (await post('alertmanager-findings', resolved)).json()).toMatchObject({ updated: 1 });
      for (const body of [resolved, firing]) {
        expect(await (await post('alertmanager-findings', body)).json()).toMatchObject({
          updated: 0,
          created: 0,
          deduplicated: 1,
        });
      }
      expect(await (await get('findings', id)).json()).toMatchObject({ closedAt: end });
      expect(await orgKpi('inspection_closure_ratio')).toMatchObject({ value: 1, numerator: 1, denominator: 1 });
      // The zero-end resolve above and these two re-sends.
      expect(await metric('deduplicated', 'alertmanager-findings')).toBe(3);
    });

    it('closes the open finding when Alertmanager moved its startsAt (one finding per episode)', async () => {
      // Alertmanager merges a re-fired alert to the earlier, second-precision startsAt.
      const fired = new Date(Date.now() - 4 * HOUR + 123).toISOString();
      const moved = `${fired.slice(0, 19)}Z`;
      const disk = { ...labels, alertname: 'DiskOver80Percent', target_type: 'server', severity: 'warning' };
      const fp = 'd15c0ffee0d15c00';
      const before = await orgKpi('inspection_closure_ratio');
      expect(
        await (
          await post(
            'alertmanager-findings',
            amNotification([{ status: 'firing', labels: disk, startsAt: fired, fingerprint: fp }])
          )
        ).json()
      ).toMatchObject({ created: 1 });
      const end = ago(3);
      const resolved = amNotification([
        { status: 'resolved', labels: disk, startsAt: moved, endsAt: end, fingerprint: fp },
      ]);
      expect(await (await post('alertmanager-findings', resolved)).json()).toMatchObject({ created: 0, updated: 1 });
      expect(await (await post('alertmanager-findings', resolved)).json()).toMatchObject({ deduplicated: 1 });
      const { items } = await list('findings');
      const disks = items.filter((f: { check: string }) => f.check === 'DiskOver80Percent');
      expect(disks).toHaveLength(1);
      expect(disks[0]).toMatchObject({ id: `finding-${fp}-${Date.parse(fired)}`, closedAt: end });
      const after = await orgKpi('inspection_closure_ratio');
      expect(after.denominator).toBe((before.denominator ?? 0) + 1);
      expect(after.numerator).toBe((before.numerator ?? 0) + 1);
    });

    it('takes the default target type and due days for unknown values; refuses an unowned finding', async () => {
      const other = amNotification([
        {
          status: 'firing',
          labels: { alertname: 'CertExpiresSoon', severity: 'warning', team: 'catalog', target_type: 'toaster' },
          startsAt: ago(1),
          fingerprint: 'aa00bb11cc22dd33',
        },
      ]);
      expect((await post('alertmanager-findings', other)).status).toBe(200);
      const { items } = await list('findings');
      const cert = items.find((f: { check: string }) => f.check === 'CertExpiresSoon');
      expect(cert).toMatchObject({ targetType: 'other', team: 'catalog' });
      expect(Date.parse(cert.dueAt) - Date.parse(cert.foundAt)).toBe(30 * DAY);

      const before = await list('findings');
      const unowned = amNotification([
        { status: 'firing', labels: { alertname: 'X' }, startsAt: ago(1), fingerprint: '0123456789abcdef' },
      ]);
      const res = await post('alertmanager-findings', unowned);
      expect(res.status).toBe(400);
      expect((await res.json()).issues[0].path).toBe('alerts[0].labels.app');
      expect((await (await post('alertmanager-findings', { ...firing, version: '3' })).json()).issues[0].path).toBe(
        'version'
      );
      expect(await list('findings')).toEqual(before);
    });
  });

  describe('drills from LitmusChaos', () => {
    const created = ago(30);
    const rerun = ago(10);
    const pass = chaosResult({ created, verdict: 'Pass', probeSuccessPercentage: '100' });

    it('writes a completed ChaosResult as a drill scored by its probe success percentage', async () => {
      const res = await post('litmus', pass);
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await (await get('drills', 'litmus-fe7f01c8-8118-4761-8ff9-0a87824d863f-1')).json()).toMatchObject({
        scenario: 'LitmusChaos pod-delete on deployment/hello',
        service: 'catalog-web',
        team: 'catalog',
        startedAt: created,
        score: 100,
      });
    });

    it('takes a list; ignores a result still running; a later run of the same engine is a new drill', async () => {
      const list = {
        apiVersion: 'v1',
        kind: 'List',
        items: [
          pass,
          chaosResult({
            uid: '11111111-2222-3333-4444-555555555555',
            created: ago(20),
            verdict: 'Awaited',
            phase: 'Running',
            probeSuccessPercentage: 'Awaited',
          }),
          chaosResult({
            created,
            updated: rerun,
            verdict: 'Fail',
            probeSuccessPercentage: '50',
            runs: { passed: 1, failed: 1 },
          }),
        ],
      };
      expect(await (await post('litmus', list)).json()).toMatchObject({
        received: 3,
        created: 1,
        deduplicated: 1,
        ignored: 1,
      });
      const second = await (await get('drills', 'litmus-fe7f01c8-8118-4761-8ff9-0a87824d863f-2')).json();
      // A later run is dated by the object's last update: the first run's creation is not its start.
      expect(second).toMatchObject({ score: 50, startedAt: rerun });
      expect(await orgKpi('drill_score')).toMatchObject({ value: 75, numerator: 150, denominator: 2 });
      expect(await (await post('litmus', list)).json()).toMatchObject({ created: 0, updated: 0, deduplicated: 2 });
      expect(await orgKpi('drill_score')).toMatchObject({ value: 75, denominator: 2 });
    });

    it('refuses a bad percentage or an unmapped target with 400 naming the field', async () => {
      const bad = await post(
        'litmus',
        chaosResult({ uid: 'u-bad', created: ago(1), verdict: 'Pass', probeSuccessPercentage: '150' })
      );
      expect((await bad.json()).issues[0].path).toBe('status.experimentStatus.probeSuccessPercentage');
      const stray = await post(
        'litmus',
        chaosResult({ uid: 'u-stray', created: ago(1), verdict: 'Pass', target: 'nobody' })
      );
      expect(stray.status).toBe(400);
      expect((await stray.json()).issues[0].path).toBe('status.history.targets');
      const missing = await post('litmus', { kind: 'ChaosResult', metadata: { name: 'x' } });
      expect(missing.status).toBe(400);
      expect((await list('drills')).total).toBe(2);
      expect(await metric('rejected', 'litmus')).toBe(3);
    });
    it('scores a stopped run 0, and a verdict without probes 100 (Pass) or 0 (Fail)', async () => {
      const before = await orgKpi('drill_score');
      const results = [
        chaosResult({ uid: 'u-stopped', created: ago(2), verdict: 'Stopped', probeSuccessPercentage: '100' }),
        chaosResult({ uid: 'u-noprobe-pass', created: ago(2), verdict: 'Pass', probeSuccessPercentage: 'N/A' }),
        chaosResult({ uid: 'u-noprobe-fail', created: ago(2), verdict: 'Fail', probeSuccessPercentage: '' }),
      ];
      expect(await (await post('litmus', { kind: 'List', items: results })).json()).toMatchObject({ created: 3 });
      const scores = await Promise.all(
        ['u-stopped-1', 'u-noprobe-pass-1', 'u-noprobe-fail-1'].map(
          async (id) => (await (await get('drills', `litmus-${id}`)).json()).score
        )
      );
      expect(scores).toEqual([0, 100, 0]);
      const after = await orgKpi('drill_score');
      expect(after.denominator).toBe((before.denominator ?? 0) + 3);
      expect(after.numerator).toBe((before.numerator ?? 0) + 100);
    });
  });

  describe('drills from Chaos Mesh', () => {
    const start = Date.now() - 5 * HOUR;
    const at = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
    const fast = { uid: '7c0e2a8a-1f7b-4f3e-9a51-0d2f8c0b6a11', name: 'ledger-pod-kill' };
    const slow = { uid: '9d1f3b9b-2a8c-4a4f-8b62-1e3a9d1c7b22', name: 'ledger-network-delay' };
    const annotation = (minutes: number) => ({ 'ballast.io/detected-at': at(minutes) });

    it('starts a drill on Started, scores it on Recovered from the detection time', async () => {
      const before = await orgKpi('drill_score');
      expect(
        await (await post('chaos-mesh', chaosMeshEvent({ reason: 'Started', at: at(0), ...fast }))).json()
      ).toMatchObject({
        created: 1,
      });
      expect(await (await get('drills', `chaosmesh-${fast.uid}`)).json()).toMatchObject({
        scenario: 'Chaos Mesh PodChaos default/ledger-pod-kill',
        service: 'ledger-db',
        startedAt: at(0),
        score: 0,
      });
      const recovered = chaosMeshEvent({ reason: 'Recovered', at: at(15), ...fast, annotations: annotation(2) });
      expect(await (await post('chaos-mesh', recovered)).json()).toMatchObject({ updated: 1 });
      expect(await (await post('chaos-mesh', recovered)).json()).toMatchObject({ deduplicated: 1, updated: 0 });
      expect(await (await get('drills', `chaosmesh-${fast.uid}`)).json()).toMatchObject({
        startedAt: at(0),
        detectedAt: at(2),
        recoveredAt: at(15),
        score: 100,
      });
      const after = await orgKpi('drill_score');
      expect(after.denominator).toBe((before.denominator ?? 0) + 1);
      expect(after.numerator).toBe((before.numerator ?? 0) + 100);
    });

    it('scores a late detection linearly to the recovery, whatever order the events arrive in', async () => {
      // Detected 10 min after the start, target 5 min, recovered at 20 min: 100 × (20 − 10) / (20 − 5).
      const events = [
        chaosMeshEvent({ reason: 'Recovered', at: at(20), ...slow, annotations: annotation(10) }),
        chaosMeshEvent({ reason: 'Applied', at: at(1), ...slow }),
        chaosMeshEvent({ reason: 'Started', at: at(0), ...slow }),
        chaosMeshEvent({ reason: 'Paused', at: at(5), ...slow }),
      ];
      for (const event of events) expect((await post('chaos-mesh', event)).status).toBe(200);
      expect(await (await get('drills', `chaosmesh-${slow.uid}`)).json()).toMatchObject({
        startedAt: at(0),
        detectedAt: at(10),
        recoveredAt: at(20),
        score: 67,
      });
      expect(await (await post('chaos-mesh', events)).json()).toMatchObject({
        received: 4,
        ignored: 1,
        deduplicated: 3,
      });
      expect(await metric('ignored', 'chaos-mesh')).toBe(2);
    });

    it('ignores events of other objects; refuses a bad annotation or an unowned experiment', async () => {
      const pod = chaosMeshEvent({ reason: 'Started', at: at(0), uid: 'p1', name: 'web', apiVersion: 'v1' });
      expect(await (await post('chaos-mesh', pod)).json()).toMatchObject({ ignored: 1 });
      const before = await list('drills');
      const bad = await post(
        'chaos-mesh',
        chaosMeshEvent({ reason: 'Recovered', at: at(3), ...fast, annotations: { 'ballast.io/detected-at': 'soon' } })
      );
      expect((await bad.json()).issues[0].path).toBe('involvedObject.annotations.ballast.io/detected-at');
      const unowned = await post(
        'chaos-mesh',
        chaosMeshEvent({ reason: 'Started', at: at(0), uid: 'x1', name: 'x', labels: {} })
      );
      expect((await unowned.json()).issues[0].path).toBe('involvedObject.labels');
      expect(await list('drills')).toEqual(before);
    });
  });
});

describe('the configuration docs/ingestion.md shows for these receivers', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../docs/ingestion.md', import.meta.url)), 'utf8');
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

  it.each(['jira', 'findings', 'chaos'] as const)('ingestion.%s: the documented defaults are the defaults', (key) => {
    const block = blocks.find((b) => b.startsWith(`ingestion:\n  ${key}: # the defaults`));
    expect(block, `a yaml block "ingestion:\\n  ${key}: # the defaults"`).toBeDefined();
    const { ingestion } = splitConfigFile({ ...ingestOrg(), ...YAML.parse(block!) });
    expect(ingestion[key]).toEqual(defaultIngestion()[key]);
  });
});
