/**
 * The receivers' edges, adapter by adapter (called directly, no server): each malformed field of
 * a sender's body is refused naming that field (the receiver answers 400 with it), and the corner
 * cases of merges and sender times. Written against the mutants StrykerJS left alive
 * (`npm run mutate -- exporter-ingest`), so each case here fails when its check is dropped.
 *
 * Equivalent mutants left alive on purpose (they change no behaviour):
 * - `?? ''` fallbacks replaced by another string where the result is only looked up in a fixed
 *   table (argocd.ts RESULT, pagerduty.ts OUTCOME and CHANGE_KINDS, github.ts's signature regex):
 *   any string that is no key gives the same "not found".
 * - commit-time.ts `>` → `>=`: when the commit time equals the start, both branches return the
 *   same ISO string.
 * - cloudevents.ts `typeof data === 'object'` → `true`, and the `committedAt !== undefined` check
 *   on customData: a string or number `data` has none of the fields read, and an undefined
 *   commit time is read as absent either way.
 * - github.ts payloadFields: dropping the JSON.parse `catch` body or the `typeof !== 'object'`
 *   check still gives no fields for a string or number payload (their properties are undefined).
 */
import { describe, expect, it } from 'vitest';
import { adaptAlertmanager } from '../src/ingest/alertmanager.js';
import { adaptArgoCd } from '../src/ingest/argocd.js';
import { adaptChaosMesh } from '../src/ingest/chaos-mesh.js';
import { adaptCloudEvents } from '../src/ingest/cloudevents.js';
import { committedAtOf } from '../src/ingest/commit-time.js';
import { adaptFindings } from '../src/ingest/findings.js';
import { adaptGithub, mergeGithubChange } from '../src/ingest/github.js';
import { adaptGrafanaIncident } from '../src/ingest/grafana-incident.js';
import { adaptGrafanaOnCall } from '../src/ingest/grafana-oncall.js';
import { adaptIncidentIo } from '../src/ingest/incidentio.js';
import { adaptJira } from '../src/ingest/jira.js';
import { adaptLitmus } from '../src/ingest/litmus.js';
import { adaptOpsgenie } from '../src/ingest/opsgenie.js';
import { adaptPagerDuty } from '../src/ingest/pagerduty.js';
import { adaptPagerDutyIncident } from '../src/ingest/pagerduty-incidents.js';
import { adaptContext, issuesOf } from './ingest-adapter-fixtures.js';
import { amNotification, cdEventDeployed, githubDeploymentStatus, PAGERDUTY_EXAMPLE } from './ingest-fixtures.js';
import {
  grafanaIncidentEvent,
  incidentIoEvent,
  onCallEvent,
  opsgenieAction,
  pagerDutyEvent,
  pagerDutyNote,
} from './ingest-incident-fixtures.js';
import { chaosMeshEvent, chaosResult, jiraIssueEvent } from './ingest-tools-fixtures.js';

const ctx = adaptContext();
const T0 = '2026-03-01T10:00:00.000Z';
const paths = (run: () => unknown) => issuesOf(run).map((i) => i.path);

describe('commit time edges', () => {
  it('reads only an exact Go zero time as none', () => {
    for (const value of ['x0001-01-01T00:00:00Z', '0001-01-01T00:00:00Zx', '10001-01-01T00:00:00Z'])
      expect(paths(() => committedAtOf(value, 'c', T0))).toEqual(['c']);
  });
});

describe('change receivers: refusals and merge edges', () => {
  const status = () => githubDeploymentStatus({ id: 7, state: 'success', createdAt: T0, statusAt: T0 });

  it('names the bad times and fields of a GitHub deployment status', () => {
    const created = status();
    created.deployment.created_at = 'x';
    expect(paths(() => adaptGithub('deployment_status', created, ctx))).toEqual(['deployment.created_at']);
    const finished = status();
    finished.deployment_status.created_at = 'x';
    expect(paths(() => adaptGithub('deployment_status', finished, ctx))).toEqual(['deployment_status.created_at']);
    const cases: [(b: ReturnType<typeof status>) => void, string][] = [
      [(b) => ((b.deployment_status as { state: unknown }).state = ''), 'deployment_status.state'],
      [(b) => ((b.deployment as { id: unknown }).id = -1), 'deployment.id'],
      [(b) => ((b.deployment as { id: unknown }).id = 1.5), 'deployment.id'],
      [(b) => ((b.repository as { full_name: unknown }).full_name = ''), 'repository.full_name'],
      [(b) => ((b.deployment as { ref: unknown }).ref = 5), 'deployment.ref'],
      [(b) => ((b.deployment_status as { environment: unknown }).environment = 5), 'deployment_status.environment'],
      [(b) => ((b as { action: unknown }).action = 5), 'action'],
    ];
    for (const [breakIt, path] of cases) {
      const body = status();
      breakIt(body);
      expect(paths(() => adaptGithub('deployment_status', body, ctx))).toEqual([path]);
    }
    // A long description is fine; null too.
    const described = status();
    (described.deployment_status as { description: unknown }).description = null;
    expect(adaptGithub('deployment_status', described, ctx).items).toHaveLength(1);
  });

  it('keeps the stored result against a status that brings a result without a time', () => {
    const stored = { startedAt: T0, result: 'success', finishedAt: '2026-03-01T10:05:00.000Z' };
    expect(mergeGithubChange({ startedAt: T0, result: 'failed' }, stored)).toMatchObject({
      result: 'failed',
      finishedAt: '2026-03-01T10:05:00.000Z',
    });
  });

  it('names a bad Argo CD commit time and the fields of the template', () => {
    const base = { application: 'ledger-main', startedAt: T0 };
    expect(paths(() => adaptArgoCd({ ...base, committedAt: 'x' }, ctx))).toEqual(['committedAt']);
    for (const field of [
      'namespace',
      'project',
      'phase',
      'finishedAt',
      'revision',
      'repoURL',
      'gateCheck',
      'exemption',
    ])
      expect(paths(() => adaptArgoCd({ ...base, [field]: 5 }, ctx))).toEqual([field]);
    expect(paths(() => adaptArgoCd({ ...base, labels: 'x' }, ctx))).toEqual(['labels']);
    expect(paths(() => adaptArgoCd({ startedAt: T0 }, ctx))).toEqual(['application']);
    expect(paths(() => adaptArgoCd({ application: 'ledger-main' }, ctx))).toEqual(['startedAt']);
    expect(adaptArgoCd({ ...base }, ctx).items[0]!.input).not.toHaveProperty('result');
  });

  it('names the fields of a PagerDuty change event', () => {
    const { payload } = PAGERDUTY_EXAMPLE;
    expect(paths(() => adaptPagerDuty({ ...PAGERDUTY_EXAMPLE, links: [{ href: 5 }] }, ctx))).toEqual(['links[0].href']);
    expect(paths(() => adaptPagerDuty({ ...PAGERDUTY_EXAMPLE, links: [{ href: 'h', text: 5 }] }, ctx))).toEqual([
      'links[0].text',
    ]);
    expect(paths(() => adaptPagerDuty({ ...PAGERDUTY_EXAMPLE, routing_key: 5 }, ctx))).toEqual(['routing_key']);
    for (const field of ['timestamp', 'source'])
      expect(paths(() => adaptPagerDuty({ payload: { ...payload, [field]: 5 } }, ctx))).toEqual([`payload.${field}`]);
    expect(paths(() => adaptPagerDuty({ payload: { ...payload, custom_details: 'x' } }, ctx))).toEqual([
      'payload.custom_details',
    ]);
    expect(paths(() => adaptPagerDuty({ payload: { ...payload, summary: 'x'.repeat(1025) } }, ctx))).toEqual([
      'payload.summary',
    ]);
    expect(adaptPagerDuty({ payload: { ...payload, summary: 'x'.repeat(1024) } }, ctx).items).toHaveLength(1);
    expect(paths(() => adaptPagerDuty({}, ctx))).toEqual(['payload']);
  });

  it('names the attributes of a CloudEvent', () => {
    const event = cdEventDeployed('e1', T0);
    for (const field of ['id', 'source', 'type'])
      expect(paths(() => adaptCloudEvents({ ...event, [field]: '' }, ctx))).toEqual([field]);
    for (const field of ['subject', 'time', 'datacontenttype'])
      expect(paths(() => adaptCloudEvents([{ ...event, [field]: 5 }], ctx))).toEqual([`[0].${field}`]);
    expect(paths(() => adaptCloudEvents([5], ctx))).toEqual(['[0]']);
  });
});

describe('alert receivers: refusals', () => {
  const firing = { status: 'firing' as const, labels: { app: 'ledger-db' }, startsAt: T0, fingerprint: 'a1' };

  it('names the fields of an Alertmanager notification and its alerts', () => {
    for (const adapt of [adaptAlertmanager, adaptFindings]) {
      const body = amNotification([firing]);
      expect(paths(() => adapt({ ...body, status: 'pending' }, ctx))).toEqual(['status']);
      expect(paths(() => adapt({ ...body, receiver: 5 }, ctx))).toEqual(['receiver']);
      expect(paths(() => adapt({ ...body, groupKey: 5 }, ctx))).toEqual(['groupKey']);
      expect(paths(() => adapt({ ...body, alerts: 'x' }, ctx))).toEqual(['alerts']);
      const alert = body.alerts[0]!;
      const bad: [Record<string, unknown>, string][] = [
        [{ status: 'pending' }, 'status'],
        [{ labels: { a: 5 } }, 'labels.a'],
        [{ annotations: { a: 5 } }, 'annotations.a'],
        [{ startsAt: 5 }, 'startsAt'],
        [{ endsAt: 5 }, 'endsAt'],
        [{ generatorURL: 5 }, 'generatorURL'],
        [{ fingerprint: '' }, 'fingerprint'],
        [{ fingerprint: 'a'.repeat(65) }, 'fingerprint'],
      ];
      for (const [change, path] of bad)
        expect(paths(() => adapt({ ...body, alerts: [{ ...alert, ...change }] }, ctx))).toEqual([`alerts[0].${path}`]);
      expect(
        adapt({ ...body, alerts: [{ ...alert, fingerprint: 'A'.repeat(64) }] }, ctx).items[0]!.input.fingerprint
      ).toBe('a'.repeat(64));
    }
  });
});

describe('Jira: refusals', () => {
  const issue = () =>
    jiraIssueEvent('jira:issue_created', {
      id: '1',
      key: 'OPS-1',
      issuetype: 'Incident',
      summary: 's',
      created: T0,
      components: ['hello'],
    });

  it('names the issue id, key and creation time, and the typed fields', () => {
    const body = issue();
    expect(issuesOf(() => adaptJira({ ...body, issue: { ...body.issue, id: 'a-1' } }, ctx))).toEqual([
      { path: 'issue.id', message: 'must be the Jira issue id' },
    ]);
    expect(paths(() => adaptJira({ ...body, issue: { ...body.issue, id: 'a'.repeat(51) } }, ctx))).toEqual([
      'issue.id',
    ]);
    expect(paths(() => adaptJira({ ...body, issue: { ...body.issue, key: '' } }, ctx))).toEqual(['issue.key']);
    expect(paths(() => adaptJira({ ...body, issue: { ...body.issue, key: 'k'.repeat(101) } }, ctx))).toEqual([
      'issue.key',
    ]);
    const { created: _c, ...uncreated } = body.issue.fields;
    expect(issuesOf(() => adaptJira({ ...body, issue: { ...body.issue, fields: uncreated } }, ctx))).toEqual([
      { path: 'issue.fields.created', message: 'is required (the issue creation time)' },
    ]);
    const typed: [string, unknown][] = [
      ['summary', 5],
      ['labels', 'x'],
      ['priority', 5],
      ['updated', 5],
      ['resolutiondate', 5],
      ['duedate', 5],
      ['assignee', 'x'],
      ['components', [{ name: 5 }]],
      ['project', { key: 5 }],
      ['issuelinks', [{ outwardIssue: { id: 5 } }]],
      ['issuetype', { name: 5 }],
    ];
    for (const [field, value] of typed) {
      const bad = { ...body, issue: { ...body.issue, fields: { ...body.issue.fields, [field]: value } } };
      expect(paths(() => adaptJira(bad, ctx))[0]).toMatch(new RegExp(`^issue\\.fields\\.${field}`));
    }
    expect(paths(() => adaptJira({ ...body, webhookEvent: undefined }, ctx))).toEqual(['webhookEvent']);
    expect(paths(() => adaptJira({ ...body, issue: { ...body.issue, self: 5 } }, ctx))).toEqual(['issue.self']);
  });
});

describe('chaos receivers: refusals', () => {
  it('names the fields of a ChaosResult', () => {
    const bad: [(r: ReturnType<typeof chaosResult>) => void, string][] = [
      [(r) => ((r as { kind: unknown }).kind = 'Pod'), 'kind'],
      [(r) => ((r.metadata as { name: unknown }).name = ''), 'metadata.name'],
      [(r) => ((r.metadata as { uid: unknown }).uid = ''), 'metadata.uid'],
      [(r) => ((r.metadata as { namespace: unknown }).namespace = 5), 'metadata.namespace'],
      [(r) => ((r.metadata as { labels: unknown }).labels = { a: 5 }), 'metadata.labels.a'],
      [
        (r) => ((r.metadata as { managedFields: unknown }).managedFields = [{ time: 5 }]),
        'metadata.managedFields[0].time',
      ],
      [(r) => ((r.spec as { experiment: unknown }).experiment = ''), 'spec.experiment'],
      [(r) => ((r.spec as { engine: unknown }).engine = 5), 'spec.engine'],
      [(r) => ((r.status.experimentStatus as { verdict: unknown }).verdict = ''), 'status.experimentStatus.verdict'],
      [(r) => ((r.status.experimentStatus as { phase: unknown }).phase = 5), 'status.experimentStatus.phase'],
      [(r) => ((r.status.history as { passedRuns: unknown }).passedRuns = -1), 'status.history.passedRuns'],
      [(r) => ((r.status.history as { failedRuns: unknown }).failedRuns = 0.5), 'status.history.failedRuns'],
      [(r) => ((r.status.history as { stoppedRuns: unknown }).stoppedRuns = -1), 'status.history.stoppedRuns'],
      [(r) => ((r.status.history as { targets: unknown }).targets = [{ name: 5 }]), 'status.history.targets[0].name'],
    ];
    for (const [breakIt, path] of bad) {
      const result = chaosResult({ created: T0, verdict: 'Pass' });
      breakIt(result);
      expect(paths(() => adaptLitmus(result, ctx))).toEqual([path]);
    }
    const result = chaosResult({ created: T0, verdict: 'Pass' });
    expect(issuesOf(() => adaptLitmus({ ...result, kind: 'Pod' }, ctx))).toEqual([
      { path: 'kind', message: 'must be "ChaosResult"' },
    ]);
    const { creationTimestamp: _c, ...uncreated } = result.metadata;
    expect(issuesOf(() => adaptLitmus({ ...result, metadata: uncreated }, ctx))).toEqual([
      { path: 'metadata.creationTimestamp', message: 'is required (when the experiment started)' },
    ]);
    // Without a history, a result is its first run, owned by its labels.
    const bare = chaosResult({ created: T0, verdict: 'Fail', probeSuccessPercentage: '20' });
    (bare.status as { history: unknown }).history = null;
    (bare.metadata.labels as Record<string, string>).team = 'ledger';
    expect(adaptLitmus(bare, ctx).items[0]!.input).toMatchObject({
      team: 'ledger',
      score: 20,
      scenario: 'LitmusChaos pod-delete',
    });
  });

  it('names the fields of a Chaos Mesh event', () => {
    const bad: [(e: ReturnType<typeof chaosMeshEvent>) => void, string][] = [
      [(e) => ((e as { reason: unknown }).reason = ''), 'reason'],
      [(e) => ((e.involvedObject as { kind: unknown }).kind = ''), 'involvedObject.kind'],
      [(e) => ((e.involvedObject as { name: unknown }).name = ''), 'involvedObject.name'],
      [(e) => ((e.involvedObject as { uid: unknown }).uid = ''), 'involvedObject.uid'],
      [(e) => ((e.involvedObject as { namespace: unknown }).namespace = 5), 'involvedObject.namespace'],
      [(e) => ((e.involvedObject as { apiVersion: unknown }).apiVersion = 5), 'involvedObject.apiVersion'],
      [(e) => ((e.involvedObject as { labels: unknown }).labels = { a: 5 }), 'involvedObject.labels.a'],
      [(e) => ((e.involvedObject as { annotations: unknown }).annotations = { a: 5 }), 'involvedObject.annotations.a'],
      [(e) => ((e as { firstTimestamp: unknown }).firstTimestamp = 5), 'firstTimestamp'],
      [(e) => ((e as { lastTimestamp: unknown }).lastTimestamp = 5), 'lastTimestamp'],
      [(e) => ((e as { eventTime: unknown }).eventTime = 5), 'eventTime'],
    ];
    for (const [breakIt, path] of bad) {
      const event = chaosMeshEvent({ reason: 'Started', at: T0, uid: 'u', name: 'n' });
      breakIt(event);
      expect(paths(() => adaptChaosMesh(event, ctx))).toEqual([path]);
    }
    const nulls = chaosMeshEvent({ reason: 'Started', at: T0, uid: 'u', name: 'n' });
    (nulls.involvedObject as { labels: unknown }).labels = null;
    (nulls.involvedObject as { annotations?: unknown }).annotations = null;
    expect(paths(() => adaptChaosMesh(nulls, ctx))).toEqual(['involvedObject.labels']);
  });
});

describe('incident receivers: refusals', () => {
  it('names the fields of a PagerDuty incident event', () => {
    const event = pagerDutyEvent({ type: 'incident.triggered', at: T0, createdAt: T0, service: 'Ledger DB' });
    const data = event.event.data as Record<string, unknown>;
    const bad: [Record<string, unknown>, string][] = [
      [{ id: '' }, 'id'],
      [{ type: 'service' }, 'type'],
      [{ html_url: 5 }, 'html_url'],
      [{ number: 'x' }, 'number'],
      [{ status: 5 }, 'status'],
      [{ title: 5 }, 'title'],
      [{ created_at: 5 }, 'created_at'],
      [{ service: { summary: 5 } }, 'service.summary'],
      [{ teams: [{ summary: 5 }] }, 'teams[0].summary'],
      [{ priority: { summary: 5 } }, 'priority.summary'],
      [{ urgency: 5 }, 'urgency'],
    ];
    for (const [change, path] of bad)
      expect(
        paths(() => adaptPagerDutyIncident({ event: { ...event.event, data: { ...data, ...change } } }, ctx))
      ).toEqual([`event.data.${path}`]);
    expect(paths(() => adaptPagerDutyIncident({ event: { ...event.event, event_type: '' } }, ctx))).toEqual([
      'event.event_type',
    ]);
    expect(paths(() => adaptPagerDutyIncident({ event: { ...event.event, occurred_at: 5 } }, ctx))).toEqual([
      'event.occurred_at',
    ]);
    expect(paths(() => adaptPagerDutyIncident({ event: { ...event.event, id: 5 } }, ctx))).toEqual(['event.id']);
    expect(paths(() => adaptPagerDutyIncident({ event: { ...event.event, agent: { summary: 5 } } }, ctx))).toEqual([
      'event.agent.summary',
    ]);
    expect(paths(() => adaptPagerDutyIncident({ event: { ...event.event, agent: { type: 5 } } }, ctx))).toEqual([
      'event.agent.type',
    ]);
    expect(paths(() => adaptPagerDutyIncident({ event: { ...event.event, data: 'x' } }, ctx))).toEqual(['event.data']);
    const note = pagerDutyNote(T0);
    const noteData = note.event.data as Record<string, unknown>;
    expect(
      paths(() => adaptPagerDutyIncident({ event: { ...note.event, data: { ...noteData, type: 'x' } } }, ctx))
    ).toEqual(['event.data.type']);
    expect(
      paths(() => adaptPagerDutyIncident({ event: { ...note.event, data: { ...noteData, content: 5 } } }, ctx))
    ).toEqual(['event.data.content']);
    for (const [field, value] of [
      ['id', ''],
      ['summary', 5],
      ['html_url', 5],
    ] as const)
      expect(
        paths(() =>
          adaptPagerDutyIncident(
            {
              event: {
                ...note.event,
                data: { ...noteData, incident: { ...(noteData.incident as object), [field]: value } },
              },
            },
            ctx
          )
        )
      ).toEqual([`event.data.incident.${field}`]);
    expect(issuesOf(() => adaptPagerDutyIncident(pagerDutyNote(T0, 'bad-id'), ctx))).toEqual([
      { path: 'event.data.id', message: 'must be a PagerDuty incident id' },
    ]);
  });

  it('names the fields of an Opsgenie action', () => {
    const body = opsgenieAction({ action: 'Create', createdAt: Date.parse(T0) });
    const bad: [Record<string, unknown>, string][] = [
      [{ alertId: '' }, 'alertId'],
      [{ createdAt: -1 }, 'createdAt'],
      [{ updatedAt: -1 }, 'updatedAt'],
      [{ message: 5 }, 'message'],
      [{ tinyId: 5 }, 'tinyId'],
      [{ alias: 5 }, 'alias'],
      [{ entity: 5 }, 'entity'],
      [{ source: 5 }, 'source'],
      [{ priority: 5 }, 'priority'],
      [{ username: 5 }, 'username'],
      [{ tags: [5] }, 'tags[0]'],
      [{ teams: [5] }, 'teams[0]'],
      [{ details: 'x' }, 'details'],
    ];
    for (const [change, path] of bad)
      expect(paths(() => adaptOpsgenie({ ...body, alert: { ...body.alert, ...change } }, ctx))).toEqual([
        `alert.${path}`,
      ]);
    expect(paths(() => adaptOpsgenie({ ...body, action: '' }, ctx))).toEqual(['action']);
    expect(paths(() => adaptOpsgenie({ ...body, escalationName: 5 }, ctx))).toEqual(['escalationName']);
    expect(paths(() => adaptOpsgenie({ ...body, source: { name: 5 } }, ctx))).toEqual(['source.name']);
    expect(paths(() => adaptOpsgenie({ ...body, source: { type: 5 } }, ctx))).toEqual(['source.type']);
  });

  it('names the fields of a Grafana OnCall webhook', () => {
    const body = onCallEvent({ type: 'escalation', time: T0, createdAt: T0 });
    const group = body.alert_group as Record<string, unknown>;
    const bad: [Record<string, unknown>, string][] = [
      [{ id: '' }, 'id'],
      [{ state: 5 }, 'state'],
      [{ title: 5 }, 'title'],
      [{ created_at: 5 }, 'created_at'],
      [{ acknowledged_at: 5 }, 'acknowledged_at'],
      [{ resolved_at: 5 }, 'resolved_at'],
      [{ permalinks: { web: 5 } }, 'permalinks.web'],
      [{ labels: 'x' }, 'labels'],
    ];
    for (const [change, path] of bad)
      expect(paths(() => adaptGrafanaOnCall({ ...body, alert_group: { ...group, ...change } }, ctx))).toEqual([
        `alert_group.${path}`,
      ]);
    expect(paths(() => adaptGrafanaOnCall({ ...body, event: { type: '', time: T0 } }, ctx))).toEqual(['event.type']);
    expect(paths(() => adaptGrafanaOnCall({ ...body, event: { type: 'escalation' } }, ctx))).toEqual(['event.time']);
    expect(paths(() => adaptGrafanaOnCall({ ...body, user: { username: 5 } }, ctx))).toEqual(['user.username']);
    expect(paths(() => adaptGrafanaOnCall({ ...body, user: { email: 5 } }, ctx))).toEqual(['user.email']);
    expect(paths(() => adaptGrafanaOnCall({ ...body, alert_payload: { labels: 'x' } }, ctx))).toEqual([
      'alert_payload.labels',
    ]);
    expect(paths(() => adaptGrafanaOnCall({ ...body, alert_payload: { startsAt: 5 } }, ctx))).toEqual([
      'alert_payload.startsAt',
    ]);
    for (const field of ['name', 'type', 'team', 'labels'])
      expect(paths(() => adaptGrafanaOnCall({ ...body, integration: { [field]: 5 } }, ctx))).toEqual([
        `integration.${field}`,
      ]);
    expect(paths(() => adaptGrafanaOnCall({ ...body, alert_group_acknowledged_by: { username: 5 } }, ctx))).toEqual([
      'alert_group_acknowledged_by.username',
    ]);
    expect(paths(() => adaptGrafanaOnCall({ ...body, alert_group_resolved_by: { email: 5 } }, ctx))).toEqual([
      'alert_group_resolved_by.email',
    ]);
    // Nullable parts may be null.
    const nulls = {
      ...body,
      user: null,
      alert_payload: null,
      integration: { name: 'ledger-db', type: null, team: null, labels: null },
    };
    expect(
      adaptGrafanaOnCall({ ...nulls, alert_group: { ...group, title: null, labels: null, permalinks: {} } }, ctx)
        .items[0]!.input
    ).toMatchObject({
      title: 'grafana-oncall incident I6HNZGUFG4K11',
      service: 'ledger-db',
    });
  });

  it('names the fields of a Grafana Incident webhook', () => {
    const body = grafanaIncidentEvent({
      event: 'grafana.incident.created',
      time: T0,
      createdAt: T0,
      labels: [{ key: 'team', label: 'ledger' }],
    });
    const bad: [Record<string, unknown>, string][] = [
      [{ incidentID: '' }, 'incidentID'],
      [{ title: 5 }, 'title'],
      [{ severity: 5 }, 'severity'],
      [{ status: 5 }, 'status'],
      [{ isDrill: 'yes' }, 'isDrill'],
      [{ createdTime: 5 }, 'createdTime'],
      [{ modifiedTime: 5 }, 'modifiedTime'],
      [{ closedTime: 5 }, 'closedTime'],
      [{ incidentStart: 5 }, 'incidentStart'],
      [{ incidentEnd: 5 }, 'incidentEnd'],
      [{ overviewURL: 5 }, 'overviewURL'],
      [{ createdByUser: { name: 5 } }, 'createdByUser.name'],
      [{ roles: [{ role: 5 }] }, 'roles[0].role'],
      [{ roles: [{ user: { name: 5 } }] }, 'roles[0].user.name'],
    ];
    for (const [change, path] of bad)
      expect(paths(() => adaptGrafanaIncident({ ...body, incident: { ...body.incident, ...change } }, ctx))).toEqual([
        `incident.${path}`,
      ]);
    expect(paths(() => adaptGrafanaIncident({ ...body, incident: { ...body.incident, labels: [5] } }, ctx))[0]).toMatch(
      /^incident\.labels\[0\]/
    );
    expect(
      paths(() => adaptGrafanaIncident({ ...body, incident: { ...body.incident, labels: [{ key: 5 }] } }, ctx))[0]
    ).toMatch(/^incident\.labels\[0\]/);
    expect(paths(() => adaptGrafanaIncident({ ...body, event: '' }, ctx))).toEqual(['event']);
    expect(paths(() => adaptGrafanaIncident({ ...body, time: 5 }, ctx))).toEqual(['time']);
    expect(paths(() => adaptGrafanaIncident({ ...body, time: 'x' }, ctx))).toEqual(['time']);
    expect(
      paths(() => adaptGrafanaIncident({ ...body, incident: { ...body.incident, createdTime: 'x' } }, ctx))
    ).toEqual(['incident.createdTime']);
    const { time: _t, ...untimed } = body;
    expect(
      paths(() => adaptGrafanaIncident({ ...untimed, incident: { ...body.incident, modifiedTime: 'x' } }, ctx))
    ).toEqual(['incident.modifiedTime']);
    expect(
      paths(() => adaptGrafanaIncident({ ...body, incident: { ...body.incident, incidentStart: 'x' } }, ctx))
    ).toEqual(['incident.incidentStart']);
    const resolved = { ...body, incident: { ...body.incident, status: 'resolved' } };
    expect(
      paths(() => adaptGrafanaIncident({ ...resolved, incident: { ...resolved.incident, incidentEnd: 'x' } }, ctx))
    ).toEqual(['incident.incidentEnd']);
    expect(
      paths(() =>
        adaptGrafanaIncident({ ...resolved, incident: { ...resolved.incident, incidentEnd: '', closedTime: 'x' } }, ctx)
      )
    ).toEqual(['incident.closedTime']);
    // Nullable parts may be null.
    const nulls = {
      ...body,
      incident: { ...body.incident, roles: null, createdByUser: null, closedTime: null, incidentStart: null },
    };
    expect(adaptGrafanaIncident(nulls, ctx).items[0]!.input).toMatchObject({
      team: 'ledger',
      detectionSource: 'monitoring',
    });
  });

  it('names the fields of an incident.io webhook', () => {
    const type = 'public_incident.incident_created_v2';
    const body = incidentIoEvent({ createdAt: T0 }) as Record<string, unknown>;
    const incident = body[type] as Record<string, unknown>;
    const bad: [Record<string, unknown>, string][] = [
      [{ id: '' }, 'id'],
      [{ reference: 5 }, 'reference'],
      [{ name: 5 }, 'name'],
      [{ permalink: 5 }, 'permalink'],
      [{ mode: 5 }, 'mode'],
      [{ created_at: 5 }, 'created_at'],
      [{ updated_at: 5 }, 'updated_at'],
      [{ severity: { name: 5 } }, 'severity.name'],
      [{ incident_status: { category: 5 } }, 'incident_status.category'],
      [{ incident_status: { name: 5 } }, 'incident_status.name'],
      [
        { incident_timestamp_values: [{ incident_timestamp: { name: 5 } }] },
        'incident_timestamp_values[0].incident_timestamp.name',
      ],
      [
        { incident_timestamp_values: [{ incident_timestamp: {}, value: { value: 5 } }] },
        'incident_timestamp_values[0].value.value',
      ],
      [{ custom_field_entries: [{ custom_field: { name: 5 } }] }, 'custom_field_entries[0].custom_field.name'],
      [
        { custom_field_entries: [{ custom_field: {}, values: [{ value_text: 5 }] }] },
        'custom_field_entries[0].values[0].value_text',
      ],
      [
        { custom_field_entries: [{ custom_field: {}, values: [{ value_option: { value: 5 } }] }] },
        'custom_field_entries[0].values[0].value_option.value',
      ],
      [
        { custom_field_entries: [{ custom_field: {}, values: [{ value_catalog_entry: { name: 5 } }] }] },
        'custom_field_entries[0].values[0].value_catalog_entry.name',
      ],
      [{ creator: 'x' }, 'creator'],
      [{ postmortem_document_url: 5 }, 'postmortem_document_url'],
    ];
    for (const [change, path] of bad)
      expect(paths(() => adaptIncidentIo({ ...body, [type]: { ...incident, ...change } }, ctx))).toEqual([
        `${type}.${path}`,
      ]);
    expect(paths(() => adaptIncidentIo({ event_type: '' }, ctx))).toEqual(['event_type']);
    expect(paths(() => adaptIncidentIo({ ...body, [type]: { ...incident, created_at: 'x' } }, ctx))).toEqual([
      `${type}.created_at`,
    ]);
    expect(paths(() => adaptIncidentIo({ ...body, [type]: { ...incident, updated_at: 'x' } }, ctx))).toEqual([
      `${type}.updated_at`,
    ]);
    // A timestamp without a value, and a custom field without values, are skipped.
    const sparse = {
      ...incident,
      incident_timestamp_values: [{ incident_timestamp: { name: 'Impact started' }, value: null }],
      custom_field_entries: [
        { custom_field: { name: 'Affected services' } },
        { custom_field: { name: 'service' }, values: [{ value_text: 'ledger-db' }] },
      ],
    };
    expect(adaptIncidentIo({ ...body, [type]: sparse }, ctx).items[0]!.input).toMatchObject({
      service: 'ledger-db',
      startedAt: T0,
    });
  });
});
