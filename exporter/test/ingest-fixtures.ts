/**
 * Payloads shaped like the tools' documented examples (Alertmanager webhook v4, GitHub
 * deployment_status, PagerDuty Change Events v2, CloudEvents 1.0), and a config file with an
 * `ingestion` section over the small test org.
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { smallOrg } from './helpers/org.js';

export const GITHUB_SECRET = 'github-webhook-secret-for-tests';

export function ingestOrg() {
  const org = smallOrg();
  org.changeSystems.push(
    { id: 'github', name: 'GitHub Actions', integrated: false },
    { id: 'pagerduty', name: 'PagerDuty change events', integrated: false },
    { id: 'cloudevents', name: 'CloudEvents', integrated: false }
  );
  return org;
}

export const INGESTION = {
  alertmanager: { labels: { service: 'app' } },
  services: [
    { repository: 'acme/checkout-*', service: 'checkout-api' },
    { application: 'ledger-*', service: 'ledger-db' },
    { labels: { job: 'catalog' }, service: 'catalog-web' },
    { application: 'acme-build-pipeline-tool-*', service: 'catalog-web' },
  ],
};

/** Writes org + ingestion as the YAML config file the exporter reads (BALLAST_CONFIG). */
export async function writeConfigFile(extra: Record<string, unknown> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ballast-ingest-config-'));
  const file = join(dir, 'ballast.yaml');
  await writeFile(file, YAML.stringify({ ...ingestOrg(), ingestion: INGESTION, ...extra }));
  return file;
}

export interface AmAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  fingerprint: string;
}

/** An Alertmanager webhook notification (version 4), as in the Prometheus docs. */
export function amNotification(alerts: AmAlert[]) {
  const status = alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved';
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
    status,
    receiver: 'ballast',
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: { alertname: 'HighErrorRate' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    alerts: alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: { summary: 'High error rate' },
      startsAt: a.startsAt,
      endsAt: a.endsAt ?? '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph?g0.expr=up',
      fingerprint: a.fingerprint,
    })),
  };
}

/** A GitHub `deployment_status` webhook body (fields as in GitHub's webhook payload docs). */
export function githubDeploymentStatus(options: {
  id: number;
  state: string;
  repo?: string;
  createdAt: string;
  statusAt: string;
  payload?: unknown;
}) {
  const repo = options.repo ?? 'acme/checkout-service';
  return {
    action: 'created',
    deployment_status: {
      url: `https://api.github.com/repos/${repo}/deployments/${options.id}/statuses/1`,
      id: options.id * 10,
      node_id: 'DES_kwDOFoo',
      state: options.state,
      creator: { login: 'octocat', id: 1, type: 'User' },
      description: '',
      environment: 'production',
      target_url: '',
      created_at: options.statusAt,
      updated_at: options.statusAt,
      deployment_url: `https://api.github.com/repos/${repo}/deployments/${options.id}`,
      repository_url: `https://api.github.com/repos/${repo}`,
    },
    deployment: {
      url: `https://api.github.com/repos/${repo}/deployments/${options.id}`,
      id: options.id,
      node_id: 'DE_kwDOFoo',
      sha: 'a10867b14bb761a232cd80139fbd4c0d33264240',
      ref: 'main',
      task: 'deploy',
      payload: options.payload ?? {},
      original_environment: 'production',
      environment: 'production',
      description: null,
      creator: { login: 'octocat', id: 1, type: 'User' },
      created_at: options.createdAt,
      updated_at: options.statusAt,
      statuses_url: `https://api.github.com/repos/${repo}/deployments/${options.id}/statuses`,
      repository_url: `https://api.github.com/repos/${repo}`,
    },
    repository: { id: 1296269, name: repo.split('/')[1], full_name: repo, private: false },
    sender: { login: 'octocat', id: 1, type: 'User' },
  };
}

export function githubHeaders(body: string, secret = GITHUB_SECRET): Record<string, string> {
  return {
    'x-github-event': 'deployment_status',
    // GitHub gives each delivery its own GUID (a redelivery keeps it): one per distinct body here.
    'x-github-delivery': createHash('sha256').update(body).digest('hex').slice(0, 36),
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  };
}

/** The PagerDuty Change Events v2 example body from PagerDuty's documentation. */
export const PAGERDUTY_EXAMPLE = {
  routing_key: '737ea619db564d41bd9824063e1f6b08',
  payload: {
    summary: 'Build Success: Increase snapshot create timeout to 30 seconds',
    timestamp: '2020-07-17T08:42:58.315+0000',
    source: 'acme-build-pipeline-tool-default-i-9999',
    custom_details: { build_state: 'passed', build_number: '2', run_time: '1236s' },
  },
  links: [{ href: 'https://acme.pagerduty.dev/build/2', text: 'View more details in Acme!' }],
};

/** The CloudEvents 1.0 spec's JSON example: a pull request opened, which is no change. */
export const CLOUDEVENTS_SPEC_EXAMPLE = {
  specversion: '1.0',
  type: 'com.github.pull_request.opened',
  source: 'https://github.com/cloudevents/spec/pull',
  subject: '123',
  id: 'A234-1234-1234',
  time: '2018-04-05T17:31:00Z',
  comexampleextension1: 'value',
  comexampleothervalue: 5,
  datacontenttype: 'text/xml',
  data: '<much wow="xml"/>',
};

/** A CDEvents "service deployed" event in CloudEvents structured mode. */
export function cdEventDeployed(id: string, time: string, subject = 'ledger-main') {
  return {
    specversion: '1.0',
    id,
    source: '/event/source/spinnaker',
    type: 'dev.cdevents.service.deployed.0.1.1',
    subject,
    time,
    datacontenttype: 'application/json',
    data: {
      context: {
        version: '0.3.0',
        id,
        source: '/event/source/spinnaker',
        type: 'dev.cdevents.service.deployed.0.1.1',
        timestamp: time,
      },
      subject: {
        id: `service/${subject}`,
        type: 'service',
        content: { environment: { id: 'prod' }, artifactId: 'pkg:oci/ledger@sha256:0b31' },
      },
    },
  };
}
