/**
 * Incident tool payloads, each shaped exactly like the tool's documented example (the source is
 * named on each), with times and ids as parameters so that tests can place them in a KPI window.
 */
import { createHash, createHmac } from 'node:crypto';

/**
 * PagerDuty Webhooks V3: the `incident.priority_updated` example of
 * github.com/PagerDuty/developer-docs docs/webhooks/01-v3-Overview.md ("Webhook Payload"), with
 * `created_at` as the incident objects of the webhook carry it.
 */
export function pagerDutyEvent(options: {
  type: string;
  at: string;
  createdAt: string;
  id?: string;
  status?: string;
  priority?: string | null;
  service?: string;
}) {
  const id = options.id ?? 'PGR0VU2';
  return {
    event: {
      id: '5ac64822-4adc-4fda-ade0-410becf0de4f',
      event_type: options.type,
      resource_type: 'incident',
      occurred_at: options.at,
      agent: {
        html_url: 'https://acme.pagerduty.com/users/PLH1HKV',
        id: 'PLH1HKV',
        self: 'https://api.pagerduty.com/users/PLH1HKV',
        summary: 'Tenex Engineer',
        type: 'user_reference',
      },
      client: { name: 'PagerDuty' },
      data: {
        id,
        type: 'incident',
        self: `https://api.pagerduty.com/incidents/${id}`,
        html_url: `https://acme.pagerduty.com/incidents/${id}`,
        number: 2,
        status: options.status ?? 'triggered',
        title: 'A little bump in the road',
        created_at: options.createdAt,
        service: {
          html_url: 'https://acme.pagerduty.com/services/PF9KMXH',
          id: 'PF9KMXH',
          self: 'https://api.pagerduty.com/services/PF9KMXH',
          summary: options.service ?? 'API Service',
          type: 'service_reference',
        },
        assignees: [
          {
            html_url: 'https://acme.pagerduty.com/users/PTUXL6G',
            id: 'PTUXL6G',
            self: 'https://api.pagerduty.com/users/PTUXL6G',
            summary: 'User 123',
            type: 'user_reference',
          },
        ],
        escalation_policy: {
          html_url: 'https://acme.pagerduty.com/escalation_policies/PUS0KTE',
          id: 'PUS0KTE',
          self: 'https://api.pagerduty.com/escalation_policies/PUS0KTE',
          summary: 'Default',
          type: 'escalation_policy_reference',
        },
        teams: [
          {
            html_url: 'https://acme.pagerduty.com/teams/PFCVPS0',
            id: 'PFCVPS0',
            self: 'https://api.pagerduty.com/teams/PFCVPS0',
            summary: 'Engineering',
            type: 'team_reference',
          },
        ],
        priority:
          options.priority === null
            ? null
            : {
                html_url: 'https://acme.pagerduty.com/account/incident_priorities',
                id: 'PSO75BM',
                self: 'https://api.pagerduty.com/priorities/PSO75BM',
                summary: options.priority ?? 'P1',
                type: 'priority_reference',
              },
        urgency: 'high',
        conference_bridge: { conference_number: '+1 1234123412,,987654321#', conference_url: 'https://example.com' },
        resolve_reason: null,
      },
    },
  };
}

/** `incident.annotated`: the `incident_note` data type of the same page. */
export function pagerDutyNote(at: string, id = 'PGR0VU2') {
  return {
    event: {
      id: '01BZ5UU8RYN5SAP3W0V8W8M4A1',
      event_type: 'incident.annotated',
      resource_type: 'incident',
      occurred_at: at,
      agent: { id: 'PLH1HKV', summary: 'Tenex Engineer', type: 'user_reference' },
      client: { name: 'PagerDuty' },
      data: {
        incident: {
          html_url: `https://acme.pagerduty.com/incidents/${id}`,
          id,
          self: `https://api.pagerduty.com/incidents/${id}`,
          summary: 'A little bump in the road',
          type: 'incident_reference',
        },
        id: 'P2LA89X',
        content: 'I sure am glad we are using PagerDuty!',
        trimmed: false,
        type: 'incident_note',
      },
    },
  };
}

/** X-PagerDuty-Signature for a body, one `v1=` entry per secret (docs/webhooks/04-Signatures.md). */
export function pagerDutySignature(body: string, ...secrets: string[]): string {
  return secrets.map((s) => `v1=${createHmac('sha256', s).update(body).digest('hex')}`).join(',');
}

/**
 * Opsgenie Webhook integration: the alert action data example of docs.opsgenie.com
 * ("marid-alert-action-data": `source`, `alert`, `action`, `integrationId`, `integrationName`),
 * with the alert's `priority` (P1-P5) as the integration sends it for alert actions.
 */
export function opsgenieAction(options: { action: string; createdAt: number; updatedAt?: number; priority?: string }) {
  return {
    source: { name: 'web', type: 'API' },
    alert: {
      updatedAt: (options.updatedAt ?? options.createdAt) * 1e6 + 2000,
      tags: ['tag1', 'tag2'],
      teams: ['team1', 'team2'],
      recipients: ['recipient1', 'recipient2'],
      message: ' test alert',
      username: 'fili@ifountain.com',
      alertId: '052652ac-5d1c-464a-812a-7dd18bbfba8c',
      source: 'fili@ifountain.com',
      alias: 'aliastest',
      tinyId: '23',
      createdAt: options.createdAt,
      userId: 'daed1180-0ce8-438b-8f8e-57e1a5920a2d',
      entity: '',
      priority: options.priority ?? 'P1',
    },
    action: options.action,
    integrationId: '37c8f316-17c6-49d7-899b-9c7e540c048d',
    integrationName: 'Integration1',
  };
}

/**
 * Grafana OnCall outgoing webhook data, "Forward whole payload": the example of grafana/oncall
 * docs/sources/configure/integrations/outgoing-webhooks/index.md ("Outgoing webhook templates"),
 * with the stack's host (masked `**********` there) as `acme`.
 */
export function onCallEvent(options: {
  type: string;
  time: string;
  createdAt: string;
  acknowledgedAt?: string | null;
  resolvedAt?: string | null;
  state?: string;
}) {
  return {
    event: { type: options.type, time: options.time },
    user: { id: 'UVMX6YI9VY9PV', username: 'admin', email: 'admin@localhost' },
    alert_group: {
      id: 'I6HNZGUFG4K11',
      integration_id: 'CZ7URAT4V3QF2',
      route_id: 'RKHXJKVZYYVST',
      alerts_count: 1,
      state: options.state ?? 'firing',
      created_at: options.createdAt,
      resolved_at: options.resolvedAt ?? null,
      acknowledged_at: options.acknowledgedAt ?? null,
      title: 'Incident',
      permalinks: {
        slack: null,
        telegram: null,
        web: 'https://acme.grafana.net/a/grafana-oncall-app/alert-groups/I6HNZGUFG4K11',
      },
      labels: { urgency: '3' },
    },
    alert_group_id: 'I6HNZGUFG4K11',
    alert_payload: {
      endsAt: '0001-01-01T00:00:00Z',
      labels: { region: 'eu-1', alertname: 'TestAlert' },
      status: 'firing',
      startsAt: '2018-12-25T15:47:47.377363608Z',
      annotations: { description: 'This alert was sent by user for the demonstration purposes' },
      generatorURL: '',
    },
    integration: {
      id: 'CZ7URAT4V3QF2',
      type: 'webhook',
      name: 'Main Integration - Webhook',
      team: 'Webhooks Demo',
      labels: { urgency: '3' },
    },
    alert_group_acknowledged_by: { id: 'UVMX6YI9VY9PV', username: 'admin', email: 'admin@localhost' },
    alert_group_resolved_by: { id: 'UVMX6YI9VY9PV', username: 'admin', email: 'admin@localhost' },
    notified_users: [],
    users_to_be_notified: [],
    responses: {},
    webhook: { id: 'WH9NSKXWPXSNY3', name: 'Demo Webhook', labels: {} },
  };
}

/**
 * Grafana Incident outgoing webhook: the test payload of github.com/grafana/incident-go
 * webhook_test.go, byte for byte, with the signature that file verifies it with (secret
 * "some-secret-value"): the vendor's own vector for GI-Signature.
 */
export const GRAFANA_INCIDENT_DOC_BODY =
  '{\n\t"version": "v1.0.0",\n\t"id": "webhook-out-6409be79a7ee628da2a70dbe",\n\t"source": "/grafana/incident",\n\t"time": "2023-03-09T11:09:45Z",\n\t"event": "grafana.incident.updated.role",\n\t"incident": {\n\t\t"incidentID": "19",\n\t\t"severity": "pending",\n\t\t"labels": [],\n\t\t"isDrill": false,\n\t\t"createdTime": "2023-03-09T11:09:44.293367Z",\n\t\t"modifiedTime": "2023-03-09T11:09:45.602445Z",\n\t\t"createdByUser": {\n\t\t  "userID": "grafana-incident:user-637c92ccd784a2ee",\n\t\t  "name": "paulcoghlan",\n\t\t  "photoURL": "https://www.gravatar.com/avatar/5bf54eaa42d21c0cd36ec62ac79f3e28?s=512&d=https%3A%2F%2Favatars.slack-edge.com%2F2022-09-26%2F4130143663477_91b972302da73fcbbd21_192.png"\n\t\t},\n\t\t"closedTime": "",\n\t\t"durationSeconds": 1,\n\t\t"status": "active",\n\t\t"title": "1111",\n\t\t"overviewURL": "/a/grafana-incident-app/incidents/19/1111",\n\t\t"roles": [\n\t\t  {\n\t\t\t"role": "observer",\n\t\t\t"description": "Watching the incident",\n\t\t\t"maxPeople": 0,\n\t\t\t"mandatory": false,\n\t\t\t"important": false,\n\t\t\t"user": {\n\t\t\t  "userID": "grafana-incident:user-637c92ccd784a2ee",\n\t\t\t  "name": "paulcoghlan",\n\t\t\t  "photoURL": "https://www.gravatar.com/avatar/5bf54eaa42d21c0cd36ec62ac79f3e28?s=512&d=https%3A%2F%2Favatars.slack-edge.com%2F2022-09-26%2F4130143663477_91b972302da73fcbbd21_192.png"\n\t\t\t}\n\t\t  }\n\t\t],\n\t\t"taskList": {\n\t\t  "tasks": [\n\t\t\t{\n\t\t\t  "taskID": "assign-role-investigator",\n\t\t\t  "immutable": true,\n\t\t\t  "createdTime": "2023-03-09T11:09:44.216113029Z",\n\t\t\t  "modifiedTime": "2023-03-09T11:09:44.216124254Z",\n\t\t\t  "text": "Assign INVESTIGATOR role",\n\t\t\t  "status": "todo",\n\t\t\t  "authorUser": null,\n\t\t\t  "assignedUser": null\n\t\t\t},\n\t\t\t{\n\t\t\t  "taskID": "assign-role-commander",\n\t\t\t  "immutable": true,\n\t\t\t  "createdTime": "2023-03-09T11:09:44.216128351Z",\n\t\t\t  "modifiedTime": "2023-03-09T11:09:44.216129374Z",\n\t\t\t  "text": "Assign COMMANDER role",\n\t\t\t  "status": "todo",\n\t\t\t  "authorUser": null,\n\t\t\t  "assignedUser": null\n\t\t\t},\n\t\t\t{\n\t\t\t  "taskID": "must-choose-severity",\n\t\t\t  "immutable": true,\n\t\t\t  "createdTime": "2023-03-09T11:09:44.216131603Z",\n\t\t\t  "modifiedTime": "2023-03-09T11:09:44.216132579Z",\n\t\t\t  "text": "Specify incident severity",\n\t\t\t  "status": "todo",\n\t\t\t  "authorUser": null,\n\t\t\t  "assignedUser": null\n\t\t\t}\n\t\t  ],\n\t\t  "todoCount": 3,\n\t\t  "doneCount": 0\n\t\t},\n\t\t"summary": "",\n\t\t"heroImagePath": "/api/hero-images/13/FcmfxKrsFo4hY55dqi1zLJLM4r13On3XyUmeQEb5yFhhq4UzjLWkQ9YgOjUO5uVmgyS9AEJNzyx9bzY3iWNkBeMSAQuyVu1U3NdMrGkMoVlujgj4u5ibpg9eV2CHLX8C/v10/19.png",\n\t\t"incidentStart": "2023-03-09T11:09:44.293367Z",\n\t\t"incidentEnd": ""\n\t  }\n\t}';
export const GRAFANA_INCIDENT_DOC_SECRET = 'some-secret-value';
export const GRAFANA_INCIDENT_DOC_SIGNATURE =
  't=1678360185,v1=66ed620915831e9ab71604bf35d9b7cf2e71978ed6e62be6fd0e5194289849c7';

/** The same payload shape for other times, events and states. */
export function grafanaIncidentEvent(options: {
  event: string;
  time: string;
  createdAt: string;
  status?: string;
  severity?: string;
  end?: string;
  labels?: { key: string; label: string }[];
  roles?: { role: string; name: string }[];
}) {
  const doc = JSON.parse(GRAFANA_INCIDENT_DOC_BODY);
  return {
    ...doc,
    time: options.time,
    event: options.event,
    incident: {
      ...doc.incident,
      severity: options.severity ?? doc.incident.severity,
      labels: options.labels ?? doc.incident.labels,
      createdTime: options.createdAt,
      modifiedTime: options.time,
      incidentStart: options.createdAt,
      status: options.status ?? 'active',
      closedTime: options.end ?? '',
      incidentEnd: options.end ?? '',
      roles: (options.roles ?? []).map((r) => ({
        role: r.role,
        user: { userID: 'grafana-incident:user-1', name: r.name },
      })),
    },
  };
}

/** GI-Signature as grafana/incident-go computes it (webhook.go). */
export function grafanaIncidentSignature(body: string, secret: string, t = Math.floor(Date.now() / 1000)): string {
  const hash = createHash('sha256').update(body).digest('base64');
  return `t=${t},v1=${createHmac('sha256', secret).update(`${hash}:${t}:v1`).digest('hex')}`;
}

/**
 * incident.io: the IncidentV2 example of the incident.io API reference (api-docs.incident.io,
 * "Our database is sad"), in the webhook envelope `{event_type, "<event_type>": …}`
 * (docs.incident.io/api-reference/webhooks).
 */
export function incidentIoEvent(options: {
  type?: string;
  createdAt: string;
  updatedAt?: string;
  impactStarted?: string;
  category?: string;
  severity?: string;
  timestamps?: Record<string, string>;
}) {
  const type = options.type ?? 'public_incident.incident_created_v2';
  const incident = {
    call_url: 'https://zoom.us/foo',
    created_at: options.createdAt,
    creator: { user: { email: 'lisa@incident.io', id: '01FCNDV6P870EA6S7TK1DSYDG0', name: 'Lisa Karlin Curtis' } },
    custom_field_entries: [
      {
        custom_field: {
          description: 'Which team is impacted by this issue',
          field_type: 'single_select',
          id: '01FCNDV6P870EA6S7TK1DSYDG0',
          name: 'Affected Team',
          options: [],
        },
        values: [{ value_catalog_entry: { id: '01FCNDV6P870EA6S7TK1DSYDG0', name: 'Primary On-call' } }],
      },
    ],
    id: '01FDAG4SAP5TYPT98WGR2N7W91',
    incident_status: {
      category: options.category ?? 'triage',
      id: '01FCNDV6P870EA6S7TK1DSYD5H',
      name: 'Closed',
      rank: 4,
    },
    incident_timestamp_values: [
      {
        incident_timestamp: { id: '01FCNDV6P870EA6S7TK1DSYD5H', name: 'Impact started', rank: 1 },
        value: { value: options.impactStarted ?? options.createdAt },
      },
      ...Object.entries(options.timestamps ?? {}).map(([name, value], i) => ({
        incident_timestamp: { id: `ts-${i}`, name, rank: i + 2 },
        value: { value },
      })),
    ],
    mode: 'standard',
    name: 'Our database is sad',
    permalink: 'https://app.incident.io/incidents/123',
    postmortem_document_url: 'https://docs.google.com/my_doc_id',
    reference: 'INC-123',
    severity: { id: '01FCNDV6P870EA6S7TK1DSYDG0', name: options.severity ?? 'Minor', rank: 1 },
    slack_channel_id: 'C02AW36C1M5',
    summary: "Our database is really really sad, and we don't know why yet.",
    updated_at: options.updatedAt ?? options.createdAt,
    visibility: 'public',
  };
  const payload = type.endsWith('status_updated_v2') ? { incident, new_status: incident.incident_status } : incident;
  return { event_type: type, [type]: payload };
}

/** The Svix / Standard Webhooks headers incident.io sends, signed with a `whsec_` secret. */
export function incidentIoHeaders(
  body: string,
  secret: string,
  id = 'msg_2LPzlyJyCdJ8pCKxFQrn2HN6XU5',
  at = Date.now()
) {
  const timestamp = String(Math.floor(at / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
