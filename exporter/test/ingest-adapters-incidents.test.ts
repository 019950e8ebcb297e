/**
 * The incident receivers' adapters called directly (no server, no store): PagerDuty Webhooks V3,
 * Opsgenie, Grafana OnCall, Grafana Incident and incident.io, each on its documented example
 * (ingest-incident-fixtures.ts) with the incident record it must make written out by hand; the
 * merge that makes any order of deliveries give one record; the priority mapping; the signatures.
 * The HTTP side (auth, 400s, idempotence in the store, KPIs) is ingest-incidents.test.ts's.
 *
 * Equivalent mutants left alive on purpose:
 * - incidents.ts `clip(mapPriority(…), 20)`: every priority mapPriority returns is at most 20
 *   characters already (the config schema caps rules and the default at 20, built-ins are `P0`-`P5`).
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adaptGrafanaIncident, validGrafanaIncidentSignature } from '../src/ingest/grafana-incident.js';
import { adaptGrafanaOnCall } from '../src/ingest/grafana-oncall.js';
import { mapPriority } from '../src/ingest/incident-mapping.js';
import { adaptIncidentIo, SIGNATURE_TOLERANCE_MS, validIncidentIoSignature } from '../src/ingest/incidentio.js';
import {
  hmacSha256,
  incidentDelivery,
  mergeIncident,
  optionalTime,
  sameDigest,
  type IncidentFacts,
} from '../src/ingest/incidents.js';
import { adaptOpsgenie } from '../src/ingest/opsgenie.js';
import { adaptPagerDutyIncident, validPagerDutySignature } from '../src/ingest/pagerduty-incidents.js';
import { adaptContext, delivery, issuesOf } from './ingest-adapter-fixtures.js';
import {
  GRAFANA_INCIDENT_DOC_BODY,
  GRAFANA_INCIDENT_DOC_SECRET,
  GRAFANA_INCIDENT_DOC_SIGNATURE,
  grafanaIncidentEvent,
  grafanaIncidentSignature,
  incidentIoEvent,
  incidentIoHeaders,
  onCallEvent,
  opsgenieAction,
  pagerDutyEvent,
  pagerDutyNote,
  pagerDutySignature,
} from './ingest-incident-fixtures.js';

const ctx = adaptContext();
/** The steps of an incident record as the adapters write them. */
const stepsOf = (input: Record<string, unknown>) =>
  input.steps as { step: string; at: string; owner: string; note?: string }[];
const T = (minute: number, hour = 10) =>
  `2026-03-01T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00.000Z`;

describe('PagerDuty incident events', () => {
  const event = (type: string, o: Partial<Parameters<typeof pagerDutyEvent>[0]> = {}) =>
    pagerDutyEvent({ type, at: T(5), createdAt: T(0), service: 'Checkout API', ...o });

  it('turns incident.triggered into an incident: service by its name, priority, link, detected by a person', () => {
    const adapted = adaptPagerDutyIncident(event('incident.triggered'), ctx);
    expect(adapted).toStrictEqual({
      ignored: 0,
      merge: expect.any(Function),
      items: [
        {
          id: 'pd-PGR0VU2',
          origin: 'event.data',
          input: {
            title: 'A little bump in the road',
            priority: 'P1',
            service: 'checkout-api',
            startedAt: T(0),
            detectedAt: T(0),
            sourceUrl: 'https://acme.pagerduty.com/incidents/PGR0VU2',
            detectionSource: 'user',
            drill: false,
            source: 'pagerduty',
            sourceUpdatedAt: T(5),
            steps: [],
          },
        },
      ],
    });
  });

  const input = (body: unknown, c = ctx) => adaptPagerDutyIncident(body, c).items[0]!.input;
  const who = 'Tenex Engineer';

  it('reads each process event as its step, at the event time, by the agent', () => {
    expect(input(event('incident.acknowledged'))).toMatchObject({
      acknowledgedAt: T(5),
      detectionSource: 'monitoring',
      steps: [{ step: 'response', at: T(5), owner: who }],
    });
    expect(input(event('incident.escalated')).steps).toStrictEqual([
      { step: 'escalation', at: T(5), owner: who, note: 'escalated (Default)' },
    ]);
    expect(input(event('incident.delegated')).steps).toStrictEqual([
      { step: 'escalation', at: T(5), owner: who, note: 'delegated to Default' },
    ]);
    expect(input(event('incident.reassigned')).steps).toStrictEqual([
      { step: 'escalation', at: T(5), owner: who, note: 'reassigned' },
    ]);
    expect(input(event('incident.priority_updated', { priority: 'P2' }))).toMatchObject({
      priority: 'P2',
      steps: [{ step: 'judgment', at: T(5), owner: who, note: 'priority P2' }],
    });
    const resolved = input(event('incident.resolved', { status: 'resolved' }));
    expect(resolved).toMatchObject({
      recoveredAt: T(5),
      resolvedAt: T(5),
      steps: [{ step: 'resolution', at: T(5), owner: who }],
    });
    for (const type of ['incident.reopened', 'incident.unacknowledged']) {
      const open = input(event(type));
      expect(open.steps).toStrictEqual([]);
      expect(open).not.toHaveProperty('resolvedAt');
      expect(open).not.toHaveProperty('acknowledgedAt');
    }
  });

  it('notes an escalation without a policy as plain, and a priority removed as urgency', () => {
    const body = event('incident.escalated');
    delete (body.event.data as { escalation_policy?: unknown }).escalation_policy;
    expect(input(body).steps).toStrictEqual([{ step: 'escalation', at: T(5), owner: who }]);
    const delegated = event('incident.delegated');
    delete (delegated.event.data as { escalation_policy?: unknown }).escalation_policy;
    expect(input(delegated).steps).toStrictEqual([{ step: 'escalation', at: T(5), owner: who, note: 'delegated' }]);
    // No priority: the urgency ("high") maps instead, and the judgment step carries no note.
    expect(input(event('incident.priority_updated', { priority: null }))).toMatchObject({
      priority: 'P2',
      steps: [{ step: 'judgment', at: T(5), owner: who }],
    });
    expect(stepsOf(input(event('incident.priority_updated', { priority: null })))[0]).not.toHaveProperty('note');
  });

  it('falls back to PagerDuty as the actor, the event time as the start, and maps by team', () => {
    const body = event('incident.acknowledged', { service: 'Unknown Service' });
    body.event.agent = null as never;
    delete (body.event.data as { created_at?: string }).created_at;
    body.event.data.teams = [{ summary: 'Ledger' }, { summary: ' ' }] as never;
    expect(input(body)).toMatchObject({
      team: 'ledger',
      startedAt: T(5),
      steps: [{ step: 'response', at: T(5), owner: 'PagerDuty' }],
    });
    // A service mapped by the PagerDuty service id label.
    const byId = adaptContext({ services: [{ labels: { service_id: 'PF9KMXH' }, service: 'ledger-db' }] });
    expect(input(event('incident.triggered', { service: 'Unknown Service' }), byId).service).toBe('ledger-db');
  });

  it('names the service when no owner maps, and a malformed incident id', () => {
    expect(
      issuesOf(() => adaptPagerDutyIncident(event('incident.triggered', { service: 'API Service' }), ctx))
    ).toEqual([
      {
        path: 'event.data.service.summary',
        message:
          'no service or team is mapped for "API Service" / team "Engineering" (ingestion.services in the config, or a service/team id equal to the tool\'s name)',
      },
    ]);
    const bare = event('incident.triggered', { service: ' ' });
    bare.event.data.teams = [];
    expect(issuesOf(() => adaptPagerDutyIncident(bare, ctx))[0]!.message).toBe(
      "no service or team is mapped for this incident (it names no service or team) (ingestion.services in the config, or a service/team id equal to the tool's name)"
    );
    expect(issuesOf(() => adaptPagerDutyIncident(event('incident.triggered', { id: 'PGR-0VU2' }), ctx))).toEqual([
      { path: 'event.data.id', message: 'must be a PagerDuty incident id' },
    ]);
    expect(issuesOf(() => adaptPagerDutyIncident(event('incident.triggered', { at: 'later' }), ctx))[0]!.path).toBe(
      'event.occurred_at'
    );
    expect(issuesOf(() => adaptPagerDutyIncident(event('incident.triggered', { createdAt: 'x' }), ctx))[0]!.path).toBe(
      'event.data.created_at'
    );
  });

  it('adds a note as a notification step, with no owner of its own', () => {
    expect(adaptPagerDutyIncident(pagerDutyNote(T(7)), ctx).items[0]).toStrictEqual({
      id: 'pd-PGR0VU2',
      origin: 'event.data',
      input: {
        title: 'A little bump in the road',
        priority: 'P3',
        startedAt: T(7),
        detectedAt: T(7),
        sourceUrl: 'https://acme.pagerduty.com/incidents/PGR0VU2',
        detectionSource: 'monitoring',
        drill: false,
        source: 'pagerduty',
        sourceUpdatedAt: T(7),
        steps: [{ step: 'notification', at: T(7), owner: who, note: 'I sure am glad we are using PagerDuty!' }],
      },
    });
    const empty = pagerDutyNote(T(7));
    empty.event.data.content = '';
    expect(adaptPagerDutyIncident(empty, ctx).items[0]!.input.steps).toStrictEqual([
      { step: 'notification', at: T(7), owner: who },
    ]);
  });

  it('ignores events that say nothing about the process', () => {
    for (const type of ['incident.responder.added', 'incident.status_update_published', 'service.created'])
      expect(adaptPagerDutyIncident(event(type), ctx)).toEqual({ items: [], ignored: 1 });
  });

  it('reopens on a later open event only: a resolution before it no longer holds, one after it does', () => {
    const resolved = adaptPagerDutyIncident(event('incident.resolved', { status: 'resolved', at: T(20) }), ctx);
    const stored = resolved.items[0]!.input;
    const reopened = adaptPagerDutyIncident(event('incident.reopened', { at: T(30) }), ctx);
    const merged = reopened.merge!(reopened.items[0]!.input, stored);
    expect(merged).not.toHaveProperty('resolvedAt');
    expect(merged.recoveredAt).toBe(T(20));
    // A re-sent older event of the open incident does not undo the later resolution.
    const stale = adaptPagerDutyIncident(event('incident.acknowledged', { at: T(10) }), ctx);
    expect(stale.merge!(stale.items[0]!.input, stored).resolvedAt).toBe(T(20));
    // An older event that already says "resolved" reopens nothing.
    const late = adaptPagerDutyIncident(event('incident.acknowledged', { at: T(30), status: 'resolved' }), ctx);
    expect(late.merge!(late.items[0]!.input, stored).resolvedAt).toBe(T(20));
  });

  it('checks X-PagerDuty-Signature, any of several v1 entries', () => {
    const raw = '{"event":{}}';
    const good = pagerDutySignature(raw, 'secret');
    expect(validPagerDutySignature('secret', Buffer.from(raw), good)).toBe(true);
    expect(validPagerDutySignature('secret', Buffer.from(raw), pagerDutySignature(raw, 'old', 'secret'))).toBe(true);
    expect(
      validPagerDutySignature('secret', Buffer.from(raw), ` ${good.toUpperCase().replace('V1=', 'v1=')} , v1=00`)
    ).toBe(true);
    expect(validPagerDutySignature('secret', Buffer.from(raw), pagerDutySignature(raw, 'old'))).toBe(false);
    expect(validPagerDutySignature('secret', Buffer.from('{}'), good)).toBe(false);
    expect(validPagerDutySignature('secret', Buffer.from(raw), good.replace('v1=', 'v2='))).toBe(false);
    expect(validPagerDutySignature('secret', Buffer.from(raw), `${good}0`)).toBe(false);
    expect(validPagerDutySignature('secret', Buffer.from(raw), `x${good}`)).toBe(false);
    expect(validPagerDutySignature('secret', Buffer.from(raw), undefined)).toBe(false);
  });
});

describe('Opsgenie alert actions', () => {
  const created = Date.parse(T(0));
  const action = (name: string, o: { updatedAt?: number; priority?: string; tags?: string[] } = {}) => {
    const body = opsgenieAction({ action: name, createdAt: created, updatedAt: o.updatedAt, priority: o.priority });
    body.alert.entity = 'Ledger DB';
    if (o.tags) body.alert.tags = o.tags;
    return body;
  };
  const input = (body: unknown, c = ctx) => adaptOpsgenie(body, c).items[0]!.input;
  const who = 'fili@ifountain.com';

  it('turns Create into an incident: entity as the service, the alert link, started at creation', () => {
    expect(adaptOpsgenie(action('Create'), ctx).items).toStrictEqual([
      {
        id: 'og-052652ac-5d1c-464a-812a-7dd18bbfba8c',
        origin: 'alert',
        input: {
          title: 'test alert',
          priority: 'P1',
          service: 'ledger-db',
          startedAt: T(0),
          detectedAt: T(0),
          sourceUrl: 'https://app.opsgenie.com/alert/detail/052652ac-5d1c-464a-812a-7dd18bbfba8c/details',
          detectionSource: 'monitoring',
          drill: false,
          source: 'opsgenie',
          sourceUpdatedAt: T(0),
          steps: [],
        },
      },
    ]);
  });

  it('dates each later action by the alert update (epoch ns) and reads it as its step', () => {
    const later = Date.parse(T(9));
    expect(input(action('Acknowledge', { updatedAt: later }))).toMatchObject({
      acknowledgedAt: T(9),
      sourceUpdatedAt: T(9),
      steps: [{ step: 'response', at: T(9), owner: who }],
    });
    expect(input(action('Close', { updatedAt: later }))).toMatchObject({
      recoveredAt: T(9),
      resolvedAt: T(9),
      steps: [{ step: 'resolution', at: T(9), owner: who }],
    });
    const escalated = action('EscalateNext', { updatedAt: later });
    expect(input({ ...escalated, escalationName: 'Night shift' }).steps).toStrictEqual([
      { step: 'escalation', at: T(9), owner: who, note: 'Night shift' },
    ]);
    expect(input(action('AssignOwnership', { updatedAt: later })).steps).toStrictEqual([
      { step: 'escalation', at: T(9), owner: who },
    ]);
    expect(stepsOf(input(action('escalate', { updatedAt: later })))[0]!.step).toBe('escalation');
    expect(input(action('UpdatePriority', { updatedAt: later, priority: 'P2' }))).toMatchObject({
      priority: 'P2',
      steps: [{ step: 'judgment', at: T(9), owner: who, note: 'priority P2' }],
    });
    expect(input({ ...action('AddNote', { updatedAt: later }), note: 'rolled back' }).steps).toStrictEqual([
      { step: 'notification', at: T(9), owner: who, note: 'rolled back' },
    ]);
    expect(input(action('AddNote', { updatedAt: later })).steps).toStrictEqual([
      { step: 'notification', at: T(9), owner: who },
    ]);
    const unack = input(action('UnAcknowledge', { updatedAt: later }));
    expect(unack.steps).toStrictEqual([]);
    expect(unack).not.toHaveProperty('acknowledgedAt');
    // A Create is its creation, whatever the update says.
    expect(input(action('Create', { updatedAt: later })).sourceUpdatedAt).toBe(T(0));
  });

  it('ignores actions that are no process step', () => {
    for (const name of ['AddTags', 'TakeOwnership', 'CustomAction'])
      expect(adaptOpsgenie(action(name), ctx)).toEqual({ items: [], ignored: 1 });
  });

  it('takes the owner from service tags and details, then entity, source and teams', () => {
    expect(input(action('Create', { tags: ['service:checkout-api', 'team=ledger', 'loose'] })).service).toBe(
      'checkout-api'
    );
    expect(input(action('Create', { tags: ['service=catalog-web'] })).service).toBe('catalog-web');
    const details = action('Create');
    details.alert.entity = '';
    (details.alert as { details?: unknown }).details = { service: 'checkout-api', count: 3 };
    expect(input(details).service).toBe('checkout-api');
    const bySource = action('Create');
    bySource.alert.entity = '';
    bySource.alert.source = 'Catalog Web';
    expect(input(bySource).service).toBe('catalog-web');
    const byTeam = action('Create');
    byTeam.alert.entity = ' ';
    byTeam.alert.source = 'nagios';
    byTeam.alert.teams = ['Checkout'];
    expect(input(byTeam)).toMatchObject({ team: 'checkout' });
    const byTagLabel = adaptContext({ services: [{ labels: { env: 'prod' }, service: 'ledger-db' }] });
    const tagged = action('Create', { tags: ['env:prod'] });
    tagged.alert.entity = 'x';
    expect(input(tagged, byTagLabel).service).toBe('ledger-db');
    byTeam.alert.teams = ['team1'];
    expect(issuesOf(() => adaptOpsgenie(byTeam, ctx))).toEqual([
      { path: 'alert.entity', message: expect.stringContaining('for "nagios" / team "team1"') },
    ]);
  });

  it('marks an alert created in the web UI as detected by a person, falls back to the source name as the actor', () => {
    const web = action('Create');
    web.source = { name: 'Ken', type: 'Web' };
    expect(input(web).detectionSource).toBe('user');
    const anonymous = action('Acknowledge', { updatedAt: Date.parse(T(3)) });
    anonymous.alert.username = '';
    expect(stepsOf(input(anonymous))[0]!.owner).toBe('web');
    anonymous.source = undefined as never;
    expect(stepsOf(input(anonymous))[0]!.owner).toBe('Opsgenie');
  });

  it('links with the configured alert URL, and refuses a time that is no epoch', () => {
    const own = adaptContext({ incidents: { opsgenieAlertUrl: 'https://acme.app.eu.opsgenie.com/alert/{id}' } });
    expect(input(action('Create'), own).sourceUrl).toBe(
      'https://acme.app.eu.opsgenie.com/alert/052652ac-5d1c-464a-812a-7dd18bbfba8c'
    );
    const huge = action('Create');
    huge.alert.createdAt = Date.UTC(9999, 0) + 1;
    expect(issuesOf(() => adaptOpsgenie(huge, ctx))).toEqual([
      { path: 'alert.createdAt', message: 'is not an Opsgenie epoch time' },
    ]);
    const edge = action('Create');
    edge.alert.createdAt = Date.UTC(9999, 0);
    expect(issuesOf(() => adaptOpsgenie(edge, ctx))[0]!.message).not.toBe('is not an Opsgenie epoch time');
    const ns = action('Acknowledge', { updatedAt: created });
    ns.alert.updatedAt = (Date.UTC(9999, 0) + 1) * 1e6;
    expect(issuesOf(() => adaptOpsgenie(ns, ctx))).toEqual([
      { path: 'alert.updatedAt', message: 'is not an Opsgenie epoch time' },
    ]);
  });
});

describe('Grafana OnCall alert groups', () => {
  const group = (type: string, o: Partial<Parameters<typeof onCallEvent>[0]> = {}) => {
    const body = onCallEvent({ type, time: T(2), createdAt: T(0), ...o });
    body.integration.name = 'Ledger DB';
    body.alert_payload.startsAt = T(58, 9);
    return body;
  };
  const input = (body: unknown, c = ctx) => adaptGrafanaOnCall(body, c).items[0]!.input;

  it('turns a new alert group into an incident started by its first alert, detected at the group', () => {
    expect(adaptGrafanaOnCall(group('alert group created'), ctx).items).toStrictEqual([
      {
        id: 'oncall-I6HNZGUFG4K11',
        origin: 'alert_group',
        input: {
          title: 'Incident',
          priority: 'P3',
          service: 'ledger-db',
          startedAt: T(58, 9),
          detectedAt: T(0),
          sourceUrl: 'https://acme.grafana.net/a/grafana-oncall-app/alert-groups/I6HNZGUFG4K11',
          detectionSource: 'monitoring',
          drill: false,
          source: 'grafana-oncall',
          sourceUpdatedAt: T(2),
          steps: [],
        },
      },
    ]);
  });

  it('reads acknowledgement and resolution from the group, by the users OnCall names', () => {
    const body = group('resolve', { acknowledgedAt: T(3), resolvedAt: T(8), state: 'resolved' });
    body.alert_group_acknowledged_by = { id: 'U1', username: 'ken', email: 'ken@acme' };
    body.alert_group_resolved_by = { id: 'U2', username: '', email: 'ada@acme' };
    expect(input(body)).toMatchObject({
      acknowledgedAt: T(3),
      recoveredAt: T(8),
      resolvedAt: T(8),
      steps: [
        { step: 'response', at: T(3), owner: 'ken' },
        { step: 'resolution', at: T(8), owner: 'ada@acme' },
      ],
    });
    // A resolved_at on a group that is not resolved (unresolved since) is no resolution.
    const reopened = input(group('unresolve', { resolvedAt: T(8), state: 'firing' }));
    expect(reopened).not.toHaveProperty('resolvedAt');
    expect(reopened.steps).toStrictEqual([]);
    // Without named users, the event's user acts.
    const plain = group('acknowledge', { acknowledgedAt: T(3) });
    plain.alert_group_acknowledged_by = null as never;
    expect(input(plain).steps).toStrictEqual([{ step: 'response', at: T(3), owner: 'admin' }]);
    plain.user = null as never;
    expect(input(plain).steps).toStrictEqual([{ step: 'response', at: T(3), owner: 'Grafana OnCall' }]);
  });

  it('records escalation and silence as steps; a manual integration is a person detecting', () => {
    expect(input(group('escalation')).steps).toStrictEqual([{ step: 'escalation', at: T(2), owner: 'Grafana OnCall' }]);
    expect(input(group('silence')).steps).toStrictEqual([
      { step: 'judgment', at: T(2), owner: 'admin', note: 'silenced' },
    ]);
    const manual = group('alert group created');
    manual.integration.type = 'manual';
    expect(input(manual).detectionSource).toBe('user');
    expect(adaptGrafanaOnCall(group('Status Change'), ctx).items).toHaveLength(1);
    expect(adaptGrafanaOnCall(group('personal notification'), ctx)).toEqual({ items: [], ignored: 1 });
  });

  it('reopens on unresolve only', () => {
    const stored = input(group('resolve', { resolvedAt: T(8), state: 'resolved' }));
    const unresolve = adaptGrafanaOnCall(group('unresolve', { time: T(9) }), ctx);
    expect(unresolve.merge!(unresolve.items[0]!.input, stored)).not.toHaveProperty('resolvedAt');
    const escalation = adaptGrafanaOnCall(group('escalation', { time: T(9) }), ctx);
    expect(escalation.merge!(escalation.items[0]!.input, stored).resolvedAt).toBe(T(8));
  });

  it('takes title, priority, service and team from labels; the group start when the alert is later', () => {
    const body = group('alert group created');
    body.alert_group.title = null as never;
    body.alert_group.labels = { severity: 'critical', service: 'checkout-api' } as never;
    body.alert_payload.startsAt = T(1);
    expect(input(body)).toMatchObject({ title: 'TestAlert', priority: 'P1', service: 'checkout-api', startedAt: T(0) });
    body.alert_group.labels = { priority: 'P2', severity: 'critical' } as never;
    expect(input(body).priority).toBe('P2');
    const byTeam = group('alert group created');
    byTeam.integration.name = 'Webhook';
    byTeam.alert_group.labels = { team: 'catalog' } as never;
    expect(input(byTeam)).toMatchObject({ team: 'catalog' });
    byTeam.alert_group.labels = {} as never;
    byTeam.integration.team = 'Ledger';
    expect(input(byTeam)).toMatchObject({ team: 'ledger' });
    byTeam.integration.team = 'Nobody';
    expect(issuesOf(() => adaptGrafanaOnCall(byTeam, ctx))).toEqual([
      { path: 'integration.name', message: expect.stringContaining('for "Webhook" / team "Nobody"') },
    ]);
    const byLabel = adaptContext({ services: [{ labels: { region: 'eu-1' }, service: 'catalog-web' }] });
    byTeam.alert_payload.labels = { region: 'eu-1' } as never;
    expect(input(byTeam, byLabel).service).toBe('catalog-web');
  });

  it('names a bad time by its field', () => {
    expect(issuesOf(() => adaptGrafanaOnCall(group('resolve', { time: 'x' }), ctx))[0]!.path).toBe('event.time');
    expect(issuesOf(() => adaptGrafanaOnCall(group('resolve', { createdAt: 'x' }), ctx))[0]!.path).toBe(
      'alert_group.created_at'
    );
    expect(issuesOf(() => adaptGrafanaOnCall(group('resolve', { resolvedAt: 'x' }), ctx))[0]!.path).toBe(
      'alert_group.resolved_at'
    );
    expect(issuesOf(() => adaptGrafanaOnCall(group('resolve', { acknowledgedAt: 'x' }), ctx))[0]!.path).toBe(
      'alert_group.acknowledged_at'
    );
    const bad = group('resolve');
    bad.alert_payload.startsAt = 'x';
    expect(issuesOf(() => adaptGrafanaOnCall(bad, ctx))[0]!.path).toBe('alert_payload.startsAt');
  });
});

describe('Grafana Incident', () => {
  const labels = [{ key: 'service', label: 'checkout-api' }];
  const event = (name: string, o: Partial<Parameters<typeof grafanaIncidentEvent>[0]> = {}) =>
    grafanaIncidentEvent({ event: name, time: T(4), createdAt: T(0), labels, ...o });
  const input = (body: unknown, c = ctx) => adaptGrafanaIncident(body, c).items[0]!.input;

  it("reads the vendor's test payload: pending severity is the default priority, observers are no responders", () => {
    const body = JSON.parse(GRAFANA_INCIDENT_DOC_BODY);
    body.incident.labels = [{ key: 'team', label: 'ledger' }];
    const grafana = adaptContext({ incidents: { grafanaUrl: 'https://acme.grafana.net/' } });
    expect(adaptGrafanaIncident(body, grafana).items).toStrictEqual([
      {
        id: 'gi-19',
        origin: 'incident',
        input: {
          title: '1111',
          priority: 'P3',
          team: 'ledger',
          startedAt: '2023-03-09T11:09:44.293Z',
          detectedAt: '2023-03-09T11:09:44.293Z',
          sourceUrl: 'https://acme.grafana.net/a/grafana-incident-app/incidents/19/1111',
          detectionSource: 'user',
          drill: false,
          source: 'grafana-incident',
          sourceUpdatedAt: '2023-03-09T11:09:45.000Z',
          steps: [],
        },
      },
    ]);
    // Without grafanaUrl the overview link is relative: not stored.
    expect(adaptGrafanaIncident(body, ctx).items[0]!.input).not.toHaveProperty('sourceUrl');
  });

  it('records responders taking roles, severity judgments and the resolution', () => {
    const roles = [
      { role: 'commander', name: 'Ada' },
      { role: 'observer', name: 'Ken' },
      { role: 'investigator', name: 'Linus' },
    ];
    expect(input(event('grafana.incident.updated.role', { roles })).steps).toStrictEqual([
      { step: 'response', at: T(4), owner: 'Ada (commander), Linus (investigator)' },
    ]);
    expect(input(event('grafana.incident.updated.status', { roles })).steps).toStrictEqual([]);
    expect(input(event('grafana.incident.updated.severity', { severity: 'critical' }))).toMatchObject({
      priority: 'P1',
      steps: [{ step: 'judgment', at: T(4), owner: 'Grafana Incident', note: 'severity critical' }],
    });
    const resolved = input(event('grafana.incident.updated.status', { status: 'resolved', end: T(3) }));
    expect(resolved).toMatchObject({
      recoveredAt: T(3),
      resolvedAt: T(3),
      steps: [{ step: 'resolution', at: T(3), owner: 'Grafana Incident' }],
    });
    // Resolved without an end: the event time.
    expect(input(event('grafana.incident.updated.status', { status: 'resolved' })).resolvedAt).toBe(T(4));
    const active = input(event('grafana.incident.updated.status', { end: T(3) }));
    expect(active).not.toHaveProperty('resolvedAt');
  });

  it('takes the closed time when there is no incident end, and an earlier incident start', () => {
    const body = event('grafana.incident.updated.status', { status: 'resolved' });
    body.incident.closedTime = T(6);
    expect(input(body).resolvedAt).toBe(T(6));
    body.incident.incidentStart = T(50, 9);
    expect(input(body).startedAt).toBe(T(50, 9));
    body.incident.incidentStart = T(1);
    expect(input(body).startedAt).toBe(T(0));
  });

  it('dates the event by its time, else the modified time, else creation', () => {
    const body = event('grafana.incident.updated.status');
    delete body.time;
    body.incident.modifiedTime = T(7);
    expect(input(body).sourceUpdatedAt).toBe(T(7));
    delete body.incident.modifiedTime;
    expect(input(body).sourceUpdatedAt).toBe(T(0));
  });

  it('reads labels as pairs or plain strings, drill mode, and a person or not as the detector', () => {
    const body = event('grafana.incident.created', {
      labels: ['catalog-web' as never, { key: 'team', label: 'ledger' }],
    });
    body.incident.labels.push({ key: 'service', label: 'ledger-db' }, { key: 'x' } as never);
    body.incident.isDrill = true;
    body.incident.createdByUser = null;
    expect(input(body)).toMatchObject({ service: 'ledger-db', drill: true, detectionSource: 'monitoring' });
    const label = event('grafana.incident.created', { labels: [{ label: 'checkout-api' } as never] });
    expect(issuesOf(() => adaptGrafanaIncident(label, ctx))[0]!.path).toBe('incident.labels');
    const team = event('grafana.incident.created', { labels: [{ key: 'team', label: 'catalog' }] });
    expect(input(team)).toMatchObject({ team: 'catalog' });
  });

  it('keeps an absolute overview URL, joins a relative one with the Grafana URL', () => {
    const grafana = adaptContext({ incidents: { grafanaUrl: 'https://acme.grafana.net//' } });
    const body = event('grafana.incident.created');
    body.incident.overviewURL = '//a/x';
    expect(input(body, grafana).sourceUrl).toBe('https://acme.grafana.net/a/x');
    body.incident.overviewURL = 'HTTPS://other.example/a/x';
    expect(input(body, grafana).sourceUrl).toBe('https://other.example/a/x');
  });

  it('ignores events of other sources, and reopens when the incident is not resolved', () => {
    expect(adaptGrafanaIncident({ ...event('x'), event: 'grafana.oncall.created' }, ctx)).toEqual({
      items: [],
      ignored: 1,
    });
    const stored = input(event('grafana.incident.updated.status', { status: 'resolved', end: T(3) }));
    const active = adaptGrafanaIncident(event('grafana.incident.updated.status', { time: T(9) }), ctx);
    expect(active.merge!(active.items[0]!.input, stored)).not.toHaveProperty('resolvedAt');
  });

  it('verifies GI-Signature as incident-go does: the vendor vector, and tampering', () => {
    const raw = Buffer.from(GRAFANA_INCIDENT_DOC_BODY);
    expect(validGrafanaIncidentSignature(GRAFANA_INCIDENT_DOC_SECRET, raw, GRAFANA_INCIDENT_DOC_SIGNATURE)).toBe(true);
    expect(validGrafanaIncidentSignature('other', raw, GRAFANA_INCIDENT_DOC_SIGNATURE)).toBe(false);
    expect(
      validGrafanaIncidentSignature(GRAFANA_INCIDENT_DOC_SECRET, Buffer.from('{}'), GRAFANA_INCIDENT_DOC_SIGNATURE)
    ).toBe(false);
    const [t, v1] = GRAFANA_INCIDENT_DOC_SIGNATURE.split(',');
    expect(validGrafanaIncidentSignature(GRAFANA_INCIDENT_DOC_SECRET, raw, ` ${v1} , ${t} `)).toBe(true);
    expect(validGrafanaIncidentSignature(GRAFANA_INCIDENT_DOC_SECRET, raw, `t=1678360186,${v1}`)).toBe(false);
    expect(validGrafanaIncidentSignature(GRAFANA_INCIDENT_DOC_SECRET, raw, v1)).toBe(false);
    expect(validGrafanaIncidentSignature(GRAFANA_INCIDENT_DOC_SECRET, raw, t)).toBe(false);
    expect(validGrafanaIncidentSignature(GRAFANA_INCIDENT_DOC_SECRET, raw, `t=x1678360185,${v1}`)).toBe(false);
    expect(validGrafanaIncidentSignature(GRAFANA_INCIDENT_DOC_SECRET, raw, `${t},${v1}0`)).toBe(false);
    expect(validGrafanaIncidentSignature(GRAFANA_INCIDENT_DOC_SECRET, raw, undefined)).toBe(false);
    const body = '{"event":"grafana.incident.created"}';
    expect(validGrafanaIncidentSignature('s', Buffer.from(body), grafanaIncidentSignature(body, 's', 1700000000))).toBe(
      true
    );
  });
});

describe('incident.io', () => {
  const serviceField = {
    custom_field: { name: 'Affected services' },
    values: [{ value_catalog_entry: { name: 'Checkout API' } }],
  };
  const event = (o: Partial<Parameters<typeof incidentIoEvent>[0]> = {}) => {
    const body = incidentIoEvent({ createdAt: T(0), ...o }) as Record<string, Record<string, unknown>>;
    const type = body.event_type as unknown as string;
    const incident = (type.endsWith('status_updated_v2') ? body[type]!.incident : body[type]) as {
      custom_field_entries: unknown[];
    };
    incident.custom_field_entries.push(serviceField);
    return body;
  };
  const incidentOf = (body: Record<string, Record<string, unknown>>) =>
    body[body.event_type as unknown as string] as Record<string, unknown>;
  const input = (body: unknown, c = ctx) => adaptIncidentIo(body, c).items[0]!.input;

  it('turns the API reference example into an incident: reference and name, severity, service field', () => {
    expect(adaptIncidentIo(event(), ctx).items).toStrictEqual([
      {
        id: 'iio-01FDAG4SAP5TYPT98WGR2N7W91',
        origin: 'public_incident.incident_created_v2',
        input: {
          title: 'INC-123 Our database is sad',
          priority: 'P3',
          service: 'checkout-api',
          startedAt: T(0),
          detectedAt: T(0),
          sourceUrl: 'https://app.incident.io/incidents/123',
          postmortemUrl: 'https://docs.google.com/my_doc_id',
          detectionSource: 'user',
          drill: false,
          source: 'incident.io',
          sourceUpdatedAt: T(0),
          steps: [],
        },
      },
    ]);
  });

  it('reads the process times from the configured custom timestamps, first name present wins', () => {
    const body = event({
      impactStarted: T(50, 9),
      updatedAt: T(30),
      timestamps: {
        'Reported at': T(2),
        'accepted at': T(4),
        'Mitigated at': T(20),
        'Fixed at': T(15),
        'Closed at': T(25),
      },
    });
    expect(input(body)).toMatchObject({
      startedAt: T(50, 9),
      detectedAt: T(2),
      acknowledgedAt: T(4),
      recoveredAt: T(15),
      resolvedAt: T(25),
      sourceUpdatedAt: T(30),
      steps: [
        { step: 'response', at: T(4), owner: 'incident.io' },
        { step: 'resolution', at: T(15), owner: 'incident.io' },
      ],
    });
    const own = adaptContext({ incidents: { incidentio: { timestamps: { detectedAt: ['Paged at'] } } } });
    expect(input(event({ timestamps: { 'Paged at': T(3), 'Reported at': T(2) } }), own).detectedAt).toBe(T(3));
    // An impact start after creation is not the start.
    expect(input(event({ impactStarted: T(5) })).startedAt).toBe(T(0));
    expect(issuesOf(() => adaptIncidentIo(event({ timestamps: { 'Fixed at': 'soon' } }), ctx))).toEqual([
      {
        path: 'public_incident.incident_created_v2.incident_timestamp_values[1].value.value',
        message: expect.stringContaining('ISO 8601'),
      },
    ]);
  });

  it('takes recovery and resolution from the status category when no timestamp says', () => {
    const category = (c: string) => input(event({ category: c, updatedAt: T(40) }));
    for (const c of ['learning', 'post-incident', 'resolved']) {
      expect(category(c)).toMatchObject({ recoveredAt: T(40) });
      expect(category(c)).not.toHaveProperty('resolvedAt');
    }
    expect(category('Closed')).toMatchObject({ recoveredAt: T(40), resolvedAt: T(40) });
    expect(category('live')).not.toHaveProperty('recoveredAt');
    for (const c of ['declined', 'merged', 'canceled', 'cancelled'])
      expect(adaptIncidentIo(event({ category: c }), ctx)).toEqual({ items: [], ignored: 1 });
  });

  it('reopens when the status is live again, not when the category is missing', () => {
    const stored = input(event({ category: 'closed', updatedAt: T(40) }));
    const live = adaptIncidentIo(event({ category: 'live', updatedAt: T(50) }), ctx);
    expect(live.merge!(live.items[0]!.input, stored)).not.toHaveProperty('resolvedAt');
    const unknown = event({ updatedAt: T(50) });
    delete (incidentOf(unknown).incident_status as Record<string, unknown>).category;
    const kept = adaptIncidentIo(unknown, ctx);
    expect(kept.merge!(kept.items[0]!.input, stored).resolvedAt).toBe(T(40));
  });

  it('reads the status-updated envelope, whose incident is nested', () => {
    const body = event({ type: 'public_incident.incident_status_updated_v2', category: 'closed', updatedAt: T(9) });
    expect(adaptIncidentIo(body, ctx).items[0]).toMatchObject({
      id: 'iio-01FDAG4SAP5TYPT98WGR2N7W91',
      origin: 'public_incident.incident_status_updated_v2.incident',
      input: { resolvedAt: T(9) },
    });
    expect(issuesOf(() => adaptIncidentIo({ event_type: 'public_incident.incident_status_updated_v2' }, ctx))).toEqual([
      { path: 'public_incident.incident_status_updated_v2.incident', message: 'must be a JSON object' },
    ]);
    expect(adaptIncidentIo(event({ type: 'public_incident.incident_updated_v2' }), ctx).items[0]!.origin).toBe(
      'public_incident.incident_updated_v2'
    );
  });

  it('ignores private and other events', () => {
    for (const type of ['private_incident.incident_created_v2', 'public_incident.follow_up_created_v1'])
      expect(adaptIncidentIo({ event_type: type, [type]: { id: 'x' } }, ctx)).toEqual({ items: [], ignored: 1 });
  });

  it('reads owners from custom fields: service, affected service or team, option and text values', () => {
    const body = event();
    const incident = incidentOf(body);
    incident.custom_field_entries = [
      { custom_field: { name: 'Owning Team' }, values: [{ value_option: { value: 'Ledger' } }] },
    ];
    expect(input(body)).toMatchObject({ team: 'ledger' });
    incident.custom_field_entries = [{ custom_field: { name: 'service' }, values: [{ value_text: 'catalog-web' }] }];
    expect(input(body)).toMatchObject({ service: 'catalog-web' });
    incident.custom_field_entries = [
      { custom_field: { name: 'Service' }, values: [{ value_text: ' ', value_option: { value: 'Ledger DB' } }] },
      { custom_field: { name: ' ' }, values: [{ value_text: 'checkout-api' }] },
      { custom_field: { name: 'Teams' }, values: [] },
    ];
    expect(input(body)).toMatchObject({ service: 'ledger-db' });
    const byLabel = adaptContext({ services: [{ labels: { Region: 'eu' }, service: 'catalog-web' }] });
    incident.custom_field_entries = [{ custom_field: { name: 'Region' }, values: [{ value_text: 'eu' }] }];
    expect(input(body, byLabel)).toMatchObject({ service: 'catalog-web' });
    incident.custom_field_entries = [{ custom_field: { name: 'Affected teams' }, values: [{ value_text: 'Nobody' }] }];
    expect(issuesOf(() => adaptIncidentIo(body, ctx))).toEqual([
      {
        path: 'public_incident.incident_created_v2.custom_field_entries',
        message: expect.stringContaining('for team "Nobody"'),
      },
    ]);
  });

  it('titles by reference or name alone, reads test and tutorial modes as drills, alert creators as monitoring', () => {
    const body = event();
    const incident = incidentOf(body);
    delete incident.reference;
    expect(input(body).title).toBe('Our database is sad');
    incident.name = '';
    incident.reference = 'INC-9';
    expect(input(body).title).toBe('INC-9');
    delete incident.reference;
    expect(input(body).title).toBe('incident.io incident 01FDAG4SAP5TYPT98WGR2N7W91');
    for (const [mode, drill] of [
      ['test', true],
      ['tutorial', true],
      ['retrospective', false],
    ] as const) {
      incident.mode = mode;
      expect(input(body).drill).toBe(drill);
    }
    incident.creator = { alert: { id: 'A1' } };
    expect(input(body).detectionSource).toBe('monitoring');
    incident.severity = null;
    incident.postmortem_document_url = null;
    expect(input(body).priority).toBe('P3');
    expect(input(body)).not.toHaveProperty('postmortemUrl');
  });

  it('verifies the Svix signature within five minutes, any of several v1 entries', () => {
    const secret = `whsec_${Buffer.from('incident-io-test-secret').toString('base64')}`;
    const body = '{"event_type":"public_incident.incident_created_v2"}';
    const now = Date.UTC(2026, 2, 1, 12);
    const headers: Record<string, string> = incidentIoHeaders(body, secret, 'msg_1', now);
    const check = (h: Record<string, string>, at = now, s = secret, raw = body) =>
      validIncidentIoSignature(s, Buffer.from(raw), delivery({}, h), at);
    expect(check(headers)).toBe(true);
    expect(check(headers, now, secret.slice(6))).toBe(true);
    expect(check({ ...headers, 'webhook-signature': `v1,AAAA ${headers['webhook-signature']}` })).toBe(true);
    expect(check(headers, now + SIGNATURE_TOLERANCE_MS)).toBe(true);
    expect(check(headers, now - SIGNATURE_TOLERANCE_MS)).toBe(true);
    expect(check(headers, now + SIGNATURE_TOLERANCE_MS + 1000)).toBe(false);
    expect(check(headers, now - SIGNATURE_TOLERANCE_MS - 1000)).toBe(false);
    expect(check(headers, now, secret, '{}')).toBe(false);
    expect(check({ ...headers, 'webhook-id': 'msg_2' })).toBe(false);
    expect(check({ ...headers, 'webhook-signature': headers['webhook-signature']!.replace('v1,', 'v2,') })).toBe(false);
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const { [name]: _gone, ...rest } = headers;
      expect(check(rest)).toBe(false);
    }
    expect(check({ ...headers, 'webhook-timestamp': `${headers['webhook-timestamp']}x` })).toBe(false);
    expect(check({ ...headers, 'webhook-timestamp': '1234567890123' }, 1234567890123 * 1000)).toBe(false);
    expect(SIGNATURE_TOLERANCE_MS).toBe(300_000);
  });
});

describe('incident facts to one record', () => {
  const facts = (o: Partial<IncidentFacts> = {}): IncidentFacts => ({
    receiver: 'test',
    tool: 'tool',
    idPrefix: 'tl',
    toolId: 'INC 1',
    origin: 'incident',
    subject: { service: 'ledger-db' },
    ownerPath: 'incident.service',
    startedAt: T(10),
    detectionSource: 'monitoring',
    ...o,
  });
  const record = (o: Partial<IncidentFacts> = {}, at = Date.parse(T(30))) =>
    incidentDelivery(facts(o), { at }, ctx).items[0]!;

  it('names the record by prefix and tool id (digested when not an id), titled by the tool without a title', () => {
    const item = record();
    expect(item.id).toBe(`tl-${createHash('sha256').update('INC 1', 'utf8').digest('hex').slice(0, 32)}`);
    expect(record({ toolId: 'INC-1' }).id).toBe('tl-INC-1');
    expect(item.input.title).toBe('tool incident INC 1');
    expect(record({ title: ` ${'t'.repeat(600)} ` }).input.title).toBe('t'.repeat(500));
  });

  it('pulls process times into order instead of refusing the delivery', () => {
    expect(record({ detectedAt: T(5), acknowledgedAt: T(6), recoveredAt: T(7), resolvedAt: T(8) }).input).toMatchObject(
      { startedAt: T(10), detectedAt: T(10), acknowledgedAt: T(10), recoveredAt: T(10), resolvedAt: T(10) }
    );
    expect(record({ recoveredAt: T(20), resolvedAt: T(15) }).input).toMatchObject({
      recoveredAt: T(20),
      resolvedAt: T(20),
    });
    expect(record({ resolvedAt: T(5) }).input.resolvedAt).toBe(T(10));
    expect(
      record({ detectedAt: T(11), acknowledgedAt: T(12), recoveredAt: T(13), resolvedAt: T(14) }).input
    ).toMatchObject({
      detectedAt: T(11),
      acknowledgedAt: T(12),
      recoveredAt: T(13),
      resolvedAt: T(14),
    });
  });

  it('keeps only http(s) links of sane length', () => {
    const url = (sourceUrl: string) => record({ sourceUrl, postmortemUrl: sourceUrl }).input;
    expect(url('https://tool.example/i/1 a')).toMatchObject({
      sourceUrl: 'https://tool.example/i/1%20a',
      postmortemUrl: 'https://tool.example/i/1%20a',
    });
    expect(url('http://tool.example/')).toMatchObject({ sourceUrl: 'http://tool.example/' });
    for (const bad of [
      'javascript:alert(1)',
      'ftp://tool.example/x',
      '/relative',
      'not a url',
      ' ',
      `https://x.example/${'a'.repeat(2000)}`,
    ]) {
      expect(url(bad)).not.toHaveProperty('sourceUrl');
      expect(url(bad)).not.toHaveProperty('postmortemUrl');
    }
    expect(url(`https://x.example/${'a'.repeat(1982)}`).sourceUrl).toHaveLength(2000);
  });

  it('clips step owners and notes to what the schema takes, and names an unknown owner', () => {
    const steps = [
      { step: 'response' as const, at: T(11), owner: ` ${'o'.repeat(300)} `, note: 'n'.repeat(5000) },
      { step: 'notification' as const, at: T(12), owner: ' ', note: '  ' },
    ];
    expect(record({ steps }).input.steps).toStrictEqual([
      { step: 'response', at: T(11), owner: 'o'.repeat(200), note: 'n'.repeat(4000) },
      { step: 'notification', at: T(12), owner: 'unknown' },
    ]);
  });

  it('maps the owner by the slug of a display name, team names and their slugs', () => {
    expect(record({ subject: { application: ' Catalog Web! ' } }).input).toMatchObject({ service: 'catalog-web' });
    expect(record({ subject: {}, teams: ['nobody', 'Ledger'] }).input).toMatchObject({ team: 'ledger' });
    expect(record({ subject: {}, teams: ['checkout'] }).input).toMatchObject({ team: 'checkout' });
    const none = record({ subject: {}, ownerOptional: true }).input;
    expect(none).not.toHaveProperty('service');
    expect(none).not.toHaveProperty('team');
    expect(issuesOf(() => record({ subject: { application: 'Mystery' }, teams: ['A', 'B'] }))).toEqual([
      {
        path: 'incident.service',
        message:
          'no service or team is mapped for "Mystery" / team "A", "B" (ingestion.services in the config, or a service/team id equal to the tool\'s name)',
      },
    ]);
    expect(issuesOf(() => record({ subject: { application: 'Mystery' }, teams: [] }))[0]!.message).toContain(
      'mapped for "Mystery" (ingestion'
    );
  });

  it('marks drills and keeps the source time of the delivery', () => {
    expect(record({ drill: true }).input).toMatchObject({ drill: true, sourceUpdatedAt: T(30) });
  });
});

describe('the incident merge', () => {
  const stored = {
    title: 'stored title',
    priority: 'P2',
    service: 'ledger-db',
    startedAt: T(10),
    detectedAt: T(12),
    acknowledgedAt: T(15),
    recoveredAt: T(40),
    resolvedAt: T(45),
    detectionSource: 'user',
    cause: 'change',
    causedByChange: 'gh-42',
    drill: false,
    source: 'tool',
    sourceUrl: 'https://tool.example/stored',
    postmortemUrl: 'https://docs.example/pm',
    sourceUpdatedAt: T(45),
    steps: [{ step: 'response', at: T(15), owner: 'Ken' }],
  };
  const incoming = {
    title: 'new title',
    priority: 'P1',
    team: 'checkout',
    startedAt: T(5),
    detectedAt: T(20),
    acknowledgedAt: T(14),
    recoveredAt: T(35),
    resolvedAt: T(50),
    detectionSource: 'monitoring',
    drill: true,
    source: 'tool',
    sourceUpdatedAt: T(50),
    steps: [
      { step: 'response', at: T(15), owner: 'Ken again' },
      { step: 'resolution', at: T(50), owner: 'Ada' },
    ],
  };

  it('a newer delivery sets title, priority and owner; times widen; what people set is kept', () => {
    expect(mergeIncident({ at: Date.parse(T(50)) })(incoming, stored)).toStrictEqual({
      title: 'new title',
      priority: 'P1',
      team: 'checkout',
      startedAt: T(5),
      detectedAt: T(12),
      acknowledgedAt: T(14),
      recoveredAt: T(40),
      resolvedAt: T(50),
      detectionSource: 'user',
      cause: 'change',
      causedByChange: 'gh-42',
      drill: true,
      source: 'tool',
      sourceUrl: 'https://tool.example/stored',
      postmortemUrl: 'https://docs.example/pm',
      sourceUpdatedAt: T(50),
      steps: [
        { step: 'response', at: T(15), owner: 'Ken' },
        { step: 'resolution', at: T(50), owner: 'Ada' },
      ],
    });
  });

  it('an older delivery keeps the stored title, priority and owner', () => {
    const merged = mergeIncident({ at: Date.parse(T(30)) })({ ...incoming, sourceUpdatedAt: T(30) }, stored);
    expect(merged).toMatchObject({
      title: 'stored title',
      priority: 'P2',
      service: 'ledger-db',
      sourceUpdatedAt: T(45),
    });
    expect(merged).not.toHaveProperty('team');
    // One of the same time as the stored state counts as newer.
    const same = mergeIncident({ at: Date.parse(T(45)) })({ ...incoming, sourceUpdatedAt: T(45) }, stored);
    expect(same).toMatchObject({ title: 'new title', priority: 'P1', team: 'checkout' });
    expect(same).not.toHaveProperty('service');
  });

  it('a newer delivery without an owner or title keeps the stored ones; a stored record without a time is older', () => {
    const { team: _t, title: _ti, ...anonymous } = incoming;
    expect(mergeIncident({ at: Date.parse(T(50)) })(anonymous, stored)).toMatchObject({
      title: 'stored title',
      priority: 'P1',
      service: 'ledger-db',
    });
    const { sourceUpdatedAt: _s, ...untimed } = stored;
    expect(mergeIncident({ at: Date.parse(T(1)) })(incoming, untimed)).toMatchObject({
      title: 'new title',
      team: 'checkout',
    });
    const teamStored = { ...stored, service: undefined, team: 'ledger' };
    expect(mergeIncident({ at: Date.parse(T(50)) })(anonymous, teamStored)).toMatchObject({ team: 'ledger' });
    expect(mergeIncident({ at: Date.parse(T(30)) })(incoming, teamStored)).toMatchObject({ team: 'ledger' });
  });

  it('takes links and first values from the delivery when the stored record has none', () => {
    const bare = {
      title: 't',
      priority: 'P3',
      service: 'ledger-db',
      startedAt: T(10),
      detectedAt: T(10),
      source: 'tool',
      steps: [],
    };
    const withLinks = {
      ...incoming,
      sourceUrl: 'https://tool.example/new',
      postmortemUrl: 'https://docs.example/new',
      cause: 'capacity',
      causedByChange: 'gh-7',
    };
    expect(mergeIncident({ at: Date.parse(T(50)) })(withLinks, bare)).toMatchObject({
      sourceUrl: 'https://tool.example/new',
      postmortemUrl: 'https://docs.example/new',
      detectionSource: 'monitoring',
      cause: 'capacity',
      causedByChange: 'gh-7',
      acknowledgedAt: T(14),
      recoveredAt: T(35),
      resolvedAt: T(50),
      drill: true,
    });
    const { acknowledgedAt: _a, recoveredAt: _r, resolvedAt: _z, drill: _d, ...open } = incoming;
    const merged = mergeIncident({ at: Date.parse(T(50)) })(open, bare);
    expect(merged).not.toHaveProperty('acknowledgedAt');
    expect(merged).not.toHaveProperty('resolvedAt');
    expect(merged.drill).toBe(false);
    expect(mergeIncident({ at: Date.parse(T(50)) })(open, { ...bare, drill: true }).drill).toBe(true);
  });

  it('a reopening delivery drops a resolution older than itself, not a newer one, not its own', () => {
    const { resolvedAt: _r, ...reopened } = { ...incoming, sourceUpdatedAt: T(50) };
    expect(mergeIncident({ at: Date.parse(T(50)), reopened: true })(reopened, stored)).not.toHaveProperty('resolvedAt');
    expect(mergeIncident({ at: Date.parse(T(45)), reopened: true })(reopened, stored).resolvedAt).toBe(T(45));
    expect(mergeIncident({ at: Date.parse(T(44)), reopened: true })(reopened, stored).resolvedAt).toBe(T(45));
    expect(mergeIncident({ at: Date.parse(T(50)), reopened: true })(incoming, stored).resolvedAt).toBe(T(50));
    expect(mergeIncident({ at: Date.parse(T(50)) })(reopened, stored).resolvedAt).toBe(T(45));
  });

  it('gives the same record whatever the order of deliveries', () => {
    const deliveries = [
      pagerDutyEvent({ type: 'incident.triggered', at: T(1), createdAt: T(0), service: 'Ledger DB' }),
      pagerDutyEvent({ type: 'incident.acknowledged', at: T(3), createdAt: T(0), service: 'Ledger DB' }),
      pagerDutyNote(T(4)),
      pagerDutyEvent({
        type: 'incident.resolved',
        at: T(9),
        createdAt: T(0),
        status: 'resolved',
        service: 'Ledger DB',
      }),
    ].map((body) => adaptPagerDutyIncident(body, ctx));
    const fold = (order: number[]) =>
      order.reduce<Record<string, unknown> | undefined>((record, i) => {
        const { items, merge } = deliveries[i]!;
        return record ? merge!(items[0]!.input, record) : items[0]!.input;
      }, undefined);
    const expected = fold([0, 1, 2, 3]);
    expect(expected).toMatchObject({ startedAt: T(0), acknowledgedAt: T(3), resolvedAt: T(9), service: 'ledger-db' });
    for (const order of [
      [3, 2, 1, 0],
      [2, 0, 3, 1],
      [1, 3, 0, 2],
    ]) {
      // The detection source is the exception: the first delivery stored sets it (then people own
      // it), so a triggered-by-a-person event that arrives after the acknowledgement does not change it.
      const { detectionSource: _d, ...record } = fold(order)!;
      const { detectionSource: _e, ...want } = expected!;
      expect({ ...record, steps: new Set((record.steps as unknown[]).map((s) => JSON.stringify(s))) }).toEqual({
        ...want,
        steps: new Set((want.steps as unknown[]).map((s) => JSON.stringify(s))),
      });
    }
  });

  it('keeps at most 200 steps, a re-sent step (same step and time) once', () => {
    const steps = (n: number, owner: string) =>
      Array.from({ length: n }, (_, i) => ({
        step: 'notification',
        at: new Date(Date.parse(T(0)) + i * 1000).toISOString(),
        owner,
      }));
    const merged = mergeIncident({ at: Date.parse(T(50)) })(
      { ...incoming, steps: steps(150, 'b') },
      { ...stored, steps: steps(120, 'a') }
    );
    expect(merged.steps).toHaveLength(150);
    expect((merged.steps as { owner: string }[]).filter((s) => s.owner === 'a')).toHaveLength(120);
    const full = mergeIncident({ at: Date.parse(T(50)) })(
      { ...incoming, steps: steps(250, 'b').slice(120) },
      { ...stored, steps: steps(120, 'a') }
    );
    expect(full.steps).toHaveLength(200);
    expect((full.steps as { owner: string }[])[0]!.owner).toBe('a');
    // Same time written differently is the same step.
    const again = mergeIncident({ at: Date.parse(T(50)) })(
      { ...incoming, steps: [{ step: 'response', at: '2026-03-01T11:15:00+01:00', owner: 'x' }] },
      { ...stored, steps: [{ step: 'response', at: T(15), owner: 'Ken' }] }
    );
    expect(again.steps).toStrictEqual([{ step: 'response', at: T(15), owner: 'Ken' }]);
    const none = mergeIncident({ at: Date.parse(T(50)) })(
      { ...incoming, steps: undefined },
      { ...stored, steps: undefined }
    );
    expect(none.steps).toStrictEqual([]);
  });
});

describe('incident helpers', () => {
  it('reads optional sender times: absent, blank or null is none; anything else must be a time', () => {
    for (const value of [undefined, null, '', ' ', '<no value>', 'null'])
      expect(optionalTime(value, 'p')).toBeUndefined();
    expect(optionalTime('2026-03-01T11:00:00+01:00', 'p')).toBe(T(0));
    expect(issuesOf(() => optionalTime(0, 'a.b'))).toEqual([
      { path: 'a.b', message: expect.stringContaining('ISO 8601') },
    ]);
    expect(issuesOf(() => optionalTime('x', 'a.b'))[0]!.path).toBe('a.b');
  });

  it('compares digests of any length, and computes HMAC-SHA256', () => {
    const a = hmacSha256('k', 'data');
    expect(a.toString('hex')).toBe(createHmac('sha256', 'k').update('data').digest('hex'));
    expect(sameDigest(a, Buffer.from(a))).toBe(true);
    expect(sameDigest(a, a.subarray(0, 16))).toBe(false);
    expect(sameDigest(a, Buffer.alloc(32))).toBe(false);
  });
});

describe('priority mapping', () => {
  const config = (o: Record<string, unknown> = {}) => adaptContext({ incidents: o }).config.incidents;

  it('maps numbered and SEV labels, the tools words, and the default otherwise', () => {
    const c = config();
    const cases: [string | undefined, string][] = [
      ['P0', 'P0'],
      ['p5', 'P5'],
      ['SEV1', 'P1'],
      ['sev-2', 'P2'],
      ['Severity 3', 'P3'],
      ['severity_4', 'P4'],
      ['SEV6', 'P3'],
      ['P12', 'P3'],
      ['xP1', 'P3'],
      ['critical', 'P1'],
      ['Highest', 'P1'],
      ['lowest', 'P5'],
      ['Major', 'P2'],
      ['high', 'P2'],
      ['error', 'P2'],
      ['minor', 'P3'],
      ['medium', 'P3'],
      ['moderate', 'P3'],
      ['warning', 'P3'],
      ['low', 'P4'],
      ['INFO', 'P5'],
      [' critical ', 'P1'],
      ['urgent', 'P3'],
      ['', 'P3'],
      ['  ', 'P3'],
      [undefined, 'P3'],
    ];
    for (const [label, expected] of cases) expect([label, mapPriority('x', label, c)]).toEqual([label, expected]);
    expect(mapPriority('x', 'urgent', config({ defaultPriority: 'P4' }))).toBe('P4');
    expect(mapPriority('x', undefined, config({ defaultPriority: 'P4' }))).toBe('P4');
  });

  it('applies configured rules first, by glob, case-insensitive, limited to a source', () => {
    const c = config({
      priorities: [
        { match: 'sev1', source: 'incidentio', priority: 'P0' },
        { match: 'crit*', priority: 'P1' },
        { match: 'P1', source: 'pagerduty-*', priority: 'P2' },
        { match: 'a.b', priority: 'P4' },
      ],
    });
    expect(mapPriority('incidentio', 'SEV1', c)).toBe('P0');
    expect(mapPriority('opsgenie', 'SEV1', c)).toBe('P1');
    expect(mapPriority('opsgenie', 'Critical-ish', c)).toBe('P1');
    expect(mapPriority('pagerduty-incidents', 'p1', c)).toBe('P2');
    expect(mapPriority('opsgenie', 'P1', c)).toBe('P1');
    expect(mapPriority('opsgenie', 'a.b', c)).toBe('P4');
    expect(mapPriority('opsgenie', 'axb', c)).toBe('P3');
    expect(mapPriority('incidentio', 'xsev1', c)).toBe('P3');
  });
});
