/**
 * Payloads of the Jira, LitmusChaos and Chaos Mesh receivers, shaped like those tools' documented
 * examples (each says where from), with their times moved into the KPI windows. The inspection
 * findings receiver takes Alertmanager's webhook, built by `amNotification` (ingest-fixtures.ts).
 */
import { createHmac } from 'node:crypto';
import { INGESTION } from './ingest-fixtures.js';

export const JIRA_SECRET = 'jira-webhook-secret-for-tests';

/** The ingestion section of the tests: the shared rules plus the Jira custom field and a Litmus target. */
export const TOOLS_INGESTION = {
  ...INGESTION,
  jira: { fields: { incident: 'customfield_10050' } },
  services: [
    ...INGESTION.services,
    { application: 'payments-gateway', service: 'checkout-api' },
    { application: 'hello', service: 'catalog-web' },
  ],
};

export function jiraHeaders(body: string, secret = JIRA_SECRET): Record<string, string> {
  return {
    'x-atlassian-webhook-identifier': '4d2a0b6e-0f3b-4b8a-a1d4-7c0c6a1b2f3e',
    'x-hub-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  };
}

interface JiraIssueOptions {
  id: string;
  key: string;
  issuetype: string;
  summary: string;
  created: string;
  labels?: string[];
  priority?: string;
  resolutiondate?: string | null;
  duedate?: string | null;
  assignee?: string;
  components?: string[];
  /** Issues this one "relates to", with their issue type (Jira puts it in the link). */
  links?: { id: string; key: string; issuetype: string }[];
  extra?: Record<string, unknown>;
}

/**
 * A Jira Cloud issue webhook: the envelope of the "issue-related event" example in Atlassian's
 * webhook docs (developer.atlassian.com/cloud/jira/platform/webhooks: timestamp, webhookEvent,
 * issue_event_type_name, user, issue {id, self, key, fields}, changelog), the fields as Jira Cloud's
 * REST API v2 returns an issue (issuetype, priority and resolution objects, issuelinks with the
 * linked issue's fields).
 */
export function jiraIssueEvent(
  event: 'jira:issue_created' | 'jira:issue_updated' | 'jira:issue_deleted',
  o: JiraIssueOptions
) {
  const site = 'https://acme.atlassian.net';
  return {
    timestamp: Date.parse(o.created) + 1000,
    webhookEvent: event,
    issue_event_type_name: event === 'jira:issue_created' ? 'issue_created' : 'issue_generic',
    user: {
      self: `${site}/rest/api/2/user?accountId=5b10a2844c20165700ede21g`,
      accountId: '5b10a2844c20165700ede21g',
      displayName: 'Mia Krystof',
      active: true,
      timeZone: 'Europe/Berlin',
      accountType: 'atlassian',
    },
    issue: {
      id: o.id,
      self: `${site}/rest/api/2/issue/${o.id}`,
      key: o.key,
      fields: {
        summary: o.summary,
        issuetype: { self: `${site}/rest/api/2/issuetype/10004`, id: '10004', name: o.issuetype, subtask: false },
        project: {
          self: `${site}/rest/api/2/project/10000`,
          id: '10000',
          key: o.key.split('-')[0],
          name: 'Operations',
        },
        labels: o.labels ?? [],
        priority: o.priority ? { self: `${site}/rest/api/2/priority/2`, id: '2', name: o.priority } : null,
        status: {
          name: o.resolutiondate ? 'Done' : 'In Progress',
          statusCategory: { key: o.resolutiondate ? 'done' : 'indeterminate' },
        },
        resolution: o.resolutiondate ? { id: '10000', name: 'Done' } : null,
        resolutiondate: o.resolutiondate ?? null,
        created: o.created,
        updated: o.resolutiondate ?? o.created,
        duedate: o.duedate ?? null,
        assignee: o.assignee
          ? { accountId: '557058:f58131cb-b67d-43c7-b30d-6b58d40bd077', displayName: o.assignee, active: true }
          : null,
        reporter: { accountId: '5b10a2844c20165700ede21g', displayName: 'Mia Krystof' },
        components: (o.components ?? []).map((name, i) => ({ id: String(10100 + i), name })),
        issuelinks: (o.links ?? []).map((l, i) => ({
          id: String(10300 + i),
          type: { id: '10003', name: 'Relates', inward: 'relates to', outward: 'relates to' },
          outwardIssue: {
            id: l.id,
            key: l.key,
            self: `${site}/rest/api/2/issue/${l.id}`,
            fields: { summary: 'Linked', status: { name: 'Done' }, issuetype: { id: '10004', name: l.issuetype } },
          },
        })),
        customfield_10050: null,
        ...o.extra,
      },
    },
    changelog: {
      id: '10400',
      items: [{ field: 'status', fieldtype: 'jira', from: '1', fromString: 'Open', to: '3', toString: 'In Progress' }],
    },
  };
}

/**
 * A ChaosResult as `kubectl get chaosresult -o json --show-managed-fields` prints it: the sample
 * `engine-nginx-pod-delete` of the Litmus docs (mkdocs/docs/experiments/concepts/chaos-resources/
 * chaos-result/status-specification.md, history section), fields as in chaos-operator's
 * api/litmuschaos/v1alpha1/chaosresult_types.go.
 */
export function chaosResult(o: {
  uid?: string;
  created: string;
  updated?: string;
  verdict: string;
  phase?: string;
  probeSuccessPercentage?: string;
  runs?: { passed: number; failed: number };
  target?: string;
}) {
  const runs = o.runs ?? { passed: o.verdict === 'Pass' ? 1 : 0, failed: o.verdict === 'Fail' ? 1 : 0 };
  return {
    apiVersion: 'litmuschaos.io/v1alpha1',
    kind: 'ChaosResult',
    metadata: {
      name: 'engine-nginx-pod-delete',
      namespace: 'default',
      uid: o.uid ?? 'fe7f01c8-8118-4761-8ff9-0a87824d863f',
      creationTimestamp: o.created,
      generation: 6,
      resourceVersion: '66788',
      labels: {
        'app.kubernetes.io/component': 'experiment-job',
        'app.kubernetes.io/part-of': 'litmus',
        'app.kubernetes.io/version': '1.13.8',
        chaosUID: 'aa0a0084-f20f-4294-a879-d6df9aba6f9b',
        'controller-uid': '6943c955-0154-4542-8745-de991eb47c61',
        'job-name': 'pod-delete-w4p5op',
        name: 'engine-nginx-pod-delete',
      },
      managedFields: [
        {
          apiVersion: 'litmuschaos.io/v1alpha1',
          fieldsType: 'FieldsV1',
          manager: 'experiments',
          operation: 'Update',
          time: o.updated ?? o.created,
        },
      ],
    },
    spec: { engine: 'engine-nginx', experiment: 'pod-delete' },
    status: {
      experimentStatus: {
        failStep: 'N/A',
        phase: o.phase ?? 'Completed',
        probeSuccessPercentage: o.probeSuccessPercentage ?? '100',
        verdict: o.verdict,
      },
      history: {
        failedRuns: runs.failed,
        passedRuns: runs.passed,
        stoppedRuns: 0,
        targets: [{ chaosStatus: 'targeted', kind: 'deployment', name: o.target ?? 'hello' }],
      },
    },
  };
}

/**
 * A Chaos Mesh event as kubernetes-event-exporter's webhook sink posts it (its EnhancedEvent,
 * pkg/kube/event.go: the core/v1 Event plus the involved object's labels and annotations); reasons
 * and messages as Chaos Mesh records them (controllers/utils/recorder: Started "Experiment has
 * started", Applied "Successfully apply chaos for …", Recovered "Successfully recover chaos for …").
 */
export function chaosMeshEvent(o: {
  reason: 'Started' | 'Applied' | 'Recovered' | 'Paused';
  at: string;
  uid: string;
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  apiVersion?: string;
}) {
  const message = {
    Started: 'Experiment has started',
    Applied: 'Successfully apply chaos for default/web-show-5d8b7c6f9-abcde',
    Recovered: 'Successfully recover chaos for default/web-show-5d8b7c6f9-abcde',
    Paused: 'Experiment has been paused',
  }[o.reason];
  return {
    metadata: {
      name: `${o.name}.17a3f0c2d1e4b5a6`,
      namespace: 'default',
      uid: `${o.uid}-event-${o.reason}`,
      resourceVersion: '123456',
      creationTimestamp: o.at,
    },
    reason: o.reason,
    message,
    source: { component: 'podchaos' },
    firstTimestamp: o.at,
    lastTimestamp: o.at,
    count: 1,
    type: 'Normal',
    eventTime: null,
    reportingComponent: '',
    reportingInstance: '',
    clusterName: 'prod-eu-1',
    involvedObject: {
      kind: 'PodChaos',
      namespace: 'default',
      name: o.name,
      uid: o.uid,
      apiVersion: o.apiVersion ?? 'chaos-mesh.org/v1alpha1',
      resourceVersion: '654321',
      labels: o.labels ?? { service: 'ledger-db' },
      ...(o.annotations ? { annotations: o.annotations } : {}),
    },
  };
}
