/**
 * What the receivers share, called directly: the pipeline's helpers (record ids, sender times,
 * template blanks, clipping, body parsing), the `ingestion` config and its service mapping rules,
 * the receiver table (each source's adapter, merge, signature header, delivery id, body limit,
 * secret variable), the delivery log, and the history import's JSON Lines and CSV readers.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OrgIndex } from '../src/domain/org.js';
import { DeliveryLog } from '../src/ingest/deliveries.js';
import { collectionOf, parseCsv, parseCsvRows, parseJsonLines } from '../src/ingest/history.js';
import {
  defaultIngestion,
  globMatch,
  resolveAlertOwner,
  resolveService,
  splitConfigFile,
  stringValues,
} from '../src/ingest/mapping.js';
import { clip, digest, isoTime, parseBody, present, recordIdOf } from '../src/ingest/pipeline.js';
import {
  BODY_LIMITS,
  INGEST_SOURCES,
  RECEIVERS,
  webhookSecretEnv,
  webhookSecretsFromEnv,
} from '../src/ingest/receivers.js';
import { adaptContext, delivery, issuesOf } from './ingest-adapter-fixtures.js';
import {
  amNotification,
  cdEventDeployed,
  githubDeploymentStatus,
  ingestOrg,
  PAGERDUTY_EXAMPLE,
} from './ingest-fixtures.js';
import {
  GRAFANA_INCIDENT_DOC_BODY,
  GRAFANA_INCIDENT_DOC_SECRET,
  GRAFANA_INCIDENT_DOC_SIGNATURE,
  incidentIoEvent,
  incidentIoHeaders,
  onCallEvent,
  opsgenieAction,
  pagerDutyEvent,
  pagerDutySignature,
} from './ingest-incident-fixtures.js';
import { chaosMeshEvent, chaosResult, jiraIssueEvent } from './ingest-tools-fixtures.js';

const ctx = adaptContext();
const org = new OrgIndex(ingestOrg());

describe('pipeline helpers', () => {
  it('makes readable record ids, and digests parts that do not fit the id pattern', () => {
    expect(recordIdOf('am', 'abc', 5)).toBe('am-abc-5');
    expect(recordIdOf('gh')).toBe('gh-');
    const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);
    expect(recordIdOf('x', 'a b', 1)).toBe(`x-${sha('a b\n1')}`);
    expect(recordIdOf('x', 'a'.repeat(200))).toBe(`x-${sha('a'.repeat(200))}`);
    expect(recordIdOf('x', 'a'.repeat(197))).toBe(`x-${'a'.repeat(197)}`);
    expect(digest('hello')).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e');
    expect(digest('héllo')).toBe(sha('héllo'));
  });

  it('reads sender times as the API does, naming the path', () => {
    expect(isoTime('2026-03-01T11:00:00+01:00', 'p')).toBe('2026-03-01T10:00:00.000Z');
    expect(issuesOf(() => isoTime('1999-12-31T23:59:59Z', 'a.b'))).toEqual([
      { path: 'a.b', message: expect.stringContaining('between 2000-01-01T00:00:00Z') },
    ]);
    expect(issuesOf(() => isoTime(undefined, 'c'))).toEqual([
      { path: 'c', message: expect.stringContaining('ISO 8601') },
    ]);
  });

  it('reads template blanks as absent and trims the rest', () => {
    for (const blank of ['', '   ', '<no value>', 'null', ' null ', undefined, null, 5, {}])
      expect(present(blank)).toBeUndefined();
    expect(present(' x ')).toBe('x');
    expect(present('none')).toBe('none');
    expect(present('<no value>x')).toBe('<no value>x');
  });

  it('clips text to a length, leaving shorter text as it is', () => {
    expect(clip('abcdef', 3)).toBe('abc');
    expect(clip('abc', 3)).toBe('abc');
    expect(clip('ab', 3)).toBe('ab');
  });

  it('parses a body with a schema into issues naming each field under a prefix', () => {
    const schema = z.object({ a: z.string(), b: z.number() });
    expect(parseBody(schema, { a: 'x', b: 1 })).toEqual({ a: 'x', b: 1 });
    expect(issuesOf(() => parseBody(schema, { a: 1 }, '[3]')).map((i) => i.path)).toEqual(['[3].a', '[3].b']);
    expect(issuesOf(() => parseBody(schema, { a: 1 })).map((i) => i.path)).toEqual(['a', 'b']);
    for (const body of [null, 'text', 7, undefined])
      expect(issuesOf(() => parseBody(schema, body, 'items[1]'))).toEqual([
        { path: 'items[1]', message: 'must be a JSON object' },
      ]);
  });
});

describe('the ingestion config', () => {
  it('has defaults for every setting', () => {
    const config = defaultIngestion();
    expect(config.alertmanager).toEqual({
      labels: { service: 'service', team: 'team', severity: 'severity', name: 'alertname' },
      defaultSeverity: 'none',
    });
    expect(config.systems).toEqual({
      github: 'github',
      argocd: 'argo-cd',
      pagerduty: 'pagerduty',
      cloudevents: 'cloudevents',
    });
    expect(config.cloudevents.changeTypes).toEqual([
      '*deploy*',
      '*change*',
      '*release*',
      '*rollout*',
      '*upgraded*',
      '*rolledback*',
    ]);
    expect(config.jira).toEqual({
      incidents: { issueTypes: ['Incident'], labels: ['incident'] },
      actions: { issueTypes: [], labels: ['postmortem-action'] },
      fields: {},
      detectionSource: 'other',
      actionDueDays: 30,
    });
    expect(config.findings).toEqual({
      targetTypeLabel: 'target_type',
      defaultTargetType: 'other',
      dueDays: { critical: 7, warning: 30, info: 90 },
      defaultDueDays: 30,
    });
    expect(config.chaos).toEqual({
      labels: { service: 'service', team: 'team' },
      detectedAtAnnotation: 'ballast.io/detected-at',
      detectionTargetMinutes: 5,
    });
    expect(config.incidents).toEqual({
      priorities: [],
      defaultPriority: 'P3',
      opsgenieAlertUrl: 'https://app.opsgenie.com/alert/detail/{id}/details',
      incidentio: {
        timestamps: {
          startedAt: ['Impact started'],
          detectedAt: ['Reported at', 'Detected at'],
          acknowledgedAt: ['Accepted at', 'Acknowledged at'],
          recoveredAt: ['Fixed at', 'Mitigated at', 'Resolved at'],
          resolvedAt: ['Closed at', 'Resolved at'],
        },
      },
    });
    expect(config.services).toEqual([]);
  });

  it('splits the config file into the org and the ingestion section, naming a bad setting', () => {
    const { org: rest, ingestion } = splitConfigFile({
      teams: [],
      ingestion: { alertmanager: { labels: { service: 'app' } } },
    });
    expect(rest).toEqual({ teams: [] });
    expect(ingestion.alertmanager.labels.service).toBe('app');
    expect(splitConfigFile({ teams: [] })).toEqual({ org: { teams: [] }, ingestion: defaultIngestion() });
    for (const document of [null, 'text', [1]])
      expect(splitConfigFile(document)).toEqual({ org: document, ingestion: defaultIngestion() });
    expect(
      issuesOf(() => splitConfigFile({ ingestion: { alertmanager: { labels: { service: 'not a label' } } } }))
    ).toEqual([{ path: 'ingestion.alertmanager.labels.service', message: 'must be a Prometheus label name' }]);
    expect(issuesOf(() => splitConfigFile({ ingestion: { services: [{ service: 'x' }] } }))).toEqual([
      { path: 'ingestion.services[0]', message: 'a rule needs repository, application or labels' },
    ]);
    expect(issuesOf(() => splitConfigFile({ ingestion: { incidents: { grafanaUrl: 'ftp://x' } } }))[0]).toEqual({
      path: 'ingestion.incidents.grafanaUrl',
      message: 'must be an http(s) URL',
    });
    expect(
      issuesOf(() => splitConfigFile({ ingestion: { incidents: { opsgenieAlertUrl: 'https://x/' } } }))[0]
    ).toEqual({
      path: 'ingestion.incidents.opsgenieAlertUrl',
      message: 'must be an http(s) URL containing {id}',
    });
    expect(issuesOf(() => splitConfigFile({ ingestion: { surprise: 1 } }))).toEqual([
      { path: 'ingestion.surprise', message: 'unknown field' },
    ]);
  });

  it('matches globs where * is any run of characters and everything else is literal', () => {
    expect(globMatch('acme/*', 'acme/checkout')).toBe(true);
    expect(globMatch('acme/*', 'acme/')).toBe(true);
    expect(globMatch('acme/*', 'other/acme/x')).toBe(false);
    expect(globMatch('*-db', 'ledger-db')).toBe(true);
    expect(globMatch('*-db', 'ledger-db-2')).toBe(false);
    expect(globMatch('a.b', 'a.b')).toBe(true);
    expect(globMatch('a.b', 'axb')).toBe(false);
    expect(globMatch('a+(b)?[c]{d}|e^$\\', 'a+(b)?[c]{d}|e^$\\')).toBe(true);
    expect(globMatch('a+', 'aa')).toBe(false);
    expect(globMatch('x', undefined)).toBe(false);
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('Acme', 'acme')).toBe(false);
  });

  it('resolves a service: a known explicit one, then the first matching rule, then a name equal to a service id', () => {
    const rules = [
      { service: 'unknown-svc', application: '*' },
      { service: 'checkout-api', repository: 'acme/*', labels: { env: 'prod' } },
      { service: 'ledger-db', application: 'ledger-*' },
      { service: 'catalog-web', repository: 'acme/*' },
    ];
    expect(resolveService({ service: 'ledger-db', application: 'x' }, rules, org)).toBe('ledger-db');
    expect(resolveService({ service: 'nope', application: 'ledger-main' }, rules, org)).toBe('ledger-db');
    expect(resolveService({ repository: 'acme/x', labels: { env: 'prod' } }, rules, org)).toBe('checkout-api');
    expect(resolveService({ repository: 'acme/x', labels: { env: 'dev' } }, rules, org)).toBe('catalog-web');
    expect(resolveService({ repository: 'acme/x' }, rules, org)).toBe('catalog-web');
    expect(resolveService({ application: 'checkout-api' }, [], org)).toBe('checkout-api');
    expect(resolveService({ repository: 'acme/ledger-db' }, [], org)).toBe('ledger-db');
    expect(resolveService({ application: 'nope', repository: 'acme/catalog-web' }, [], org)).toBe('catalog-web');
    expect(resolveService({ application: 'nope', repository: 'acme/nope' }, [], org)).toBeUndefined();
    expect(resolveService({}, rules.slice(0, 1), org)).toBeUndefined();
    expect(
      resolveService(
        { application: 'ledger-main' },
        [{ service: 'ledger-db', application: 'ledger-*', repository: 'x/*' }],
        org
      )
    ).toBeUndefined();
  });

  it('owns an alert by its service, else a known team, else the unassigned team', () => {
    expect(resolveAlertOwner({ service: 'ledger-db', team: 'catalog' }, [], org)).toEqual({ service: 'ledger-db' });
    expect(resolveAlertOwner({ service: 'nope', team: 'catalog' }, [], org)).toEqual({ team: 'catalog' });
    expect(resolveAlertOwner({ team: 'nobody' }, [], org)).toEqual({ team: 'unassigned' });
    expect(resolveAlertOwner({}, [], org)).toEqual({ team: 'unassigned' });
  });

  it('keeps only the string values of labels and custom details', () => {
    expect(stringValues({ a: 'x', b: 1, c: null, d: { e: 'f' }, g: '' })).toEqual({ a: 'x', g: '' });
    for (const o of [null, undefined, 'text', 3]) expect(stringValues(o)).toEqual({});
  });
});

describe('the receivers', () => {
  it('lists every source once, each with its collection, body limit and summary', () => {
    expect([...INGEST_SOURCES].sort()).toEqual(Object.keys(RECEIVERS).sort());
    expect(new Set(INGEST_SOURCES).size).toBe(14);
    const KiB = 1024;
    const MiB = 1024 * KiB;
    expect(BODY_LIMITS).toEqual({
      alertmanager: 5 * MiB,
      github: MiB,
      argocd: 64 * KiB,
      pagerduty: 512 * KiB,
      cloudevents: MiB,
      jira: MiB,
      'alertmanager-findings': 5 * MiB,
      litmus: 5 * MiB,
      'chaos-mesh': MiB,
      'pagerduty-incidents': 512 * KiB,
      opsgenie: 512 * KiB,
      'grafana-oncall': MiB,
      'grafana-incident': MiB,
      incidentio: MiB,
    });
    expect(Object.fromEntries(INGEST_SOURCES.map((s) => [s, RECEIVERS[s].collection]))).toEqual({
      alertmanager: 'alerts',
      github: 'changes',
      argocd: 'changes',
      pagerduty: 'changes',
      cloudevents: 'changes',
      jira: 'incidents',
      'alertmanager-findings': 'findings',
      litmus: 'drills',
      'chaos-mesh': 'drills',
      'pagerduty-incidents': 'incidents',
      opsgenie: 'incidents',
      'grafana-oncall': 'incidents',
      'grafana-incident': 'incidents',
      incidentio: 'incidents',
    });
    for (const s of INGEST_SOURCES) expect(RECEIVERS[s].summary).toMatch(/→ .*records?$/);
    expect(RECEIVERS.github.summary).toContain('X-Hub-Signature-256');
    expect(RECEIVERS.jira.summary).toContain('X-Hub-Signature)');
  });

  it('hands each source its own payload, through its adapter', () => {
    const T0 = '2026-03-01T10:00:00Z';
    const bodies: Record<string, [unknown, Record<string, string>?]> = {
      alertmanager: [
        amNotification([{ status: 'firing', labels: { app: 'ledger-db' }, startsAt: T0, fingerprint: 'a1' }]),
      ],
      github: [
        githubDeploymentStatus({ id: 1, state: 'success', createdAt: T0, statusAt: T0 }),
        { 'X-GitHub-Event': 'deployment_status' },
      ],
      argocd: [{ application: 'ledger-main', startedAt: T0 }],
      pagerduty: [PAGERDUTY_EXAMPLE],
      cloudevents: [cdEventDeployed('e1', T0)],
      jira: [
        jiraIssueEvent('jira:issue_created', {
          id: '1',
          key: 'OPS-1',
          issuetype: 'Incident',
          summary: 's',
          created: T0,
          components: ['hello'],
        }),
      ],
      'alertmanager-findings': [
        amNotification([{ status: 'firing', labels: { app: 'ledger-db' }, startsAt: T0, fingerprint: 'b2' }]),
      ],
      litmus: [chaosResult({ created: T0, verdict: 'Pass' })],
      'chaos-mesh': [chaosMeshEvent({ reason: 'Started', at: T0, uid: 'u1', name: 'n' })],
      'pagerduty-incidents': [
        pagerDutyEvent({ type: 'incident.triggered', at: T0, createdAt: T0, service: 'Ledger DB' }),
      ],
      opsgenie: [
        {
          ...opsgenieAction({ action: 'Create', createdAt: Date.parse(T0) }),
          alert: { ...opsgenieAction({ action: 'Create', createdAt: Date.parse(T0) }).alert, entity: 'ledger-db' },
        },
      ],
      'grafana-oncall': [
        { ...onCallEvent({ type: 'escalation', time: T0, createdAt: T0 }), integration: { name: 'ledger-db' } },
      ],
      'grafana-incident': [
        {
          ...JSON.parse(GRAFANA_INCIDENT_DOC_BODY),
          incident: {
            ...JSON.parse(GRAFANA_INCIDENT_DOC_BODY).incident,
            labels: [{ key: 'service', label: 'ledger-db' }],
            status: 'active',
            incidentID: '7',
          },
        },
      ],
      incidentio: [
        {
          ...incidentIoEvent({ createdAt: T0 }),
          'public_incident.incident_created_v2': {
            ...(incidentIoEvent({ createdAt: T0 })['public_incident.incident_created_v2'] as object),
            custom_field_entries: [{ custom_field: { name: 'service' }, values: [{ value_text: 'ledger-db' }] }],
          },
        },
      ],
    };
    const ids: Record<string, string> = {};
    for (const source of INGEST_SOURCES) {
      const [body, headers] = bodies[source]!;
      const adapted = RECEIVERS[source].adapt(delivery(body, headers), ctx);
      expect([source, adapted.items.length]).toEqual([source, 1]);
      ids[source] = adapted.items[0]!.id;
    }
    expect(ids).toMatchObject({
      alertmanager: 'am-a1-1772359200000',
      github: 'gh-1',
      argocd: 'argocd-ledger-main-1772359200000',
      jira: 'jira-1',
      'alertmanager-findings': 'finding-b2-1772359200000',
      'chaos-mesh': 'chaosmesh-u1',
      'pagerduty-incidents': 'pd-PGR0VU2',
      opsgenie: 'og-052652ac-5d1c-464a-812a-7dd18bbfba8c',
      'grafana-oncall': 'oncall-I6HNZGUFG4K11',
      'grafana-incident': 'gi-7',
      incidentio: 'iio-01FDAG4SAP5TYPT98WGR2N7W91',
    });
    expect(ids.pagerduty).toMatch(/^pd-[0-9a-f]{32}$/);
    expect(ids.cloudevents).toMatch(/^ce-[0-9a-f]{32}$/);
    expect(ids.litmus).toBe('litmus-fe7f01c8-8118-4761-8ff9-0a87824d863f-1');
    // Without the event header, GitHub's adapter refuses the delivery.
    expect(issuesOf(() => RECEIVERS.github.adapt(delivery(bodies.github![0]), ctx))[0]!.path).toBe('X-GitHub-Event');
  });

  it('merges with each receiver its own rule', () => {
    const stored = { startedAt: 'S', title: 'stored', result: 'success', finishedAt: '2026-03-01T10:05:00Z' };
    const incoming = { startedAt: 'I', result: 'failed', finishedAt: '2026-03-01T10:04:00Z' };
    for (const source of ['argocd', 'pagerduty', 'cloudevents'] as const)
      expect(RECEIVERS[source].merge(incoming, stored)).toEqual({ ...incoming, startedAt: 'S', title: 'stored' });
    expect(RECEIVERS.github.merge(incoming, stored)).toMatchObject({ result: 'success' });
    expect(RECEIVERS['chaos-mesh'].merge(incoming, stored)).toBe(incoming);
    expect(RECEIVERS.litmus.merge({ startedAt: 'I' }, { startedAt: 'S' })).toEqual({ startedAt: 'S' });
    expect(RECEIVERS.alertmanager.merge({ startsAt: 'I' }, { startsAt: 'S', verdict: 'noise' })).toMatchObject({
      verdict: 'noise',
    });
    expect(RECEIVERS['alertmanager-findings'].merge({ dueAt: 'I' }, { dueAt: 'S' })).toMatchObject({ dueAt: 'S' });
    expect(RECEIVERS.jira.merge({ sourceUpdatedAt: 'a' }, { sourceUpdatedAt: 'b', cause: 'c' })).toEqual({
      sourceUpdatedAt: 'b',
      cause: 'c',
    });
    // An incident tool's receiver merge (for a delivery without its own): times widen.
    for (const source of [
      'pagerduty-incidents',
      'opsgenie',
      'grafana-oncall',
      'grafana-incident',
      'incidentio',
    ] as const) {
      const merged = RECEIVERS[source].merge(
        { startedAt: '2026-03-01T10:00:00.000Z', detectedAt: '2026-03-01T10:00:00.000Z', steps: [] },
        { startedAt: '2026-03-01T09:00:00.000Z', detectedAt: '2026-03-01T09:30:00.000Z', cause: 'change', steps: [] }
      );
      expect(merged).toMatchObject({
        startedAt: '2026-03-01T09:00:00.000Z',
        detectedAt: '2026-03-01T09:30:00.000Z',
        cause: 'change',
      });
    }
  });

  it('verifies each signing receiver by its own header', () => {
    const raw = Buffer.from('{"a":1}');
    const hex = createHmac('sha256', 's').update(raw).digest('hex');
    const verify = (
      source: keyof typeof RECEIVERS,
      headers: Record<string, string>,
      secret = 's',
      body = raw,
      now = Date.now()
    ) => RECEIVERS[source].signature!.verify(secret, body, delivery({}, headers), now);
    expect(RECEIVERS.github.signature!.header).toBe('X-Hub-Signature-256');
    expect(verify('github', { 'X-Hub-Signature-256': `sha256=${hex}` })).toBe(true);
    expect(verify('github', { 'X-Hub-Signature': `sha256=${hex}` })).toBe(false);
    expect(RECEIVERS.jira.signature!.header).toBe('X-Hub-Signature');
    expect(verify('jira', { 'X-Hub-Signature': `sha256=${hex}` })).toBe(true);
    expect(verify('jira', { 'X-Hub-Signature-256': `sha256=${hex}` })).toBe(false);
    expect(RECEIVERS['pagerduty-incidents'].signature!.header).toBe('X-PagerDuty-Signature');
    expect(verify('pagerduty-incidents', { 'X-PagerDuty-Signature': pagerDutySignature('{"a":1}', 's') })).toBe(true);
    expect(verify('pagerduty-incidents', { 'X-Hub-Signature': `sha256=${hex}` })).toBe(false);
    expect(RECEIVERS['grafana-incident'].signature!.header).toBe('GI-Signature');
    expect(
      verify(
        'grafana-incident',
        { 'GI-Signature': GRAFANA_INCIDENT_DOC_SIGNATURE },
        GRAFANA_INCIDENT_DOC_SECRET,
        Buffer.from(GRAFANA_INCIDENT_DOC_BODY)
      )
    ).toBe(true);
    expect(verify('grafana-incident', {}, GRAFANA_INCIDENT_DOC_SECRET, Buffer.from(GRAFANA_INCIDENT_DOC_BODY))).toBe(
      false
    );
    expect(RECEIVERS.incidentio.signature!.header).toBe('webhook-signature');
    const secret = `whsec_${Buffer.from('k').toString('base64')}`;
    const now = Date.UTC(2026, 2, 1);
    expect(verify('incidentio', incidentIoHeaders('{"a":1}', secret, 'msg_1', now), secret, raw, now)).toBe(true);
    expect(verify('incidentio', incidentIoHeaders('{"a":1}', secret, 'msg_1', now), secret, raw, now + 3_600_000)).toBe(
      false
    );
    const signing = INGEST_SOURCES.filter((s) => RECEIVERS[s].signature);
    expect(signing).toEqual(['github', 'jira', 'pagerduty-incidents', 'grafana-incident', 'incidentio']);
  });

  it("reads GitHub's delivery id; the others give none", () => {
    expect(RECEIVERS.github.deliveryId!(delivery({}, { 'X-GitHub-Delivery': 'abc-1' }))).toBe('abc-1');
    expect(INGEST_SOURCES.filter((s) => RECEIVERS[s].deliveryId)).toEqual(['github']);
  });

  it('names the webhook secret variable after the source, and reads only the signing ones', () => {
    expect(webhookSecretEnv('pagerduty-incidents')).toBe('BALLAST_PAGERDUTY_INCIDENTS_WEBHOOK_SECRET');
    expect(webhookSecretEnv('alertmanager-findings')).toBe('BALLAST_ALERTMANAGER_FINDINGS_WEBHOOK_SECRET');
    expect(webhookSecretEnv('github')).toBe('BALLAST_GITHUB_WEBHOOK_SECRET');
    expect(
      webhookSecretsFromEnv({
        BALLAST_GITHUB_WEBHOOK_SECRET: 'g',
        BALLAST_JIRA_WEBHOOK_SECRET: '',
        BALLAST_GRAFANA_INCIDENT_WEBHOOK_SECRET: 'gi',
        BALLAST_INCIDENTIO_WEBHOOK_SECRET: 'io',
        BALLAST_PAGERDUTY_INCIDENTS_WEBHOOK_SECRET: 'pd',
        BALLAST_ARGOCD_WEBHOOK_SECRET: 'not a signing receiver',
        BALLAST_OPSGENIE_WEBHOOK_SECRET: 'nor this',
      })
    ).toEqual({ github: 'g', 'grafana-incident': 'gi', incidentio: 'io', 'pagerduty-incidents': 'pd' });
    expect(webhookSecretsFromEnv({})).toEqual({});
  });
});

describe('the delivery log', () => {
  it('remembers the most recent deliveries up to its capacity, a repeat counting as recent', () => {
    const log = new DeliveryLog(3);
    for (const id of ['a', 'b', 'c']) log.add(id);
    expect(['a', 'b', 'c'].map((id) => log.has(id))).toEqual([true, true, true]);
    log.add('a');
    log.add('d');
    expect(['a', 'b', 'c', 'd'].map((id) => log.has(id))).toEqual([true, false, true, true]);
    log.add('e');
    expect(['a', 'c', 'd', 'e'].map((id) => log.has(id))).toEqual([true, false, true, true]);
    expect(log.has('zzz')).toBe(false);
  });

  it('holds 10000 by default', () => {
    const log = new DeliveryLog();
    for (let i = 0; i <= 10_000; i++) log.add(String(i));
    expect(log.has('0')).toBe(false);
    expect(log.has('1')).toBe(true);
    expect(log.has('10000')).toBe(true);
  });
});

describe('history files', () => {
  it('names a collection in singular, plural or any case', () => {
    expect(collectionOf('incident')).toBe('incidents');
    expect(collectionOf(' Incidents ')).toBe('incidents');
    expect(collectionOf('ALERT')).toBe('alerts');
    expect(collectionOf('change')).toBe('changes');
    expect(collectionOf('widget')).toBeUndefined();
    expect(collectionOf('')).toBeUndefined();
    expect(collectionOf(undefined)).toBeUndefined();
  });

  it('reads JSON Lines: collection from the flag, a collection field or a kind; bad lines named by number', () => {
    const text = [
      '{"collection":"incident","id":"i1"}',
      '',
      '  ',
      '{"kind":"changes","changeKind":"config","id":"c1"}',
      '{"kind":"drill","id":"d1"}',
      'not json',
      '[1,2]',
      'null',
      '{"collection":"widgets"}',
      '{"kind":"deploy"}',
      '{"id":"x"}',
      '{"collection":5}',
    ].join('\r\n');
    expect(parseJsonLines(text)).toEqual([
      { line: 1, collection: 'incidents', record: { id: 'i1' } },
      { line: 4, collection: 'changes', record: { id: 'c1', kind: 'config' } },
      { line: 5, collection: 'drills', record: { id: 'd1' } },
      { line: 6, issues: [{ path: '', message: expect.stringMatching(/^not valid JSON: /) }] },
      { line: 7, issues: [{ path: '', message: 'must be a JSON object' }] },
      { line: 8, issues: [{ path: '', message: 'must be a JSON object' }] },
      { line: 9, issues: [{ path: 'collection', message: 'unknown collection "widgets"' }] },
      {
        line: 10,
        issues: [
          {
            path: 'kind',
            message:
              'give the collection with --kind, or in a "collection" or "kind" column (incidents, alerts, findings, changes, freezes, drills, actions)',
          },
        ],
      },
      { line: 11, issues: [{ path: 'kind', message: expect.stringContaining('--kind') }] },
      { line: 12, issues: [{ path: 'collection', message: 'unknown collection "5"' }] },
    ]);
    // The flag wins, and the line is kept whole.
    expect(parseJsonLines('{"collection":"alerts","kind":"deploy","id":"c2"}\n', 'changes')).toEqual([
      { line: 1, collection: 'changes', record: { collection: 'alerts', kind: 'deploy', id: 'c2' } },
    ]);
    expect(parseJsonLines('{"kind":"changes","id":"c3"}')).toEqual([
      { line: 1, collection: 'changes', record: { id: 'c3' } },
    ]);
  });

  it('reads RFC 4180 rows: CRLF, lone CR, quotes only at a cell start, a last row without newline', () => {
    expect(parseCsvRows('a,b\rc,d\r\n\r\ne,"f""g"\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['c', 'd'] },
      { line: 4, cells: ['e', 'f"g'] },
    ]);
    expect(parseCsvRows('x"y",z')).toEqual([{ line: 1, cells: ['x"y"', 'z'] }]);
    expect(parseCsvRows('a,')).toEqual([{ line: 1, cells: ['a', ''] }]);
    expect(parseCsvRows(',')).toEqual([{ line: 1, cells: ['', ''] }]);
    expect(parseCsvRows('"a\r\nb",c\nd,e')).toEqual([
      { line: 1, cells: ['a\r\nb', 'c'] },
      { line: 3, cells: ['d', 'e'] },
    ]);
    expect(parseCsvRows('')).toEqual([]);
    expect(parseCsvRows('\n\n')).toEqual([]);
    expect(parseCsvRows('only')).toEqual([{ line: 1, cells: ['only'] }]);
  });

  it('types CSV cells by the record schema: booleans, numbers, JSON, text; names a bad cell', () => {
    const [drill] = parseCsv(
      '\uFEFFcollection, id ,scenario,team,startedAt,score\ndrills,d1,S,ledger,2026-01-01T00:00:00Z, 75 '
    );
    expect(drill).toEqual({
      line: 2,
      collection: 'drills',
      record: { id: 'd1', scenario: 'S', team: 'ledger', startedAt: '2026-01-01T00:00:00Z', score: 75 },
    });
    const incidents = parseCsv(
      [
        'id,title,drill,steps,priority',
        'i1,T,yes,"[{""step"":""response""}]",',
        'i2,T,No,[],P1',
        'i3,T,1,[],P2',
        'i4,T,0,[],P3',
        'i5,T,maybe,[],P1',
        'i6,T,true,[oops,P1',
        'i7,T,FALSE,[]',
      ].join('\n'),
      'incidents'
    );
    expect(incidents.map((l) => l.record ?? l.issues)).toEqual([
      { id: 'i1', title: 'T', drill: true, steps: [{ step: 'response' }] },
      { id: 'i2', title: 'T', drill: false, steps: [], priority: 'P1' },
      { id: 'i3', title: 'T', drill: true, steps: [], priority: 'P2' },
      { id: 'i4', title: 'T', drill: false, steps: [], priority: 'P3' },
      [{ path: 'drill', message: 'must be true or false' }],
      [{ path: 'steps', message: 'must be JSON' }],
      [{ path: '', message: 'has 4 cells; the header has 5' }],
    ]);
    const [blank] = parseCsv('id,score,scenario\nd1, ,S', 'drills');
    expect(blank!.issues).toEqual([{ path: 'score', message: 'must be a number' }]);
    const [text] = parseCsv('id,title\ni9,  padded  ', 'incidents');
    expect(text!.record).toEqual({ id: 'i9', title: '  padded  ' });
    expect(parseCsv('', 'incidents')).toEqual([]);
    expect(parseCsv('id,title\n', 'incidents')).toEqual([]);
    const [unknown] = parseCsv('id,title\nx,y');
    expect(unknown!.issues![0]!.path).toBe('kind');
    const [change] = parseCsv('kind,changeKind,id,title\nchange,config,c1,T');
    expect(change).toEqual({ line: 2, collection: 'changes', record: { kind: 'config', id: 'c1', title: 'T' } });
    // A column no schema knows stays text.
    const [extra] = parseCsv('id,whatever\nx,12', 'alerts');
    expect(extra!.record).toEqual({ id: 'x', whatever: '12' });
  });
});
