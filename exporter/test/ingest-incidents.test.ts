/**
 * The incident receivers (PagerDuty Webhooks V3, Opsgenie, Grafana OnCall, Grafana Incident,
 * incident.io) over real HTTP on both stores: payloads shaped like each tool's documented example
 * (sources in ingest-incident-fixtures.ts), signatures as each tool computes them, one record per
 * incident with its process steps, idempotence under re-sends and out-of-order deliveries asserted
 * on the KPI values, 400s naming the field and writing nothing, and the /metrics counters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KpiService } from '../src/service/kpis.js';
import { validGrafanaIncidentSignature } from '../src/ingest/grafana-incident.js';
import { incidentIngestionSchema, mapPriority } from '../src/ingest/incident-mapping.js';
import { parseMetrics } from './helpers/metrics.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';
import { INGESTION, writeConfigFile } from './ingest-fixtures.js';
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

const HOUR = 3_600_000;
// One "now" for the file, so that durations between fixture times are exact.
const NOW = Date.now();
const ago = (hours: number) => new Date(NOW - hours * HOUR).toISOString();
const iso = (t: string) => new Date(Date.parse(t)).toISOString();

const PD_SECRET = 'pagerduty-v3-subscription-secret';
// A Svix signing secret: `whsec_` and a base64 key.
const IIO_SECRET = `whsec_${Buffer.from('incident.io signing key for tests').toString('base64')}`;

const ingestion = {
  ...INGESTION,
  services: [
    { application: 'API Service', service: 'checkout-api' },
    { application: 'fili@*', service: 'catalog-web' },
    { application: 'Main Integration - Webhook', service: 'ledger-db' },
    { labels: { 'Affected Team': 'Primary On-call' }, service: 'ledger-db' },
    ...INGESTION.services,
  ],
  incidents: {
    grafanaUrl: 'https://acme.grafana.net/',
    priorities: [{ source: 'incidentio', match: 'minor', priority: 'P1' }],
  },
};

describe('mapPriority: configured rules, then the built-in names, then the default', () => {
  const config = incidentIngestionSchema.parse({
    priorities: [
      { match: 'sev 1*', priority: 'P1' },
      { source: 'incidentio', match: 'Major', priority: 'P0' },
    ],
    defaultPriority: 'P4',
  });
  it.each([
    ['pagerduty-incidents', 'P2', 'P2'],
    ['pagerduty-incidents', 'p0', 'P0'],
    ['grafana-incident', 'SEV-3', 'P3'],
    ['grafana-incident', 'sev2', 'P2'],
    ['incidentio', 'SEV 1 - customer facing', 'P1'],
    ['incidentio', 'major', 'P0'],
    ['opsgenie', 'Major', 'P2'],
    ['grafana-incident', 'critical', 'P1'],
    ['pagerduty-incidents', 'low', 'P4'],
    ['opsgenie', 'P9', 'P4'],
    ['opsgenie', undefined, 'P4'],
  ])('%s %s → %s', (source, label, expected) => {
    expect(mapPriority(source, label, config)).toBe(expected);
  });
});

describe.each(STORE_TARGETS)('incident receivers on $kind', (target) => {
  let server: TestServer;
  let kpis: KpiService;
  const post = (
    source: string,
    body: unknown,
    headers: Record<string, string> = {},
    role: 'ingest' | null = 'ingest'
  ) => server.call('POST', `/api/v1/ingest/${source}`, { role, body, headers });
  const incident = async (id: string) => (await server.call('GET', `/api/v1/incidents/${id}`, { role: 'read' })).json();
  const list = async (query = '') =>
    (await server.call('GET', `/api/v1/incidents?limit=1000${query}`, { role: 'read' })).json();
  const orgKpi = async (kpi: string) => {
    const { values } = await kpis.values('30d', { level: 'org' });
    return values.find((v: { kpi: string }) => v.kpi === kpi)!;
  };
  /** MTTR's parts and the high-priority incident count: what a double count would move. */
  const mttr = async () => {
    const m = await orgKpi('mttr_seconds');
    const count = await orgKpi('high_priority_incidents');
    return { recovered: m.denominator ?? 0, seconds: m.value, incidents: count.value ?? 0 };
  };
  /** A per-source ingest counter as Prometheus scrapes it. */
  const metric = async (name: string, source: string) => {
    const { samples } = parseMetrics(await (await server.call('GET', '/metrics', { role: 'read' })).text());
    return samples.find((m) => m.name === `ballast_ingest_${name}_total` && m.labels.source === source)?.value ?? 0;
  };

  beforeAll(async () => {
    server = await startTestServer(await target.fresh(), {
      configFile: await writeConfigFile({ ingestion }),
      webhookSecrets: {
        'pagerduty-incidents': PD_SECRET,
        'grafana-incident': GRAFANA_INCIDENT_DOC_SECRET,
        incidentio: IIO_SECRET,
      },
    });
    kpis = new KpiService(server.services.store, server.services.orgs);
  });
  afterAll(() => server?.close());

  describe('PagerDuty Webhooks V3', () => {
    const created = ago(5);
    const at = { ack: ago(4.8), escalated: ago(4.7), priority: ago(4.6), note: ago(4.5), resolved: ago(4) };
    const events = [
      pagerDutyEvent({ type: 'incident.triggered', at: created, createdAt: created }),
      pagerDutyEvent({ type: 'incident.acknowledged', at: at.ack, createdAt: created, status: 'acknowledged' }),
      pagerDutyEvent({ type: 'incident.escalated', at: at.escalated, createdAt: created, status: 'acknowledged' }),
      pagerDutyEvent({
        type: 'incident.priority_updated',
        at: at.priority,
        createdAt: created,
        status: 'acknowledged',
      }),
      pagerDutyNote(at.note),
      pagerDutyEvent({ type: 'incident.resolved', at: at.resolved, createdAt: created, status: 'resolved' }),
    ];
    const send = (body: unknown, secrets: string[] = [PD_SECRET]) => {
      const raw = JSON.stringify(body);
      return post('pagerduty-incidents', raw, { 'x-pagerduty-signature': pagerDutySignature(raw, ...secrets) }, null);
    };

    it('verifies X-PagerDuty-Signature: a wrong, missing or tampered one is 401 and writes nothing', async () => {
      const raw = JSON.stringify(events[0]);
      expect((await send(events[0], ['another-secret'])).status).toBe(401);
      expect((await post('pagerduty-incidents', raw, {}, null)).status).toBe(401);
      const tampered = await post(
        'pagerduty-incidents',
        raw.replace('API Service', 'API Servicf'),
        { 'x-pagerduty-signature': pagerDutySignature(raw, PD_SECRET) },
        null
      );
      expect(tampered.status).toBe(401);
      expect((await tampered.json()).message).toMatch(/X-PagerDuty-Signature/);
      // With the secret set, the ingest token is no substitute for the signature.
      expect((await post('pagerduty-incidents', events[0])).status).toBe(401);
      expect((await list()).total).toBe(0);
      // Counted by the receiver once the body is read (a request without any credential may be refused before).
      expect(await metric('rejected', 'pagerduty-incidents')).toBeGreaterThanOrEqual(3);
    });

    it('makes one record of all events of an incident, with its process steps; MTTR counts it once', async () => {
      const before = await mttr();
      // During a secret rotation PagerDuty signs with both secrets; either one passes.
      const first = await send(events[0], ['the-old-secret', PD_SECRET]);
      expect(first.status, await first.clone().text()).toBe(200);
      expect(await first.json()).toMatchObject({ source: 'pagerduty-incidents', created: 1 });
      for (const event of events.slice(1)) {
        const res = await send(event);
        expect(await res.json()).toMatchObject({ updated: 1, created: 0 });
      }
      const record = await incident('pd-PGR0VU2');
      expect(record).toMatchObject({
        title: 'A little bump in the road',
        priority: 'P1',
        service: 'checkout-api',
        team: 'checkout',
        source: 'pagerduty',
        sourceUrl: 'https://acme.pagerduty.com/incidents/PGR0VU2',
        startedAt: iso(created),
        detectedAt: iso(created),
        acknowledgedAt: iso(at.ack),
        recoveredAt: iso(at.resolved),
        resolvedAt: iso(at.resolved),
        detectionSource: 'user',
        drill: false,
      });
      expect(record.steps.map((s: { step: string }) => s.step)).toEqual([
        'response',
        'escalation',
        'judgment',
        'notification',
        'resolution',
      ]);
      expect(record.steps[0]).toEqual({ step: 'response', at: iso(at.ack), owner: 'Tenex Engineer' });
      expect(record.steps[3].note).toBe('I sure am glad we are using PagerDuty!');
      const after = await mttr();
      expect(after.incidents - before.incidents).toBe(1);
      expect(after.recovered - before.recovered).toBe(1);
      expect(after.seconds).toBe(3600);
    });

    it('changes nothing when the events are re-sent, in any order (asserted on the KPIs)', async () => {
      const before = await mttr();
      const stored = await incident('pd-PGR0VU2');
      for (const event of [...events].reverse()) {
        expect(await (await send(event)).json()).toMatchObject({ created: 0, updated: 0, deduplicated: 1 });
      }
      expect(await incident('pd-PGR0VU2')).toEqual(stored);
      expect(await mttr()).toEqual(before);
      expect(await metric('deduplicated', 'pagerduty-incidents')).toBe(events.length);
    });

    it('reopens on incident.reopened and recovers again on the next resolve', async () => {
      const reopenedAt = ago(3.5);
      const reopened = pagerDutyEvent({
        type: 'incident.reopened',
        at: reopenedAt,
        createdAt: created,
        status: 'triggered',
      });
      expect(await (await send(reopened)).json()).toMatchObject({ updated: 1 });
      const open = await incident('pd-PGR0VU2');
      expect(open.resolvedAt).toBeUndefined();
      // The record keeps its last recovery until the next one (recoveredAt's contract).
      expect(open.recoveredAt).toBe(iso(at.resolved));
      // A stale event from before the reopen (still "acknowledged") does not undo it either way.
      expect(await (await send(events[1])).json()).toMatchObject({ deduplicated: 1 });
      const again = ago(3);
      await send(pagerDutyEvent({ type: 'incident.resolved', at: again, createdAt: created, status: 'resolved' }));
      expect(await incident('pd-PGR0VU2')).toMatchObject({ recoveredAt: iso(again), resolvedAt: iso(again) });
      expect((await mttr()).seconds).toBe(2 * 3600);
    });

    it('refuses a malformed or unmappable event with 400 naming the field, and writes nothing', async () => {
      const before = await list();
      const noTime = { event: { ...events[0]!.event, occurred_at: undefined } };
      const res = await send(noTime);
      expect(res.status).toBe(400);
      expect((await res.json()).issues[0].path).toBe('event.occurred_at');
      const unmapped = await send(
        pagerDutyEvent({
          type: 'incident.triggered',
          at: created,
          createdAt: created,
          id: 'PUNMAPD',
          service: 'Billing',
        })
      );
      expect(unmapped.status).toBe(400);
      const issue = (await unmapped.json()).issues[0];
      expect(issue.path).toBe('event.data.service.summary');
      expect(issue.message).toMatch(/"Billing".*ingestion\.services/);
      const badTime = await send(pagerDutyEvent({ type: 'incident.triggered', at: 'yesterday', createdAt: created }));
      expect((await badTime.json()).issues[0].path).toBe('event.occurred_at');
      expect(await list()).toEqual(before);
    });

    it('answers events that are no incident process (responders, pings) as ignored', async () => {
      const responder = { event: { ...events[0]!.event, event_type: 'incident.responder.added' } };
      expect(await (await send(responder)).json()).toMatchObject({ ignored: 1, created: 0 });
      expect(
        await (await send({ event: { event_type: 'pagey.ping', occurred_at: created, data: {} } })).json()
      ).toMatchObject({ ignored: 1 });
      expect(await metric('ignored', 'pagerduty-incidents')).toBe(2);
    });
  });

  describe('Opsgenie', () => {
    const created = NOW - 10 * HOUR;
    const ack = created + 10 * 60_000;
    const closed = created + 30 * 60_000;

    it('makes one record of an alert from Create to Close, priority P1 as sent', async () => {
      const before = await mttr();
      expect(
        await (await post('opsgenie', opsgenieAction({ action: 'Create', createdAt: created }))).json()
      ).toMatchObject({
        created: 1,
      });
      await post('opsgenie', opsgenieAction({ action: 'Acknowledge', createdAt: created, updatedAt: ack }));
      await post('opsgenie', opsgenieAction({ action: 'EscalateNext', createdAt: created, updatedAt: ack + 1000 }));
      await post('opsgenie', opsgenieAction({ action: 'Close', createdAt: created, updatedAt: closed }));
      const record = await incident('og-052652ac-5d1c-464a-812a-7dd18bbfba8c');
      expect(record).toMatchObject({
        title: 'test alert',
        priority: 'P1',
        service: 'catalog-web',
        source: 'opsgenie',
        sourceUrl: 'https://app.opsgenie.com/alert/detail/052652ac-5d1c-464a-812a-7dd18bbfba8c/details',
        startedAt: new Date(created).toISOString(),
        acknowledgedAt: new Date(ack).toISOString(),
        recoveredAt: new Date(closed).toISOString(),
      });
      expect(record.steps.map((s: { step: string; owner: string }) => `${s.step}:${s.owner}`)).toEqual([
        'response:fili@ifountain.com',
        'escalation:fili@ifountain.com',
        'resolution:fili@ifountain.com',
      ]);
      const after = await mttr();
      expect([after.incidents - before.incidents, after.recovered - before.recovered]).toEqual([1, 1]);
      // Re-sent actions change nothing.
      const again = await post(
        'opsgenie',
        opsgenieAction({ action: 'Acknowledge', createdAt: created, updatedAt: ack })
      );
      expect(await again.json()).toMatchObject({ deduplicated: 1, updated: 0 });
      expect(await mttr()).toEqual(after);
    });

    it('maps UpdatePriority through the priority rules, ignores other actions, names a missing alertId', async () => {
      const body = opsgenieAction({
        action: 'UpdatePriority',
        createdAt: created,
        updatedAt: closed + 1000,
        priority: 'P4',
      });
      expect(await (await post('opsgenie', body)).json()).toMatchObject({ updated: 1 });
      expect((await incident('og-052652ac-5d1c-464a-812a-7dd18bbfba8c')).priority).toBe('P4');
      expect(await (await post('opsgenie', { ...body, action: 'AddTags' })).json()).toMatchObject({ ignored: 1 });
      const { alertId: _a, ...alert } = body.alert;
      const res = await post('opsgenie', { ...body, alert });
      expect(res.status).toBe(400);
      expect((await res.json()).issues[0].path).toBe('alert.alertId');
      const epochZero = await post('opsgenie', opsgenieAction({ action: 'Create', createdAt: 0 }));
      expect((await epochZero.json()).issues[0].path).toBe('alert.createdAt');
      // No bearer token, no signature: Opsgenie's custom header carries the ingest token.
      expect((await post('opsgenie', body, {}, null)).status).toBe(401);
    });
  });

  describe('Grafana OnCall outgoing webhooks', () => {
    const created = ago(8);
    const ackAt = ago(7.9);
    const resolvedAt = ago(7.5);

    it('makes one record per alert group from created to resolved, with ack, silence and resolution steps', async () => {
      const firing = onCallEvent({ type: 'alert group created', time: created, createdAt: created });
      expect(await (await post('grafana-oncall', firing)).json()).toMatchObject({ created: 1 });
      await post(
        'grafana-oncall',
        onCallEvent({
          type: 'acknowledge',
          time: ackAt,
          createdAt: created,
          acknowledgedAt: ackAt,
          state: 'acknowledged',
        })
      );
      await post(
        'grafana-oncall',
        onCallEvent({ type: 'silence', time: ago(7.8), createdAt: created, acknowledgedAt: ackAt, state: 'silenced' })
      );
      const resolve = onCallEvent({
        type: 'resolve',
        time: resolvedAt,
        createdAt: created,
        acknowledgedAt: ackAt,
        resolvedAt,
        state: 'resolved',
      });
      expect(await (await post('grafana-oncall', resolve)).json()).toMatchObject({ updated: 1 });
      const record = await incident('oncall-I6HNZGUFG4K11');
      expect(record).toMatchObject({
        title: 'Incident',
        priority: 'P3',
        service: 'ledger-db',
        source: 'grafana-oncall',
        sourceUrl: 'https://acme.grafana.net/a/grafana-oncall-app/alert-groups/I6HNZGUFG4K11',
        detectedAt: iso(created),
        acknowledgedAt: iso(ackAt),
        recoveredAt: iso(resolvedAt),
      });
      // The demo alert's own startsAt (2018) is the first alert's start, earlier than the group.
      expect(record.startedAt).toBe('2018-12-25T15:47:47.377Z');
      expect(record.steps.map((s: { step: string }) => s.step)).toEqual(['response', 'judgment', 'resolution']);
      expect(await (await post('grafana-oncall', resolve)).json()).toMatchObject({ deduplicated: 1 });
    });

    it('names a missing alert_group.created_at', async () => {
      const body = onCallEvent({ type: 'resolve', time: resolvedAt, createdAt: created });
      const { created_at: _c, ...group } = body.alert_group;
      const res = await post('grafana-oncall', { ...body, alert_group: group });
      expect(res.status).toBe(400);
      expect((await res.json()).issues[0].path).toBe('alert_group.created_at');
    });
  });

  describe('Grafana Incident outgoing webhooks', () => {
    const send = (body: unknown, signature?: string) => {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      return post(
        'grafana-incident',
        raw,
        { 'gi-signature': signature ?? grafanaIncidentSignature(raw, GRAFANA_INCIDENT_DOC_SECRET) },
        null
      );
    };

    it("accepts grafana/incident-go's own signed test payload, and refuses it unsigned or altered", async () => {
      const raw = Buffer.from(GRAFANA_INCIDENT_DOC_BODY);
      expect(validGrafanaIncidentSignature(GRAFANA_INCIDENT_DOC_SECRET, raw, GRAFANA_INCIDENT_DOC_SIGNATURE)).toBe(
        true
      );
      expect(validGrafanaIncidentSignature('other', raw, GRAFANA_INCIDENT_DOC_SIGNATURE)).toBe(false);
      // Signed correctly, but its incident has no labels: no service to own it.
      const res = await send(GRAFANA_INCIDENT_DOC_BODY, GRAFANA_INCIDENT_DOC_SIGNATURE);
      expect(res.status).toBe(400);
      expect((await res.json()).issues[0].path).toBe('incident.labels');
      expect(
        (await send(GRAFANA_INCIDENT_DOC_BODY.replace('1111', '2222'), GRAFANA_INCIDENT_DOC_SIGNATURE)).status
      ).toBe(401);
      expect((await post('grafana-incident', GRAFANA_INCIDENT_DOC_BODY, {}, null)).status).toBe(401);
    });

    it('follows an incident from declared to resolved: severity, labels, roles, drill', async () => {
      const before = await mttr();
      const created = ago(12);
      const labels = [{ key: 'service', label: 'ledger-db' }];
      const declared = grafanaIncidentEvent({
        event: 'grafana.incident.created',
        time: created,
        createdAt: created,
        labels,
      });
      expect(await (await send(declared)).json()).toMatchObject({ created: 1 });
      const roleAt = ago(11.9);
      await send(
        grafanaIncidentEvent({
          event: 'grafana.incident.updated.role',
          time: roleAt,
          createdAt: created,
          labels,
          roles: [{ role: 'commander', name: 'paulcoghlan' }],
        })
      );
      await send(
        grafanaIncidentEvent({
          event: 'grafana.incident.updated.severity',
          time: ago(11.8),
          createdAt: created,
          labels,
          severity: 'critical',
        })
      );
      const end = ago(11.5);
      const resolved = grafanaIncidentEvent({
        event: 'grafana.incident.updated.status',
        time: end,
        createdAt: created,
        labels,
        severity: 'critical',
        status: 'resolved',
        end,
      });
      expect(await (await send(resolved)).json()).toMatchObject({ updated: 1 });
      const record = await incident('gi-19');
      expect(record).toMatchObject({
        title: '1111',
        priority: 'P1',
        service: 'ledger-db',
        source: 'grafana-incident',
        sourceUrl: 'https://acme.grafana.net/a/grafana-incident-app/incidents/19/1111',
        startedAt: iso(created),
        recoveredAt: iso(end),
        detectionSource: 'user',
      });
      expect(record.steps).toEqual([
        { step: 'response', at: iso(roleAt), owner: 'paulcoghlan (commander)' },
        expect.objectContaining({ step: 'judgment', note: 'severity critical' }),
        { step: 'resolution', at: iso(end), owner: 'Grafana Incident' },
      ]);
      const after = await mttr();
      expect([after.incidents - before.incidents, after.recovered - before.recovered]).toEqual([1, 1]);
      expect(await (await send(declared)).json()).toMatchObject({ deduplicated: 1 });
      expect(await mttr()).toEqual(after);
    });
  });

  describe('incident.io', () => {
    const created = ago(20);
    const send = (body: unknown, headers?: Record<string, string>) => {
      const raw = JSON.stringify(body);
      return post('incidentio', raw, headers ?? incidentIoHeaders(raw, IIO_SECRET), null);
    };

    it('verifies the Svix signature, with a 5-minute timestamp tolerance and several signatures', async () => {
      const body = incidentIoEvent({ createdAt: created });
      const raw = JSON.stringify(body);
      expect(
        (await send(body, incidentIoHeaders(raw, `whsec_${Buffer.from('wrong').toString('base64')}`))).status
      ).toBe(401);
      const stale = incidentIoHeaders(raw, IIO_SECRET, 'msg_1', Date.now() - 6 * 60_000);
      expect((await send(body, stale)).status).toBe(401);
      const { 'webhook-id': _i, ...noId } = incidentIoHeaders(raw, IIO_SECRET);
      expect((await send(body, noId)).status).toBe(401);
      expect((await list('&source=incident.io')).total).toBe(0);
      const good = incidentIoHeaders(raw, IIO_SECRET);
      const rotated = {
        ...good,
        'webhook-signature': `v1,${Buffer.from('old').toString('base64')} ${good['webhook-signature']}`,
      };
      const res = await send(body, rotated);
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await res.json()).toMatchObject({ created: 1 });
    });

    it('reads severity, status and custom timestamps ("Impact started" …) into one record', async () => {
      const before = await mttr();
      const impact = ago(20.5);
      const accepted = ago(19.9);
      const fixed = ago(19);
      const update = incidentIoEvent({
        type: 'public_incident.incident_updated_v2',
        createdAt: created,
        updatedAt: ago(19.95),
        impactStarted: impact,
        category: 'live',
        timestamps: { 'Accepted at': accepted },
      });
      expect(await (await send(update)).json()).toMatchObject({ updated: 1 });
      const closedAt = ago(18);
      const closed = incidentIoEvent({
        type: 'public_incident.incident_status_updated_v2',
        createdAt: created,
        updatedAt: closedAt,
        impactStarted: impact,
        category: 'closed',
        timestamps: { 'Accepted at': accepted, 'Fixed at': fixed },
      });
      expect(await (await send(closed)).json()).toMatchObject({ updated: 1 });
      const record = await incident('iio-01FDAG4SAP5TYPT98WGR2N7W91');
      expect(record).toMatchObject({
        title: 'INC-123 Our database is sad',
        priority: 'P1', // "Minor" mapped to P1 by this org's rule
        service: 'ledger-db',
        source: 'incident.io',
        sourceUrl: 'https://app.incident.io/incidents/123',
        postmortemUrl: 'https://docs.google.com/my_doc_id',
        startedAt: iso(impact),
        detectedAt: iso(created),
        acknowledgedAt: iso(accepted),
        recoveredAt: iso(fixed),
        resolvedAt: iso(closedAt),
        detectionSource: 'user',
      });
      expect(record.steps.map((s: { step: string }) => s.step)).toEqual(['response', 'resolution']);
      const after = await mttr();
      expect([after.incidents - before.incidents, after.recovered - before.recovered]).toEqual([0, 1]);
      expect(await (await send(closed)).json()).toMatchObject({ deduplicated: 1 });
      expect(await mttr()).toEqual(after);
    });

    it('ignores private incidents and declined triage; names a missing created_at', async () => {
      expect(
        await (
          await send({
            event_type: 'private_incident.incident_updated_v2',
            'private_incident.incident_updated_v2': { id: 'x' },
          })
        ).json()
      ).toMatchObject({ ignored: 1 });
      const declined = incidentIoEvent({ createdAt: created, category: 'declined' });
      expect(await (await send(declined)).json()).toMatchObject({ ignored: 1 });
      const type = 'public_incident.incident_created_v2';
      const bad = incidentIoEvent({ createdAt: created }) as Record<string, Record<string, unknown>>;
      delete bad[type]!.created_at;
      const res = await send(bad);
      expect(res.status).toBe(400);
      expect((await res.json()).issues[0].path).toBe(`${type}.created_at`);
    });
  });

  it('keeps a javascript: link from a sender out of the record', async () => {
    const created = ago(30);
    const body = onCallEvent({ type: 'alert group created', time: created, createdAt: created });
    body.alert_group.id = 'IJSLINK';
    body.alert_group.permalinks.web = 'javascript:alert(document.cookie)';
    expect((await post('grafana-oncall', body)).status).toBe(200);
    const record = await incident('oncall-IJSLINK');
    expect(record.sourceUrl).toBeUndefined();
  });

  it('takes source and sourceUrl through the API too: http(s) links and tool names only', async () => {
    const base = {
      title: 'Entered by hand',
      priority: 'P2',
      service: 'checkout-api',
      startedAt: ago(40),
      detectedAt: ago(40),
      detectionSource: 'user',
    };
    const bad = await server.call('PUT', '/api/v1/incidents/by-hand', {
      role: 'ingest',
      body: { ...base, source: 'Pager Duty!', sourceUrl: 'javascript:alert(1)' },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).issues.map((i: { path: string }) => i.path).sort()).toEqual(['source', 'sourceUrl']);
    const good = await server.call('PUT', '/api/v1/incidents/by-hand', {
      role: 'ingest',
      body: { ...base, source: 'statuspage', sourceUrl: 'https://status.example.com/incidents/1' },
    });
    expect(good.status).toBe(201);
    expect(await incident('by-hand')).toMatchObject({
      source: 'statuspage',
      sourceUrl: 'https://status.example.com/incidents/1',
    });
  });

  it('lists the incident receivers in the OpenAPI document and counts per source in /metrics', async () => {
    const { paths } = await (await server.call('GET', '/api/v1/openapi.json', { role: null })).json();
    for (const source of ['pagerduty-incidents', 'opsgenie', 'grafana-oncall', 'grafana-incident', 'incidentio'])
      expect(paths[`/api/v1/ingest/${source}`]?.post).toBeDefined();
    expect(await metric('written', 'opsgenie')).toBe(5);
    expect(await metric('received', 'incidentio')).toBeGreaterThanOrEqual(6);
    const { items } = await list('&source=pagerduty');
    expect(items.map((i: { id: string }) => i.id)).toEqual(['pd-PGR0VU2']);
  });
});
