/**
 * The alert, finding, Jira and chaos receivers' adapters called directly (no server, no store):
 * Alertmanager webhooks (alerts and inspection findings), Jira issues (incidents and improvement
 * actions), LitmusChaos results and Chaos Mesh events, each on its documented example
 * (ingest-fixtures.ts, ingest-tools-fixtures.ts) with the record it must make written out by hand,
 * and the merges that keep re-sent or late deliveries from undoing what is stored.
 * The HTTP side (signature, 400s, idempotence in the store, KPIs) is in ingest.test.ts and
 * ingest-tools.test.ts.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adaptAlertmanager, isGoZeroTime, mergeAlert } from '../src/ingest/alertmanager.js';
import { adaptChaosMesh, chaosMeshScore } from '../src/ingest/chaos-mesh.js';
import { drillOwner } from '../src/ingest/drills.js';
import { adaptFindings, mergeFinding } from '../src/ingest/findings.js';
import { adaptJira, jiraIncidentId, mergeJiraIncident } from '../src/ingest/jira.js';
import { adaptLitmus, mergeLitmus } from '../src/ingest/litmus.js';
import { adaptContext, issuesOf } from './ingest-adapter-fixtures.js';
import { amNotification, type AmAlert } from './ingest-fixtures.js';
import { chaosMeshEvent, chaosResult, jiraIssueEvent } from './ingest-tools-fixtures.js';

const ctx = adaptContext();
const T = (minute: number, hour = 10, day = 1) =>
  `2026-03-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00.000Z`;
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);
/** 2026-03-01T10:00:00Z in epoch ms, as record ids carry it. */
const T0_MS = 1772359200000;

const alert = (o: Partial<AmAlert> = {}): AmAlert => ({
  status: 'firing',
  labels: { alertname: 'HighErrorRate', app: 'ledger-db', severity: 'critical' },
  startsAt: T(0),
  fingerprint: 'AbC123',
  ...o,
});

describe('Alertmanager alerts', () => {
  it('makes one record per alert, keyed by fingerprint and start, owned by the configured service label', () => {
    expect(adaptAlertmanager(amNotification([alert()]), ctx)).toStrictEqual({
      ignored: 0,
      unassigned: 0,
      items: [
        {
          id: `am-abc123-${T0_MS}`,
          origin: 'alerts[0]',
          input: {
            name: 'HighErrorRate',
            severity: 'critical',
            service: 'ledger-db',
            fingerprint: 'abc123',
            startsAt: T(0),
          },
        },
      ],
    });
  });

  it('ends a resolved alert at endsAt (never before its start); a firing one or Go zero time has no end', () => {
    const one = (a: Partial<AmAlert>) => adaptAlertmanager(amNotification([alert(a)]), ctx).items[0]!.input;
    expect(one({ status: 'resolved', endsAt: T(9) }).endsAt).toBe(T(9));
    expect(one({ status: 'resolved', endsAt: T(0) }).endsAt).toBe(T(0));
    expect(one({ status: 'resolved', endsAt: '2026-03-01T09:59:59.900Z' }).endsAt).toBe(T(0));
    expect(one({ status: 'firing', endsAt: T(9) })).not.toHaveProperty('endsAt');
    expect(one({ status: 'resolved', endsAt: '0001-01-01T00:00:00Z' })).not.toHaveProperty('endsAt');
    expect(
      issuesOf(() => adaptAlertmanager(amNotification([alert(), alert({ status: 'resolved', endsAt: 'x' })]), ctx))
    ).toEqual([{ path: 'alerts[1].endsAt', message: expect.stringContaining('ISO 8601') }]);
    expect(issuesOf(() => adaptAlertmanager(amNotification([alert({ startsAt: 'x' })]), ctx))[0]!.path).toBe(
      'alerts[0].startsAt'
    );
  });

  it('falls back to the team label, then the unassigned team (counted); default severity and name', () => {
    const adapted = adaptAlertmanager(
      amNotification([
        alert({ labels: { team: ' ledger ' } }),
        alert({ labels: { app: 'nothing', team: 'nobody' }, fingerprint: 'f2' }),
        alert({ labels: { job: 'catalog' }, fingerprint: 'f3' }),
        alert({ labels: { app: ' ' }, fingerprint: 'f4' }),
      ]),
      ctx
    );
    expect(adapted.unassigned).toBe(2);
    expect(adapted.items.map((i) => i.input)).toStrictEqual([
      { name: 'unnamed', severity: 'none', team: 'ledger', fingerprint: 'abc123', startsAt: T(0) },
      { name: 'unnamed', severity: 'none', team: 'unassigned', fingerprint: 'f2', startsAt: T(0) },
      { name: 'unnamed', severity: 'none', service: 'catalog-web', fingerprint: 'f3', startsAt: T(0) },
      { name: 'unnamed', severity: 'none', team: 'unassigned', fingerprint: 'f4', startsAt: T(0) },
    ]);
    const own = adaptContext({
      alertmanager: {
        labels: { service: 'svc', team: 'squad', severity: 'level', name: 'rule' },
        defaultSeverity: 'info',
      },
    });
    expect(
      adaptAlertmanager(amNotification([alert({ labels: { svc: 'checkout-api', rule: 'R', level: 'page' } })]), own)
        .items[0]!.input
    ).toMatchObject({
      name: 'R',
      severity: 'page',
      service: 'checkout-api',
    });
    expect(
      adaptAlertmanager(amNotification([alert({ labels: { squad: 'catalog' } })]), own).items[0]!.input
    ).toMatchObject({
      severity: 'info',
      team: 'catalog',
    });
  });

  it('clips long names and severities instead of refusing the batch', () => {
    const input = adaptAlertmanager(
      amNotification([alert({ labels: { alertname: 'n'.repeat(400), severity: 's'.repeat(80), app: 'ledger-db' } })]),
      ctx
    ).items[0]!.input;
    expect(input.name).toBe('n'.repeat(300));
    expect(input.severity).toBe('s'.repeat(50));
  });

  it('refuses another payload version, a bad fingerprint and more than 10000 alerts, naming the field', () => {
    expect(issuesOf(() => adaptAlertmanager({ ...amNotification([alert()]), version: '3' }, ctx))).toEqual([
      { path: 'version', message: 'only Alertmanager webhook payload version "4" is understood' },
    ]);
    expect(issuesOf(() => adaptAlertmanager(amNotification([alert({ fingerprint: 'xyz' })]), ctx))).toEqual([
      { path: 'alerts[0].fingerprint', message: 'must be the hexadecimal alert fingerprint' },
    ]);
    expect(issuesOf(() => adaptAlertmanager(amNotification(new Array(10_001).fill(alert())), ctx))[0]!.path).toBe(
      'alerts'
    );
    expect(adaptAlertmanager(amNotification(new Array(10_000).fill(alert())), ctx).items).toHaveLength(10_000);
  });

  it('knows Go zero time in any spelling', () => {
    expect(isGoZeroTime('0001-01-01T00:00:00Z')).toBe(true);
    expect(isGoZeroTime('0001-01-01T00:00:00.000Z')).toBe(true);
    expect(isGoZeroTime('0001-01-01T00:00:01Z')).toBe(false);
    expect(isGoZeroTime(T(0))).toBe(false);
    expect(isGoZeroTime(undefined)).toBe(false);
  });

  it('merges a notification into the stored alert: what people set is kept, a stale firing does not reopen', () => {
    const stored = {
      name: 'HighErrorRate',
      severity: 'critical',
      team: 'ledger',
      fingerprint: 'abc123',
      startsAt: T(0),
      endsAt: T(9),
      verdict: 'actionable',
      incident: 'inc-1',
    };
    const firing = {
      name: 'HighErrorRate',
      severity: 'critical',
      team: 'unassigned',
      fingerprint: 'abc123',
      startsAt: T(1),
    };
    // An owner given by hand to an unassigned alert stays; the stale firing keeps the end and start.
    expect(mergeAlert(firing, stored)).toStrictEqual({ ...stored });
    const { team: _t, ...serviceOwned } = { ...stored, service: 'checkout-api' };
    expect(mergeAlert(firing, serviceOwned)).toStrictEqual(serviceOwned);
    // An open alert takes the moved start; a newly mapped owner replaces the stored one.
    const open = { ...stored, endsAt: undefined, verdict: undefined };
    expect(mergeAlert({ ...firing, service: 'ledger-db', team: undefined }, open)).toStrictEqual({
      ...firing,
      service: 'ledger-db',
      team: undefined,
      startsAt: T(1),
      endsAt: undefined,
      verdict: null,
      incident: 'inc-1',
    });
    expect(mergeAlert(firing, { ...open, team: 'unassigned' })).toMatchObject({ team: 'unassigned', startsAt: T(1) });
    expect(mergeAlert({ ...firing, endsAt: T(20) }, stored)).toMatchObject({ startsAt: T(1), endsAt: T(20) });
  });
});

describe('inspection findings', () => {
  const finding = (o: Partial<AmAlert> = {}) =>
    alert({
      labels: { alertname: 'DiskAlmostFull', app: 'ledger-db', severity: 'critical', target_type: 'database' },
      ...o,
    });

  it('opens one finding per firing episode, due by the severity policy', () => {
    expect(adaptFindings(amNotification([finding()]), ctx)).toStrictEqual({
      ignored: 0,
      items: [
        {
          id: `finding-abc123-${T0_MS}`,
          origin: 'alerts[0]',
          input: {
            check: 'DiskAlmostFull',
            targetType: 'database',
            severity: 'critical',
            service: 'ledger-db',
            foundAt: T(0),
            dueAt: T(0, 10, 8),
            fingerprint: 'abc123',
          },
        },
      ],
    });
  });

  it('dues by warning, info and unknown severities, and the configured policy', () => {
    const due = (severity: string | undefined, c = ctx) => {
      const labels: Record<string, string> = { app: 'ledger-db', ...(severity ? { severity } : {}) };
      return adaptFindings(amNotification([finding({ labels })]), c).items[0]!.input;
    };
    expect(due('warning').dueAt).toBe(T(0, 10, 31));
    expect(due('info').dueAt).toBe('2026-05-30T10:00:00.000Z');
    expect(due('page').dueAt).toBe(T(0, 10, 31));
    expect(due(undefined)).toMatchObject({
      severity: 'none',
      dueAt: T(0, 10, 31),
      check: 'unnamed',
      targetType: 'other',
    });
    const policy = adaptContext({
      findings: { dueDays: { page: 2 }, defaultDueDays: 10, defaultTargetType: 'server', targetTypeLabel: 'kind' },
    });
    expect(due('page', policy).dueAt).toBe(T(0, 10, 3));
    expect(due('critical', policy)).toMatchObject({ dueAt: T(0, 10, 11), targetType: 'server' });
    const kind = adaptFindings(
      amNotification([finding({ labels: { app: 'ledger-db', kind: 'network', target_type: 'database' } })]),
      policy
    );
    expect(kind.items[0]!.input.targetType).toBe('network');
    const unknownType = adaptFindings(
      amNotification([finding({ labels: { app: 'ledger-db', target_type: 'fridge' } })]),
      ctx
    );
    expect(unknownType.items[0]!.input.targetType).toBe('other');
  });

  it('closes on resolved (never before found), not on Go zero time or while firing', () => {
    const one = (a: Partial<AmAlert>) => adaptFindings(amNotification([finding(a)]), ctx).items[0]!.input;
    expect(one({ status: 'resolved', endsAt: T(30) }).closedAt).toBe(T(30));
    expect(one({ status: 'resolved', endsAt: '2026-03-01T09:00:00Z' }).closedAt).toBe(T(0));
    expect(one({ status: 'resolved', endsAt: '0001-01-01T00:00:00Z' })).not.toHaveProperty('closedAt');
    expect(one({ status: 'firing', endsAt: T(30) })).not.toHaveProperty('closedAt');
    expect(
      issuesOf(() => adaptFindings(amNotification([finding({ status: 'resolved', endsAt: 'x' })]), ctx))[0]!.path
    ).toBe('alerts[0].endsAt');
  });

  it('is owned by a team label when no service maps, and refused when neither does', () => {
    const team = adaptFindings(amNotification([finding({ labels: { team: 'catalog', app: ' ' } })]), ctx).items[0]!
      .input;
    expect(team).toMatchObject({ team: 'catalog' });
    expect(team).not.toHaveProperty('service');
    const byRule = adaptFindings(amNotification([finding({ labels: { job: 'catalog' } })]), ctx).items[0]!.input;
    expect(byRule).toMatchObject({ service: 'catalog-web' });
    expect(
      issuesOf(() => adaptFindings(amNotification([finding(), finding({ labels: { app: 'x', team: 'nobody' } })]), ctx))
    ).toEqual([
      {
        path: 'alerts[1].labels.app',
        message:
          'no known service or team: set the "app" or "team" label on the inspection rule, or map its labels in ingestion.services',
      },
    ]);
    expect(() => adaptFindings(amNotification([finding({ labels: { team: ' ' } })]), ctx)).toThrow(
      /no known service or team/
    );
  });

  it('merges: the due date stays, a stale firing neither reopens nor moves a closed finding', () => {
    const stored = { check: 'c', foundAt: T(0), dueAt: T(0, 10, 8), closedAt: T(30) };
    expect(mergeFinding({ check: 'c', foundAt: T(5), dueAt: T(5, 10, 31) }, stored)).toStrictEqual({
      check: 'c',
      foundAt: T(0),
      dueAt: T(0, 10, 8),
      closedAt: T(30),
    });
    const open = { check: 'c', foundAt: T(0), dueAt: T(0, 10, 8) };
    expect(mergeFinding({ check: 'c', foundAt: T(5), dueAt: T(5, 10, 31) }, open)).toStrictEqual({
      check: 'c',
      foundAt: T(5),
      dueAt: T(0, 10, 8),
      closedAt: undefined,
    });
    expect(mergeFinding({ check: 'c', foundAt: T(5), dueAt: T(5, 10, 31), closedAt: T(40) }, stored)).toStrictEqual({
      check: 'c',
      foundAt: T(5),
      dueAt: T(0, 10, 8),
      closedAt: T(40),
    });
    expect(
      mergeFinding({ check: 'c', foundAt: T(5), dueAt: T(5, 10, 31) }, { check: 'c', foundAt: T(0) })
    ).toMatchObject({
      dueAt: T(5, 10, 31),
    });
  });
});

/** Jira prints offsets without a colon. */
const jira = (iso: string) => iso.replace('Z', '+0000');

describe('Jira incidents', () => {
  const issue = (
    o: Partial<Parameters<typeof jiraIssueEvent>[1]> = {},
    event: 'jira:issue_created' | 'jira:issue_updated' | 'jira:issue_deleted' = 'jira:issue_created'
  ) =>
    jiraIssueEvent(event, {
      id: '99291',
      key: 'OPS-20',
      issuetype: 'Incident',
      summary: 'Checkout is down',
      created: jira(T(0)),
      priority: 'High',
      components: ['payments-gateway'],
      ...o,
    });

  it('turns an incident issue into an incident: component mapped, priority mapped, browse link', () => {
    expect(adaptJira(issue(), ctx)).toStrictEqual({
      collection: 'incidents',
      merge: mergeJiraIncident,
      ignored: 0,
      items: [
        {
          id: 'jira-99291',
          origin: 'issue',
          input: {
            title: 'OPS-20 Checkout is down',
            priority: 'P2',
            service: 'checkout-api',
            startedAt: T(0),
            detectedAt: T(0),
            detectionSource: 'other',
            source: 'jira',
            sourceUrl: 'https://acme.atlassian.net/browse/OPS-20',
            sourceUpdatedAt: T(0),
          },
        },
      ],
    });
    expect(jiraIncidentId('1')).toBe('jira-1');
  });

  it('is recovered and resolved at the resolution date, in any offset', () => {
    expect(
      adaptJira(issue({ resolutiondate: '2026-03-01T11:30:00.000+0100' }, 'jira:issue_updated'), ctx).items[0]!.input
    ).toMatchObject({
      recoveredAt: T(30),
      resolvedAt: T(30),
      sourceUpdatedAt: T(30),
    });
  });

  it('reads start and recovery from configured custom fields; detection is not before the start', () => {
    const fields = adaptContext({ jira: { fields: { startedAt: 'customfield_1', recoveredAt: 'customfield_2' } } });
    const earlier = issue({
      resolutiondate: jira(T(40)),
      extra: { customfield_1: '2026-03-01T09:50:00.000+0000', customfield_2: jira(T(20)) },
    });
    expect(adaptJira(earlier, fields).items[0]!.input).toMatchObject({
      startedAt: T(50, 9),
      detectedAt: T(0),
      recoveredAt: T(20),
      resolvedAt: T(40),
    });
    const later = issue({ extra: { customfield_1: jira(T(5)), customfield_2: '' } });
    const input = adaptJira(later, fields).items[0]!.input;
    expect(input).toMatchObject({ startedAt: T(5), detectedAt: T(5) });
    expect(input).not.toHaveProperty('recoveredAt');
    expect(issuesOf(() => adaptJira(issue({ extra: { customfield_1: 'soon' } }), fields))).toEqual([
      { path: 'issue.fields.customfield_1', message: expect.stringContaining('ISO 8601') },
    ]);
  });

  it('is an incident by type or label; other issues and deletions are ignored', () => {
    expect(adaptJira(issue({ issuetype: 'Bug', labels: ['incident'] }), ctx).items).toHaveLength(1);
    expect(adaptJira(issue({ issuetype: 'Bug' }), ctx)).toEqual({ items: [], ignored: 1 });
    expect(adaptJira(issue({}, 'jira:issue_deleted'), ctx)).toEqual({ items: [], ignored: 1 });
    const custom = adaptContext({ jira: { incidents: { issueTypes: ['Outage'], labels: [] } } });
    expect(adaptJira(issue({ issuetype: 'Outage' }), custom).items).toHaveLength(1);
    expect(adaptJira(issue({ issuetype: 'Incident', labels: ['incident'] }), custom)).toEqual({
      items: [],
      ignored: 1,
    });
    const body = issue();
    (body.issue.fields as { issuetype: unknown }).issuetype = null;
    expect(adaptJira(body, ctx)).toEqual({ items: [], ignored: 1 });
  });

  it('maps by project through a rule, takes the priority name as a string, and links only a valid self', () => {
    const byProject = adaptContext({ services: [{ labels: { project: 'OPS' }, service: 'ledger-db' }] });
    const body = issue({ components: [], summary: '' });
    (body.issue.fields as { priority: unknown }).priority = 'Highest';
    expect(adaptJira(body, byProject).items[0]!.input).toMatchObject({
      title: 'OPS-20',
      priority: 'P1',
      service: 'ledger-db',
    });
    // A project key equal to a service id.
    const byKey = issue({ components: [] });
    byKey.issue.fields.project.key = 'catalog-web';
    expect(adaptJira(byKey, ctx).items[0]!.input.service).toBe('catalog-web');
    const noSelf = issue();
    (noSelf.issue as { self?: string }).self = 'not a url';
    expect(adaptJira(noSelf, ctx).items[0]!.input).not.toHaveProperty('sourceUrl');
    delete (noSelf.issue as { self?: string }).self;
    expect(adaptJira(noSelf, ctx).items[0]!.input).not.toHaveProperty('sourceUrl');
    const odd = issue({ key: 'OPS 20' as string });
    expect(adaptJira(odd, ctx).items[0]!.input.sourceUrl).toBe('https://acme.atlassian.net/browse/OPS%2020');
    const noUpdate = issue();
    noUpdate.issue.fields.updated = null as never;
    expect(adaptJira(noUpdate, ctx).items[0]!.input).not.toHaveProperty('sourceUpdatedAt');
    const detection = adaptContext({ jira: { detectionSource: 'monitoring' } });
    expect(adaptJira(issue(), detection).items[0]!.input.detectionSource).toBe('monitoring');
  });

  it('names what is wrong: an unhandled event, no mapped service, a bad time', () => {
    expect(issuesOf(() => adaptJira({ ...issue(), webhookEvent: 'comment_created' }, ctx))).toEqual([
      {
        path: 'webhookEvent',
        message: '"comment_created" is not handled; subscribe the webhook to Issue created, updated and deleted only',
      },
    ]);
    expect(issuesOf(() => adaptJira(issue({ components: ['a', 'b'] }), ctx))).toEqual([
      {
        path: 'issue.fields.components',
        message: 'no service is mapped for project "OPS" or components [a, b] (ingestion.services in the config)',
      },
    ]);
    const noProject = issue({ components: [] });
    (noProject.issue.fields as { project: unknown }).project = null;
    expect(issuesOf(() => adaptJira(noProject, ctx))[0]!.message).toContain('project "" or components []');
    expect(issuesOf(() => adaptJira(issue({ created: '1 March' }), ctx))[0]!.path).toBe('issue.fields.created');
    expect(issuesOf(() => adaptJira(issue({ resolutiondate: 'x' }), ctx))[0]!.path).toBe('issue.fields.resolutiondate');
    const badUpdate = issue();
    badUpdate.issue.fields.updated = 'x';
    expect(issuesOf(() => adaptJira(badUpdate, ctx))[0]!.path).toBe('issue.fields.updated');
    expect(issuesOf(() => adaptJira(null, ctx))).toEqual([{ path: 'body', message: 'must be a JSON object' }]);
    expect(issuesOf(() => adaptJira({ ...issue(), webhookEvent: 7 }, ctx))[0]!.path).toBe('webhookEvent');
  });

  it('merges: Jira owns its fields, people own the rest, an older issue state is no update', () => {
    const stored = {
      title: 'OPS-20 old',
      priority: 'P3',
      startedAt: T(0),
      recoveredAt: T(30),
      acknowledgedAt: T(5),
      detectionSource: 'user',
      cause: 'change',
      causedByChange: 'gh-1',
      postmortemUrl: 'https://docs.example/pm',
      drill: false,
      steps: [{ step: 'response', at: T(5), owner: 'Ken' }],
      sourceUpdatedAt: T(30),
    };
    const incoming = {
      title: 'OPS-20 new',
      priority: 'P1',
      startedAt: T(0),
      detectionSource: 'other',
      sourceUpdatedAt: T(40),
    };
    expect(mergeJiraIncident(incoming, stored)).toStrictEqual({
      ...incoming,
      recoveredAt: T(30),
      acknowledgedAt: T(5),
      detectionSource: 'user',
      cause: 'change',
      causedByChange: 'gh-1',
      postmortemUrl: 'https://docs.example/pm',
      drill: false,
    });
    expect(mergeJiraIncident({ ...incoming, sourceUpdatedAt: T(20) }, stored)).toBe(stored);
    expect(mergeJiraIncident({ ...incoming, sourceUpdatedAt: T(30) }, stored).title).toBe('OPS-20 new');
    expect(mergeJiraIncident({ ...incoming, recoveredAt: T(45) }, stored).recoveredAt).toBe(T(45));
    const { sourceUpdatedAt: _s, ...untimed } = incoming;
    expect(mergeJiraIncident(untimed, stored).title).toBe('OPS-20 new');
    expect(mergeJiraIncident(incoming, { ...stored, sourceUpdatedAt: undefined }).title).toBe('OPS-20 new');
    expect(mergeJiraIncident(incoming, { ...stored, detectionSource: undefined }).detectionSource).toBe('other');
  });
});

describe('Jira improvement actions', () => {
  const action = (o: Partial<Parameters<typeof jiraIssueEvent>[1]> = {}) =>
    jiraIssueEvent('jira:issue_updated', {
      id: '99300',
      key: 'OPS-21',
      issuetype: 'Task',
      labels: ['postmortem-action'],
      summary: 'Alert on pool exhaustion',
      created: jira(T(0)),
      assignee: 'Ken Thompson',
      duedate: '2026-03-15',
      links: [{ id: '99291', key: 'OPS-20', issuetype: 'Incident' }],
      ...o,
    });

  it('turns a follow-up into an action of the linked incident, due at the end of its due day', () => {
    const adapted = adaptJira(action(), ctx);
    expect(adapted).toStrictEqual({
      collection: 'actions',
      merge: expect.any(Function),
      ignored: 0,
      items: [
        {
          id: 'jira-action-99300',
          origin: 'issue',
          input: {
            incident: 'jira-99291',
            title: 'OPS-21 Alert on pool exhaustion',
            owner: 'Ken Thompson',
            dueAt: '2026-03-15T23:59:59.999Z',
          },
        },
      ],
    });
    expect(adaptJira(action({ resolutiondate: jira(T(0, 12, 9)) }), ctx).items[0]!.input.completedAt).toBe(T(0, 12, 9));
  });

  it('is due actionDueDays after creation without a due date; a due time is read as given', () => {
    expect(adaptJira(action({ duedate: null }), ctx).items[0]!.input.dueAt).toBe(T(0, 10, 31));
    const days = adaptContext({ jira: { actionDueDays: 7, actions: { issueTypes: ['Task'] } } });
    expect(adaptJira(action({ duedate: '' }), days).items[0]!.input.dueAt).toBe(T(0, 10, 8));
    expect(adaptJira(action({ duedate: '2026-03-15T12:00:00.000+0200' }), ctx).items[0]!.input.dueAt).toBe(
      '2026-03-15T10:00:00.000Z'
    );
    expect(issuesOf(() => adaptJira(action({ duedate: '15/03/2026' }), ctx))[0]!.path).toBe('issue.fields.duedate');
    expect(issuesOf(() => adaptJira(action({ duedate: '2026-02-30' }), ctx))[0]!.path).toBe('issue.fields.duedate');
  });

  it('names its incident by the configured field first, then a linked incident issue, then any linked issue', () => {
    expect(adaptJira(action({ extra: { customfield_10050: 'inc-77' } }), ctx).items[0]!.input.incident).toBe('inc-77');
    expect(adaptJira(action({ extra: { customfield_10050: ' ' } }), ctx).items[0]!.input.incident).toBe('jira-99291');
    const links = [
      { id: '1', key: 'OPS-1', issuetype: 'Story' },
      { id: '2', key: 'OPS-2', issuetype: 'Incident' },
    ];
    expect(adaptJira(action({ links }), ctx).items[0]!.input.incident).toBe('jira-2');
    expect(adaptJira(action({ links: [links[0]!] }), ctx).items[0]!.input.incident).toBe('jira-1');
    const inward = action({ links: [] });
    inward.issue.fields.issuelinks = [{ inwardIssue: { id: '5', key: 'OPS-5' } }] as never;
    expect(adaptJira(inward, ctx).items[0]!.input.incident).toBe('jira-5');
    expect(issuesOf(() => adaptJira(action({ links: [] }), ctx))).toEqual([
      {
        path: 'issue.fields.issuelinks',
        message:
          "improvement action OPS-21 names no incident: link it to the incident's issue or set customfield_10050",
      },
    ]);
    const plain = adaptContext({ jira: {} });
    expect(issuesOf(() => adaptJira(action({ links: [] }), plain))[0]!.message).toBe(
      "improvement action OPS-21 names no incident: link it to the incident's issue"
    );
    expect(adaptJira(action(), plain).items[0]!.input.incident).toBe('jira-99291');
  });

  it('is owned by the assignee name, else email, else nobody', () => {
    const owner = (assignee: unknown) => {
      const body = action();
      body.issue.fields.assignee = assignee as never;
      return adaptJira(body, ctx).items[0]!.input.owner;
    };
    expect(owner({ displayName: ' ', emailAddress: 'ken@acme.example' })).toBe('ken@acme.example');
    expect(owner(null)).toBe('unassigned');
    expect(owner({ displayName: 'x'.repeat(250) })).toBe('x'.repeat(200));
  });

  it('is not reopened by an older issue state; a later one without resolution reopens it', () => {
    const stored = { incident: 'jira-99291', title: 't', owner: 'Ken', dueAt: T(0, 10, 15), completedAt: T(0, 12, 9) };
    const stale = adaptJira(action({ created: jira(T(0)) }), ctx);
    expect(stale.merge!(stale.items[0]!.input, stored).completedAt).toBe(T(0, 12, 9));
    const reopened = action();
    reopened.issue.fields.updated = jira(T(0, 13, 9));
    const later = adaptJira(reopened, ctx);
    expect(later.merge!(later.items[0]!.input, stored)).not.toHaveProperty('completedAt');
    const same = action();
    same.issue.fields.updated = jira(T(0, 12, 9));
    const equal = adaptJira(same, ctx);
    expect(equal.merge!(equal.items[0]!.input, stored)).not.toHaveProperty('completedAt');
    // Without an updated time the creation dates the state.
    const undated = action();
    undated.issue.fields.updated = null as never;
    const byCreation = adaptJira(undated, ctx);
    expect(byCreation.merge!(byCreation.items[0]!.input, stored).completedAt).toBe(T(0, 12, 9));
    const done = adaptJira(action({ resolutiondate: jira(T(0, 14, 9)) }), ctx);
    expect(done.merge!(done.items[0]!.input, stored).completedAt).toBe(T(0, 14, 9));
    expect(stale.merge!(stale.items[0]!.input, { ...stored, completedAt: undefined })).not.toHaveProperty(
      'completedAt'
    );
  });
});

describe('LitmusChaos results', () => {
  const uid = 'fe7f01c8-8118-4761-8ff9-0a87824d863f';

  it('makes one drill of a completed result: target mapped, scored by its probes', () => {
    expect(adaptLitmus(chaosResult({ created: T(0), verdict: 'Pass' }), ctx)).toStrictEqual({
      ignored: 0,
      items: [
        {
          id: `litmus-${uid}-1`,
          origin: '',
          input: {
            scenario: 'LitmusChaos pod-delete on deployment/hello',
            service: 'catalog-web',
            team: 'catalog',
            startedAt: T(0),
            score: 100,
          },
        },
      ],
    });
  });

  const score = (o: Partial<Parameters<typeof chaosResult>[0]>) =>
    adaptLitmus(chaosResult({ created: T(0), verdict: 'Pass', ...o }), ctx).items[0]?.input.score;

  it('scores by the probe percentage; no probes: Pass 100 and Fail 0; stopped or errored 0', () => {
    expect(score({ verdict: 'Fail', probeSuccessPercentage: '50' })).toBe(50);
    expect(score({ probeSuccessPercentage: '75%' })).toBe(75);
    expect(score({ probeSuccessPercentage: '0' })).toBe(0);
    expect(score({ probeSuccessPercentage: '100' })).toBe(100);
    expect(score({ probeSuccessPercentage: '' })).toBe(100);
    expect(score({ verdict: 'Fail', probeSuccessPercentage: '' })).toBe(0);
    expect(score({ probeSuccessPercentage: 'N/A' })).toBe(100);
    expect(score({ verdict: 'Fail', probeSuccessPercentage: 'N/A' })).toBe(0);
    expect(score({ verdict: 'Stopped', probeSuccessPercentage: '100' })).toBe(0);
    expect(score({ verdict: 'Error' })).toBe(0);
    const numeric = chaosResult({ created: T(0), verdict: 'Pass' });
    (numeric.status.experimentStatus as { probeSuccessPercentage: unknown }).probeSuccessPercentage = 40;
    expect(adaptLitmus(numeric, ctx).items[0]!.input.score).toBe(40);
    delete (numeric.status.experimentStatus as { probeSuccessPercentage?: unknown }).probeSuccessPercentage;
    expect(adaptLitmus(numeric, ctx).items[0]!.input.score).toBe(100);
    numeric.status.experimentStatus.verdict = 'Fail';
    expect(adaptLitmus(numeric, ctx).items[0]!.input.score).toBe(0);
  });

  it('ignores a result still running, and refuses a percentage out of range, naming it', () => {
    expect(adaptLitmus(chaosResult({ created: T(0), verdict: 'Awaited' }), ctx)).toEqual({ items: [], ignored: 1 });
    expect(adaptLitmus(chaosResult({ created: T(0), verdict: 'Pass', phase: 'Running' }), ctx)).toEqual({
      items: [],
      ignored: 1,
    });
    expect(adaptLitmus(chaosResult({ created: T(0), verdict: 'Pass', phase: 'Awaited' }), ctx)).toEqual({
      items: [],
      ignored: 1,
    });
    for (const p of ['101', '-1'])
      expect(
        issuesOf(() => adaptLitmus(chaosResult({ created: T(0), verdict: 'Pass', probeSuccessPercentage: p }), ctx))
      ).toEqual([
        { path: 'status.experimentStatus.probeSuccessPercentage', message: 'must be a percentage from 0 to 100' },
      ]);
    expect(
      issuesOf(() =>
        adaptLitmus({ items: [chaosResult({ created: T(0), verdict: 'Pass', probeSuccessPercentage: '200' })] }, ctx)
      )[0]!.path
    ).toBe('items[0].status.experimentStatus.probeSuccessPercentage');
  });

  it('counts a later run of the same engine as another drill, started at its last update', () => {
    const third = chaosResult({ created: T(0), updated: T(0, 14), verdict: 'Pass', runs: { passed: 2, failed: 1 } });
    expect(adaptLitmus(third, ctx).items[0]).toMatchObject({ id: `litmus-${uid}-3`, input: { startedAt: T(0, 14) } });
    third.metadata.managedFields.push(
      { ...third.metadata.managedFields[0]!, time: T(0, 16) },
      { ...third.metadata.managedFields[0]!, time: 'x' }
    );
    expect(adaptLitmus(third, ctx).items[0]!.input.startedAt).toBe(T(0, 16));
    const stale = chaosResult({
      created: T(0),
      updated: '2026-03-01T09:00:00Z',
      verdict: 'Pass',
      runs: { passed: 2, failed: 0 },
    });
    expect(adaptLitmus(stale, ctx).items[0]!.input.startedAt).toBe(T(0));
    delete (stale.metadata as { managedFields?: unknown }).managedFields;
    expect(adaptLitmus(stale, ctx).items[0]!.input.startedAt).toBe(T(0));
    // The first run is dated by the object's creation, whatever its last update.
    const first = chaosResult({ created: T(0), updated: T(0, 14), verdict: 'Pass' });
    expect(adaptLitmus(first, ctx).items[0]!.input.startedAt).toBe(T(0));
    const stopped = chaosResult({
      created: T(0),
      updated: T(0, 14),
      verdict: 'Stopped',
      runs: { passed: 0, failed: 0 },
    });
    stopped.status.history.stoppedRuns = 2;
    expect(adaptLitmus(stopped, ctx).items[0]).toMatchObject({
      id: `litmus-${uid}-2`,
      input: { startedAt: T(0, 14), score: 0 },
    });
    const none = chaosResult({ created: T(0), verdict: 'Stopped', runs: { passed: 0, failed: 0 } });
    expect(adaptLitmus(none, ctx).items[0]!.id).toBe(`litmus-${uid}-1`);
  });

  it('names a result without uid by namespace and name, digested when that is no id', () => {
    const body = chaosResult({ created: T(0), verdict: 'Pass' });
    delete (body.metadata as { uid?: string }).uid;
    expect(adaptLitmus(body, ctx).items[0]!.id).toBe(`litmus-${digest('default/engine-nginx-pod-delete\n1')}`);
    delete (body.metadata as { namespace?: string }).namespace;
    expect(adaptLitmus(body, ctx).items[0]!.id).toBe(`litmus-${digest('/engine-nginx-pod-delete\n1')}`);
  });

  it('reads a list as kubectl prints it, names members by index, and titles without a target', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        chaosResult({ created: T(0), verdict: 'Awaited' }),
        chaosResult({ created: T(0), verdict: 'Pass', uid: 'u2' }),
      ],
    };
    const adapted = adaptLitmus(list, ctx);
    expect(adapted.ignored).toBe(1);
    expect(adapted.items.map((i) => [i.id, i.origin])).toEqual([['litmus-u2-1', 'items[1]']]);
    expect(issuesOf(() => adaptLitmus({ items: new Array(1001).fill({}) }, ctx))[0]!.path).toBe('items');
    expect(issuesOf(() => adaptLitmus({ items: [{ kind: 'Pod' }] }, ctx))[0]!.path).toMatch(/^items\[0\]\./);
    const untargeted = chaosResult({ created: T(0), verdict: 'Pass' });
    untargeted.status.history.targets = [{ kind: 'deployment' }] as never;
    untargeted.metadata.labels = { service: 'ledger-db' } as never;
    expect(adaptLitmus(untargeted, ctx).items[0]!.input).toMatchObject({
      scenario: 'LitmusChaos pod-delete',
      service: 'ledger-db',
    });
    const kindless = chaosResult({ created: T(0), verdict: 'Pass' });
    kindless.status.history.targets = [{ name: 'hello' }] as never;
    expect(adaptLitmus(kindless, ctx).items[0]!.input.scenario).toBe('LitmusChaos pod-delete on hello');
  });

  it('maps the engine name when no target maps; refuses an unowned drill naming the targets', () => {
    const engine = chaosResult({ created: T(0), verdict: 'Pass', target: 'unknown' });
    engine.spec.engine = 'ledger-main';
    expect(adaptLitmus(engine, ctx).items[0]!.input).toMatchObject({ service: 'ledger-db', team: 'ledger' });
    engine.spec.engine = 'x';
    expect(issuesOf(() => adaptLitmus(engine, ctx))).toEqual([
      {
        path: 'status.history.targets',
        message:
          'no known service or team for [unknown, x]: label the experiment with "service" or "team", or map it in ingestion.services',
      },
    ]);
    delete (engine.spec as { engine?: string }).engine;
    expect(issuesOf(() => adaptLitmus(engine, ctx))[0]!.message).toContain('for [unknown]:');
  });

  it('keeps the first start of a result sent again', () => {
    expect(
      mergeLitmus({ scenario: 's', startedAt: T(5), score: 50 }, { scenario: 's', startedAt: T(0), score: 100 })
    ).toStrictEqual({
      scenario: 's',
      startedAt: T(0),
      score: 50,
    });
  });
});

describe('drill owners', () => {
  it('takes the service label, then the first application that maps, then a known team label', () => {
    expect(drillOwner({ service: ' checkout-api ' }, ['hello'], ctx, 'p')).toEqual({
      service: 'checkout-api',
      team: 'checkout',
    });
    expect(drillOwner({ service: 'nope' }, ['x', 'hello', 'ledger-main'], ctx, 'p')).toEqual({
      service: 'catalog-web',
      team: 'catalog',
    });
    expect(drillOwner({ team: ' ledger ' }, ['x'], ctx, 'p')).toEqual({ team: 'ledger' });
    const named = adaptContext({ chaos: { labels: { service: 'app.kubernetes.io/name', team: 'owner' } } });
    expect(drillOwner({ 'app.kubernetes.io/name': 'ledger-db' }, [], named, 'p')).toEqual({
      service: 'ledger-db',
      team: 'ledger',
    });
    expect(drillOwner({ owner: 'catalog', team: 'ledger' }, [], named, 'p')).toEqual({ team: 'catalog' });
    // A label rule matches the drill's labels, for the applications too.
    const byLabel = adaptContext({ services: [{ labels: { tier: 'db' }, service: 'ledger-db' }] });
    expect(drillOwner({ tier: 'db' }, [], byLabel, 'p')).toEqual({ service: 'ledger-db', team: 'ledger' });
    expect(issuesOf(() => drillOwner({ team: 'nobody' }, [], named, 'a.b'))).toEqual([
      {
        path: 'a.b',
        message:
          'no known service or team for []: label the experiment with "app.kubernetes.io/name" or "owner", or map it in ingestion.services',
      },
    ]);
  });
});

describe('Chaos Mesh events', () => {
  const event = (o: Partial<Parameters<typeof chaosMeshEvent>[0]> = {}) =>
    chaosMeshEvent({ reason: 'Started', at: T(0), uid: 'u-1', name: 'web-show', ...o });

  it('makes one drill per chaos object: Started is its start, owner from the service label', () => {
    const adapted = adaptChaosMesh(event(), ctx);
    expect(adapted).toStrictEqual({
      ignored: 0,
      merge: expect.any(Function),
      items: [
        {
          id: 'chaosmesh-u-1',
          origin: 'involvedObject',
          input: {
            scenario: 'Chaos Mesh PodChaos default/web-show',
            service: 'ledger-db',
            team: 'ledger',
            startedAt: T(0),
            score: 0,
          },
        },
      ],
    });
  });

  it('scores by the detection annotation: within target 100, else linear to the recovery', () => {
    const detected = (at: string) => ({ annotations: { 'ballast.io/detected-at': at } });
    expect(adaptChaosMesh(event(detected(T(3))), ctx).items[0]!.input).toStrictEqual({
      scenario: 'Chaos Mesh PodChaos default/web-show',
      service: 'ledger-db',
      team: 'ledger',
      startedAt: T(0),
      detectedAt: T(3),
      score: 100,
    });
    const recovered = adaptChaosMesh(event({ reason: 'Recovered', at: T(20), ...detected(T(10)) }), ctx).items[0]!
      .input;
    // Recovered first: the start is the detection at the latest; 100 × (20 − 10) / (20 − 15) is capped by the rule's target.
    expect(recovered).toMatchObject({ startedAt: T(10), detectedAt: T(10), recoveredAt: T(20), score: 100 });
    const applied = adaptChaosMesh(event({ reason: 'Applied', at: T(1) }), ctx);
    expect(applied.items[0]!.input).toMatchObject({ startedAt: T(1), score: 0 });
  });

  it('merges events in any order: the earliest start, the latest recovery, the detection once known', () => {
    const started = adaptChaosMesh(event(), ctx);
    const recovery = adaptChaosMesh(
      event({ reason: 'Recovered', at: T(20), annotations: { 'ballast.io/detected-at': T(10) } }),
      ctx
    );
    const merge = started.merge!;
    // 100 × (20 − 10) / (20 − 5) = 66.7 → 67.
    const expected = {
      scenario: 'Chaos Mesh PodChaos default/web-show',
      service: 'ledger-db',
      team: 'ledger',
      startedAt: T(0),
      detectedAt: T(10),
      recoveredAt: T(20),
      score: 67,
    };
    expect(merge(recovery.items[0]!.input, started.items[0]!.input)).toStrictEqual(expected);
    expect(merge(started.items[0]!.input, recovery.items[0]!.input)).toStrictEqual(expected);
    const later = adaptChaosMesh(event({ reason: 'Recovered', at: T(25) }), ctx);
    // 100 × (25 − 10) / (25 − 5) = 75.
    expect(merge(later.items[0]!.input, expected)).toMatchObject({ recoveredAt: T(25), detectedAt: T(10), score: 75 });
    const earlier = adaptChaosMesh(event({ reason: 'Recovered', at: T(15) }), ctx);
    expect(merge(earlier.items[0]!.input, expected)).toMatchObject({ recoveredAt: T(20), score: 67 });
  });

  it('reads the last Recovered time of the targets, and the event time fields in order', () => {
    const repeated = event({ reason: 'Recovered', at: T(20) });
    repeated.lastTimestamp = T(22);
    expect(adaptChaosMesh(repeated, ctx).items[0]!.input).toMatchObject({ startedAt: T(20), recoveredAt: T(22) });
    const eventTime = event();
    eventTime.firstTimestamp = null as never;
    eventTime.eventTime = T(2) as never;
    eventTime.lastTimestamp = T(4);
    expect(adaptChaosMesh(eventTime, ctx).items[0]!.input.startedAt).toBe(T(2));
    eventTime.eventTime = '' as never;
    expect(adaptChaosMesh(eventTime, ctx).items[0]!.input.startedAt).toBe(T(4));
    eventTime.lastTimestamp = 'x';
    expect(issuesOf(() => adaptChaosMesh(eventTime, ctx))[0]!.path).toBe('lastTimestamp');
    eventTime.eventTime = 'x' as never;
    expect(issuesOf(() => adaptChaosMesh(eventTime, ctx))[0]!.path).toBe('eventTime');
    const first = event();
    first.firstTimestamp = 'x';
    expect(issuesOf(() => adaptChaosMesh([first], ctx))[0]!.path).toBe('[0].firstTimestamp');
    const bad = event({ annotations: { 'ballast.io/detected-at': 'x' } });
    expect(issuesOf(() => adaptChaosMesh(bad, ctx))[0]!.path).toBe('involvedObject.annotations.ballast.io/detected-at');
  });

  it('ignores events of other objects and other reasons; names batch members by index', () => {
    const adapted = adaptChaosMesh(
      [event({ reason: 'Paused' }), event({ apiVersion: 'apps/v1' }), event({ uid: 'u-2', name: 'other' })],
      ctx
    );
    expect(adapted.ignored).toBe(2);
    expect(adapted.items.map((i) => [i.id, i.origin])).toEqual([['chaosmesh-u-2', '[2]']]);
    const noVersion = event();
    delete (noVersion.involvedObject as { apiVersion?: string }).apiVersion;
    expect(adaptChaosMesh(noVersion, ctx)).toMatchObject({ items: [], ignored: 1 });
    expect(issuesOf(() => adaptChaosMesh([event({ labels: { team: 'nobody' } })], ctx))[0]!.path).toBe(
      '[0].involvedObject.labels'
    );
    const own = adaptContext({ chaos: { detectedAtAnnotation: 'seen', detectionTargetMinutes: 15 } });
    const seen = adaptChaosMesh(event({ reason: 'Recovered', at: T(30), annotations: { seen: T(10) } }), own);
    expect(seen.items[0]!.input).toMatchObject({ detectedAt: T(10), score: 100 });
    const namespaceless = event();
    delete (namespaceless.involvedObject as { namespace?: string }).namespace;
    expect(adaptChaosMesh(namespaceless, ctx).items[0]!.input.scenario).toBe('Chaos Mesh PodChaos web-show');
  });

  it('computes the score rule on its bounds', () => {
    const chaos = ctx.config.chaos;
    expect(chaosMeshScore({ startedAt: T(0) }, chaos)).toBe(0);
    expect(chaosMeshScore({ startedAt: T(0), detectedAt: T(5) }, chaos)).toBe(100);
    expect(chaosMeshScore({ startedAt: T(0), detectedAt: '2026-03-01T10:05:00.001Z' }, chaos)).toBe(0);
    expect(chaosMeshScore({ startedAt: T(0), detectedAt: T(20), recoveredAt: T(20) }, chaos)).toBe(0);
    expect(chaosMeshScore({ startedAt: T(0), detectedAt: T(25), recoveredAt: T(20) }, chaos)).toBe(0);
    expect(chaosMeshScore({ startedAt: T(0), detectedAt: T(6), recoveredAt: T(15) }, chaos)).toBe(90);
    expect(chaosMeshScore({ startedAt: T(0), detectedAt: T(14), recoveredAt: T(15) }, chaos)).toBe(10);
  });
});
