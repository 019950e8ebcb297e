/**
 * The change receivers' adapters called directly (no server, no store): GitHub deployment_status,
 * Argo CD, PagerDuty Change Events and CloudEvents, each on a payload shaped like the tool's
 * documented example (ingest-fixtures.ts), with the record it must make written out by hand, and
 * the merges that keep a late or repeated status from undoing what is known. The HTTP side
 * (signatures at the door, 400s, idempotence in the store) is ingest.test.ts's.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adaptArgoCd, repositoryOf } from '../src/ingest/argocd.js';
import { adaptCloudEvents } from '../src/ingest/cloudevents.js';
import { committedAtOf } from '../src/ingest/commit-time.js';
import { adaptGithub, githubDeliveryId, mergeGithubChange, validSignature } from '../src/ingest/github.js';
import { adaptPagerDuty } from '../src/ingest/pagerduty.js';
import { mergeChange } from '../src/ingest/pipeline.js';
import { adaptContext, issuesOf, NOW } from './ingest-adapter-fixtures.js';
import {
  CLOUDEVENTS_SPEC_EXAMPLE,
  cdEventDeployed,
  githubDeploymentStatus,
  PAGERDUTY_EXAMPLE,
} from './ingest-fixtures.js';

const ctx = adaptContext();
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);

describe('GitHub deployment_status', () => {
  const status = (o: Partial<Parameters<typeof githubDeploymentStatus>[0]> = {}) =>
    githubDeploymentStatus({
      id: 42,
      state: 'success',
      createdAt: '2026-03-01T10:00:00Z',
      statusAt: '2026-03-01T10:05:00+01:00',
      ...o,
    });

  it('makes one change per deployment, finished by a success status at the status time', () => {
    expect(adaptGithub('deployment_status', status(), ctx)).toEqual({
      ignored: 0,
      items: [
        {
          id: 'gh-42',
          origin: 'deployment',
          input: {
            title: 'acme/checkout-service@main to production',
            system: 'github',
            service: 'checkout-api',
            kind: 'deploy',
            startedAt: '2026-03-01T10:00:00.000Z',
            result: 'success',
            finishedAt: '2026-03-01T09:05:00.000Z',
          },
        },
      ],
    });
  });

  it('reads failure and error as failed, and a pending or in_progress status as not finished', () => {
    const input = (state: string) => adaptGithub('deployment_status', status({ state }), ctx).items[0]!.input;
    expect(input('failure')).toMatchObject({ result: 'failed', finishedAt: '2026-03-01T09:05:00.000Z' });
    expect(input('error')).toMatchObject({ result: 'failed', finishedAt: '2026-03-01T09:05:00.000Z' });
    for (const state of ['pending', 'in_progress', 'queued']) {
      expect(input(state)).not.toHaveProperty('result');
      expect(input(state)).not.toHaveProperty('finishedAt');
    }
  });

  it('takes service, gate check, exemption and commit time from the deployment payload, object or JSON string', () => {
    const payload = {
      service: 'ledger-db',
      gateCheck: 'gate-7',
      exemption: 'hotfix approved by Ken',
      committedAt: '2026-03-01T08:30:00Z',
    };
    const expected = {
      service: 'ledger-db',
      gateCheck: 'gate-7',
      exemption: 'hotfix approved by Ken',
      committedAt: '2026-03-01T08:30:00.000Z',
    };
    expect(adaptGithub('deployment_status', status({ payload }), ctx).items[0]!.input).toMatchObject(expected);
    const asString = status({ payload: JSON.stringify(payload) });
    expect(adaptGithub('deployment_status', asString, ctx).items[0]!.input).toMatchObject(expected);
  });

  it('ignores a payload that is no JSON object, and blank payload fields', () => {
    for (const payload of ['not json {', '"a string"', 'null', 7, null]) {
      const input = adaptGithub('deployment_status', status({ payload }), ctx).items[0]!.input;
      expect(Object.keys(input).sort()).toEqual(
        ['finishedAt', 'kind', 'result', 'service', 'startedAt', 'system', 'title'].sort()
      );
    }
    const blank = status({ payload: { service: ' ', gateCheck: '', exemption: '<no value>' } });
    const input = adaptGithub('deployment_status', blank, ctx).items[0]!.input;
    expect(input.service).toBe('checkout-api');
    expect(input).not.toHaveProperty('gateCheck');
    expect(input).not.toHaveProperty('exemption');
  });

  it('takes a commit time after the deployment start as the start (clock skew), and Go zero time as none', () => {
    const late = status({ payload: { committedAt: '2026-03-01T11:00:00Z' } });
    expect(adaptGithub('deployment_status', late, ctx).items[0]!.input.committedAt).toBe('2026-03-01T10:00:00.000Z');
    const zero = status({ payload: { committedAt: '0001-01-01T00:00:00Z' } });
    expect(adaptGithub('deployment_status', zero, ctx).items[0]!.input).not.toHaveProperty('committedAt');
    expect(
      issuesOf(() => adaptGithub('deployment_status', status({ payload: { committedAt: 'yesterday' } }), ctx))
    ).toEqual([{ path: 'deployment.payload.committedAt', message: expect.stringContaining('ISO 8601') }]);
  });

  it('titles a deployment without ref or environment by its repository alone', () => {
    const body = status();
    delete (body.deployment as { ref?: string }).ref;
    delete (body.deployment as { environment?: string }).environment;
    delete (body.deployment_status as { environment?: string }).environment;
    expect(adaptGithub('deployment_status', body, ctx).items[0]!.input.title).toBe('acme/checkout-service');
    // The deployment's environment stands in for a status without one.
    const fromDeployment = status();
    delete (fromDeployment.deployment_status as { environment?: string }).environment;
    fromDeployment.deployment.environment = 'staging';
    expect(adaptGithub('deployment_status', fromDeployment, ctx).items[0]!.input.title).toBe(
      'acme/checkout-service@main to staging'
    );
  });

  it('maps a repository by the environment label of a rule, and by a repository name equal to a service id', () => {
    const byEnvironment = adaptContext({ services: [{ labels: { environment: 'production' }, service: 'ledger-db' }] });
    expect(
      adaptGithub('deployment_status', status({ repo: 'acme/anything' }), byEnvironment).items[0]!.input.service
    ).toBe('ledger-db');
    expect(adaptGithub('deployment_status', status({ repo: 'acme/catalog-web' }), ctx).items[0]!.input.service).toBe(
      'catalog-web'
    );
  });

  it('answers a ping, ignores inactive statuses, and names an unhandled event or unmapped repository', () => {
    expect(adaptGithub('ping', { zen: 'Keep it logically awesome.' }, ctx)).toEqual({ items: [], ignored: 1 });
    expect(adaptGithub('deployment_status', status({ state: 'inactive' }), ctx)).toEqual({ items: [], ignored: 1 });
    expect(issuesOf(() => adaptGithub('push', status(), ctx))).toEqual([
      {
        path: 'X-GitHub-Event',
        message: '"push" is not handled; subscribe the webhook to "Deployment statuses" only',
      },
    ]);
    expect(issuesOf(() => adaptGithub(undefined, status(), ctx))[0]!.message).toMatch(/^"" is not handled/);
    expect(issuesOf(() => adaptGithub('deployment_status', status({ repo: 'other/thing' }), ctx))).toEqual([
      {
        path: 'repository.full_name',
        message: 'no service is mapped for repository "other/thing" (ingestion.services in the config)',
      },
    ]);
  });

  it('checks X-Hub-Signature-256 against the raw body', () => {
    const raw = Buffer.from('{"action":"created"}');
    const hex = createHmac('sha256', 'secret').update(raw).digest('hex');
    expect(validSignature('secret', raw, `sha256=${hex}`)).toBe(true);
    expect(validSignature('secret', raw, ` SHA256=${hex.toUpperCase()} `)).toBe(true);
    expect(validSignature('other', raw, `sha256=${hex}`)).toBe(false);
    expect(validSignature('secret', Buffer.from('{}'), `sha256=${hex}`)).toBe(false);
    expect(validSignature('secret', raw, hex)).toBe(false);
    expect(validSignature('secret', raw, `sha256=${hex}00`)).toBe(false);
    expect(validSignature('secret', raw, `xsha256=${hex}`)).toBe(false);
    expect(validSignature('secret', raw, undefined)).toBe(false);
  });

  it('reads the delivery id GitHub gives, and nothing that is not one', () => {
    const header = (value: string | undefined) => (name: string) => (name === 'x-github-delivery' ? value : undefined);
    expect(githubDeliveryId(header(' 72d3162e-cc78-11e3-81ab-4c9367dc0958 '))).toBe(
      '72d3162e-cc78-11e3-81ab-4c9367dc0958'
    );
    expect(githubDeliveryId(header('a'.repeat(100)))).toBe('a'.repeat(100));
    expect(githubDeliveryId(header('a'.repeat(101)))).toBeUndefined();
    expect(githubDeliveryId(header('x y'))).toBeUndefined();
    expect(githubDeliveryId(header('id/../1'))).toBeUndefined();
    expect(githubDeliveryId(header(''))).toBeUndefined();
    expect(githubDeliveryId(header(undefined))).toBeUndefined();
  });

  it('lets the status created last decide the result; one of the same time keeps the first written', () => {
    const stored = {
      title: 't',
      startedAt: '2026-03-01T10:00:00.000Z',
      result: 'success',
      finishedAt: '2026-03-01T10:05:00.000Z',
    };
    const older = {
      title: 't',
      startedAt: '2026-03-01T10:00:00.000Z',
      result: 'failed',
      finishedAt: '2026-03-01T10:04:00.000Z',
    };
    expect(mergeGithubChange(older, stored)).toMatchObject({
      result: 'success',
      finishedAt: '2026-03-01T10:05:00.000Z',
    });
    const same = { ...older, finishedAt: '2026-03-01T10:05:00.000Z' };
    expect(mergeGithubChange(same, stored)).toMatchObject({
      result: 'success',
      finishedAt: '2026-03-01T10:05:00.000Z',
    });
    const newer = { ...older, finishedAt: '2026-03-01T10:06:00.000Z' };
    expect(mergeGithubChange(newer, stored)).toMatchObject({
      result: 'failed',
      finishedAt: '2026-03-01T10:06:00.000Z',
    });
    // Without a stored result or time, or a status without a time, the change merge decides.
    const { result: _r, ...unfinished } = stored;
    expect(mergeGithubChange(older, unfinished)).toMatchObject({
      result: 'failed',
      finishedAt: '2026-03-01T10:04:00.000Z',
    });
    const { finishedAt: _f, ...untimed } = stored;
    expect(mergeGithubChange(older, untimed)).toMatchObject({
      result: 'failed',
      finishedAt: '2026-03-01T10:04:00.000Z',
    });
    const { finishedAt: _g, result: _s, ...running } = older;
    expect(mergeGithubChange(running, stored)).toMatchObject({
      result: 'success',
      finishedAt: '2026-03-01T10:05:00.000Z',
    });
  });
});

describe('the change merge', () => {
  it('keeps the stored start, and what the incoming status does not know', () => {
    const stored = {
      title: 'stored',
      startedAt: '2026-03-01T10:00:00.000Z',
      finishedAt: '2026-03-01T10:05:00.000Z',
      committedAt: '2026-03-01T09:00:00.000Z',
      result: 'success',
      gateCheck: 'gate-1',
      exemption: 'ok',
      service: 'checkout-api',
    };
    const incoming = { startedAt: '2026-03-01T11:00:00.000Z', service: 'ledger-db', kind: 'deploy' };
    expect(mergeChange(incoming, stored)).toEqual({ ...stored, service: 'ledger-db', kind: 'deploy' });
    const newer = {
      title: 'new',
      startedAt: '2026-03-01T11:00:00.000Z',
      finishedAt: '2026-03-01T10:09:00.000Z',
      committedAt: '2026-03-01T09:30:00.000Z',
      result: 'failed',
      gateCheck: 'gate-2',
      exemption: 'new',
    };
    // The incoming record replaces the stored one: fields it does not name (the service here) are not carried over.
    expect(mergeChange(newer, stored)).toEqual({ ...newer, startedAt: stored.startedAt });
  });
});

describe('commit time', () => {
  const start = '2026-03-01T10:00:00.000Z';
  it('is absent when not given, blank, a template blank or Go zero time', () => {
    for (const value of [
      undefined,
      null,
      '',
      '  ',
      '<no value>',
      'null',
      '0001-01-01T00:00:00Z',
      '0001-01-01T00:00:00.000Z',
    ])
      expect(committedAtOf(value, 'c', start)).toBeUndefined();
  });
  it('is read as ISO, capped at the start, and refused naming the path when it is no time', () => {
    expect(committedAtOf('2026-03-01T09:00:00+01:00', 'c', start)).toBe('2026-03-01T08:00:00.000Z');
    expect(committedAtOf('2026-03-01T10:00:00Z', 'c', start)).toBe(start);
    expect(committedAtOf('2026-03-01T10:00:01Z', 'c', start)).toBe(start);
    expect(issuesOf(() => committedAtOf(1772355600000, 'data.committedAt', start))).toEqual([
      { path: 'data.committedAt', message: expect.stringContaining('ISO 8601') },
    ]);
    expect(issuesOf(() => committedAtOf('0001-01-01T00:00:00.5Z', 'x.c', start))[0]!.path).toBe('x.c');
  });
});

describe('Argo CD', () => {
  const notification = (o: Record<string, unknown> = {}) => ({
    application: 'ledger-main',
    namespace: 'argocd',
    project: 'default',
    phase: 'Succeeded',
    startedAt: '2026-03-01T10:00:00Z',
    finishedAt: '2026-03-01T10:02:30Z',
    revision: 'a10867b14bb761a232cd80139fbd4c0d33264240',
    committedAt: '2026-03-01T09:40:00Z',
    repoURL: 'https://github.com/acme/ledger.git',
    labels: { tier: 'data' },
    ...o,
  });

  it('makes one change per sync operation, keyed by namespace, application and operation start', () => {
    expect(adaptArgoCd(notification({ gateCheck: 'gate-3', exemption: 'freeze exemption E-1' }), ctx)).toEqual({
      ignored: 0,
      items: [
        {
          // 2026-03-01T10:00:00Z is 1772359200000 ms.
          id: 'argocd-argocd.ledger-main-1772359200000',
          origin: '',
          input: {
            title: 'sync ledger-main to a10867b14bb7',
            system: 'argo-cd',
            service: 'ledger-db',
            kind: 'deploy',
            startedAt: '2026-03-01T10:00:00.000Z',
            committedAt: '2026-03-01T09:40:00.000Z',
            result: 'success',
            finishedAt: '2026-03-01T10:02:30.000Z',
            gateCheck: 'gate-3',
            exemption: 'freeze exemption E-1',
          },
        },
      ],
    });
  });

  it('reads Failed and Error as failed; a running sync has no result and no end', () => {
    const input = (phase: string) => adaptArgoCd(notification({ phase }), ctx).items[0]!.input;
    expect(input('Failed')).toMatchObject({ result: 'failed', finishedAt: '2026-03-01T10:02:30.000Z' });
    expect(input('Error')).toMatchObject({ result: 'failed' });
    expect(input('Running')).not.toHaveProperty('result');
    expect(input('Running')).not.toHaveProperty('finishedAt');
    const blankEnd = adaptArgoCd(notification({ finishedAt: '<no value>' }), ctx).items[0]!.input;
    expect(blankEnd).toMatchObject({ result: 'success' });
    expect(blankEnd).not.toHaveProperty('finishedAt');
  });

  it('leaves blank template values out of id and title', () => {
    const item = adaptArgoCd(
      notification({
        namespace: '',
        revision: '<no value>',
        committedAt: '0001-01-01T00:00:00Z',
        gateCheck: ' ',
        exemption: '',
      }),
      ctx
    ).items[0]!;
    expect(item.id).toBe('argocd-ledger-main-1772359200000');
    expect(item.input.title).toBe('sync ledger-main');
    expect(item.input).not.toHaveProperty('committedAt');
    expect(item.input).not.toHaveProperty('gateCheck');
    expect(item.input).not.toHaveProperty('exemption');
  });

  it('maps by repository, by project and namespace labels, and by the application labels', () => {
    const other = { application: 'unmapped-app' };
    expect(
      adaptArgoCd(notification({ ...other, repoURL: 'git@github.com:acme/checkout-svc.git' }), ctx).items[0]!.input
        .service
    ).toBe('checkout-api');
    const byProject = adaptContext({ services: [{ labels: { project: 'payments' }, service: 'checkout-api' }] });
    expect(adaptArgoCd(notification({ ...other, project: 'payments' }), byProject).items[0]!.input.service).toBe(
      'checkout-api'
    );
    expect(() => adaptArgoCd(notification({ ...other, project: '' }), byProject)).toThrow();
    const byNamespace = adaptContext({ services: [{ labels: { namespace: 'argocd' }, service: 'catalog-web' }] });
    expect(adaptArgoCd(notification(other), byNamespace).items[0]!.input.service).toBe('catalog-web');
    const byLabel = adaptContext({ services: [{ labels: { tier: 'data' }, service: 'ledger-db' }] });
    expect(adaptArgoCd(notification(other), byLabel).items[0]!.input.service).toBe('ledger-db');
    expect(adaptArgoCd(notification({ ...other, labels: null }), byNamespace).items[0]!.input.service).toBe(
      'catalog-web'
    );
  });

  it('names the application when none maps, and a blank application', () => {
    expect(issuesOf(() => adaptArgoCd(notification({ application: 'unmapped-app', repoURL: '' }), ctx))).toEqual([
      {
        path: 'application',
        message: 'no service is mapped for application "unmapped-app" (ingestion.services in the config)',
      },
    ]);
    expect(issuesOf(() => adaptArgoCd(notification({ application: '<no value>' }), ctx))).toEqual([
      { path: 'application', message: 'must name the Argo CD application' },
    ]);
    expect(issuesOf(() => adaptArgoCd(notification({ startedAt: '' }), ctx))[0]!.path).toBe('startedAt');
    expect(issuesOf(() => adaptArgoCd(notification({ finishedAt: 'soon' }), ctx))[0]!.path).toBe('finishedAt');
  });

  it('reads owner/name from the usual repository URL forms', () => {
    expect(repositoryOf('https://github.com/acme/checkout.git')).toBe('acme/checkout');
    expect(repositoryOf('https://github.com/acme/checkout')).toBe('acme/checkout');
    expect(repositoryOf('https://gitlab.example/acme/checkout/')).toBe('acme/checkout');
    expect(repositoryOf('git@github.com:acme/checkout.git')).toBe('acme/checkout');
    expect(repositoryOf('checkout')).toBeUndefined();
    expect(repositoryOf('')).toBeUndefined();
    expect(repositoryOf(undefined)).toBeUndefined();
  });
});

describe('PagerDuty Change Events v2', () => {
  it('records the documented example: source mapped, build_state read, id from source, time and summary', () => {
    const { source, timestamp, summary } = PAGERDUTY_EXAMPLE.payload;
    expect(adaptPagerDuty(PAGERDUTY_EXAMPLE, ctx)).toEqual({
      ignored: 0,
      items: [
        {
          id: `pd-${sha256(`${source}\n${timestamp}\n${summary}`)}`,
          origin: 'payload',
          input: {
            title: 'Build Success: Increase snapshot create timeout to 30 seconds',
            system: 'pagerduty',
            service: 'catalog-web',
            kind: 'deploy',
            startedAt: '2020-07-17T08:42:58.315Z',
            result: 'success',
          },
        },
      ],
    });
  });

  const event = (payload: Record<string, unknown>) => ({ payload: { summary: 'Deploy ledger', ...payload } });

  it('reads the outcome from result, build_state or status, in those words and any case', () => {
    const result = (details: Record<string, string>) =>
      adaptPagerDuty(event({ source: 'ledger-x', custom_details: details }), ctx).items[0]!.input.result;
    const words: [string, string][] = [
      ['success', 'success'],
      ['succeeded', 'success'],
      ['passed', 'success'],
      ['Successful', 'success'],
      ['failed', 'failed'],
      ['failure', 'failed'],
      ['ERROR', 'failed'],
      ['errored', 'failed'],
      ['rolled_back', 'rolled_back'],
      ['rollback', 'rolled_back'],
      ['reverted', 'rolled_back'],
    ];
    for (const [word, expected] of words) expect(result({ result: word })).toBe(expected);
    expect(result({ build_state: 'failed' })).toBe('failed');
    expect(result({ status: 'reverted' })).toBe('rolled_back');
    expect(result({ result: 'success', build_state: 'failed', status: 'failed' })).toBe('success');
    expect(result({ build_state: 'passed', status: 'failed' })).toBe('success');
    expect(result({ result: 'running' })).toBeUndefined();
    expect(result({})).toBeUndefined();
  });

  it('takes a known kind, gate check and exemption from custom_details; now when there is no timestamp', () => {
    const input = adaptPagerDuty(
      event({
        source: 'ledger-x',
        custom_details: { kind: 'config', gateCheck: 'gate-9', exemption: 'E-2', build_number: 7 },
      }),
      ctx
    ).items[0]!.input;
    expect(input).toEqual({
      title: 'Deploy ledger',
      system: 'pagerduty',
      service: 'ledger-db',
      kind: 'config',
      startedAt: new Date(NOW).toISOString(),
      gateCheck: 'gate-9',
      exemption: 'E-2',
    });
    expect(
      adaptPagerDuty(event({ source: 'ledger-x', custom_details: { kind: 'banana' } }), ctx).items[0]!.input.kind
    ).toBe('deploy');
    // A service named in custom_details wins over the source.
    expect(
      adaptPagerDuty(event({ source: 'ledger-x', custom_details: { service: 'checkout-api' } }), ctx).items[0]!.input
        .service
    ).toBe('checkout-api');
    expect(adaptPagerDuty(event({ custom_details: { job: 'catalog' } }), ctx).items[0]!.input.service).toBe(
      'catalog-web'
    );
  });

  it('clips a long summary to 500 characters, and the same event always has the same id', () => {
    const long = event({ source: 'ledger-x', summary: 'x'.repeat(1024), timestamp: '2026-03-01T10:00:00Z' });
    const item = adaptPagerDuty(long, ctx).items[0]!;
    expect(item.input.title).toBe('x'.repeat(500));
    expect(item.id).toBe(`pd-${sha256(`ledger-x\n2026-03-01T10:00:00Z\n${'x'.repeat(1024)}`)}`);
    expect(
      adaptPagerDuty(event({ summary: 'a' }), adaptContext({ services: [{ labels: {}, service: 'ledger-db' }] }))
        .items[0]!.id
    ).toBe(`pd-${sha256('\n\na')}`);
  });

  it('names the source when no service is mapped, and a bad timestamp', () => {
    expect(issuesOf(() => adaptPagerDuty(event({ source: 'nowhere' }), ctx))).toEqual([
      {
        path: 'payload.source',
        message: 'no service is mapped for source "nowhere" or its custom_details (ingestion.services in the config)',
      },
    ]);
    expect(issuesOf(() => adaptPagerDuty(event({}), ctx))[0]!.message).toContain('for source ""');
    expect(issuesOf(() => adaptPagerDuty(event({ source: 'ledger-x', timestamp: 'now' }), ctx))[0]!.path).toBe(
      'payload.timestamp'
    );
    expect(issuesOf(() => adaptPagerDuty({ payload: { summary: '  ' } }, ctx))).toEqual([
      { path: 'payload.summary', message: 'must not be empty' },
    ]);
    expect(issuesOf(() => adaptPagerDuty('text', ctx))).toEqual([{ path: 'body', message: 'must be a JSON object' }]);
  });
});

describe('CloudEvents 1.0', () => {
  it('ignores the spec example (a pull request is no change) and records a CDEvents deployment', () => {
    expect(adaptCloudEvents(CLOUDEVENTS_SPEC_EXAMPLE, ctx)).toEqual({ items: [], ignored: 1 });
    const event = cdEventDeployed('ev-1', '2026-03-01T10:00:00Z');
    expect(adaptCloudEvents(event, ctx)).toEqual({
      ignored: 0,
      items: [
        {
          id: `ce-${sha256('/event/source/spinnaker\nev-1')}`,
          origin: '',
          input: {
            title: 'dev.cdevents.service.deployed.0.1.1 ledger-main',
            system: 'cloudevents',
            service: 'ledger-db',
            kind: 'deploy',
            startedAt: '2026-03-01T10:00:00.000Z',
            result: 'success',
          },
        },
      ],
    });
  });

  it('reads a batch, names each member by its index, and counts the events that are no change', () => {
    const adapted = adaptCloudEvents(
      [
        CLOUDEVENTS_SPEC_EXAMPLE,
        cdEventDeployed('a', '2026-03-01T10:00:00Z'),
        cdEventDeployed('b', '2026-03-01T11:00:00Z'),
      ],
      ctx
    );
    expect(adapted.ignored).toBe(1);
    expect(adapted.items.map((i) => i.origin)).toEqual(['[1]', '[2]']);
    expect(issuesOf(() => adaptCloudEvents([cdEventDeployed('a', 'soon')], ctx))).toEqual([
      { path: '[0].time', message: expect.stringContaining('ISO 8601') },
    ]);
    expect(issuesOf(() => adaptCloudEvents([cdEventDeployed('a', '2026-03-01T10:00:00Z', 'nowhere')], ctx))).toEqual([
      {
        path: '[0].subject',
        message:
          'no service is mapped for subject "nowhere" of source "/event/source/spinnaker" (ingestion.services in the config)',
      },
    ]);
    expect(issuesOf(() => adaptCloudEvents([{ ...CLOUDEVENTS_SPEC_EXAMPLE, specversion: '0.3' }], ctx))).toEqual([
      { path: '[0].specversion', message: 'only CloudEvents specversion "1.0" is understood' },
    ]);
    expect(issuesOf(() => adaptCloudEvents(new Array(10_001).fill(CLOUDEVENTS_SPEC_EXAMPLE), ctx))).toEqual([
      { path: 'body', message: 'at most 10000 events per batch' },
    ]);
    expect(adaptCloudEvents(new Array(10_000).fill(CLOUDEVENTS_SPEC_EXAMPLE), ctx).ignored).toBe(10_000);
  });

  const change = (type: string, data: unknown, extra: Record<string, unknown> = {}) => ({
    specversion: '1.0',
    id: 'x1',
    source: 'ci',
    type,
    subject: 'ledger-main',
    time: '2026-03-01T10:00:00Z',
    data,
    ...extra,
  });
  const input = (event: unknown, c = ctx) => adaptCloudEvents(event, c).items[0]!.input;

  it('takes title, kind, result, times, gate check and exemption from data', () => {
    expect(
      input(
        change('com.acme.change', {
          title: 'Raise pool size',
          kind: 'config',
          result: 'rolled_back',
          finishedAt: '2026-03-01T10:10:00Z',
          committedAt: '2026-03-01T09:00:00Z',
          gateCheck: 'gate-4',
          exemption: 'E-3',
        })
      )
    ).toEqual({
      title: 'Raise pool size',
      system: 'cloudevents',
      service: 'ledger-db',
      kind: 'config',
      startedAt: '2026-03-01T10:00:00.000Z',
      committedAt: '2026-03-01T09:00:00.000Z',
      result: 'rolled_back',
      finishedAt: '2026-03-01T10:10:00.000Z',
      gateCheck: 'gate-4',
      exemption: 'E-3',
    });
    const unknown = input(change('com.acme.change', { kind: 'banana', result: 'meh' }));
    expect(unknown.kind).toBe('deploy');
    expect(unknown).not.toHaveProperty('result');
    expect(input(change('com.acme.change', 'not an object'))).not.toHaveProperty('result');
    expect(input(change('com.acme.change', null)).title).toBe('com.acme.change ledger-main');
  });

  it('reads the outcome from a CDEvents type', () => {
    const result = (type: string) => input(change(type, {})).result;
    expect(result('dev.cdevents.service.rolledback.0.1.1')).toBe('rolled_back');
    expect(result('com.acme.deploy.rolled_back')).toBe('rolled_back');
    expect(result('com.acme.deploy.ROLLBACK')).toBe('rolled_back');
    expect(result('com.acme.deploy.failed')).toBe('failed');
    expect(result('com.acme.deploy.Failure')).toBe('failed');
    expect(result('dev.cdevents.service.deployed.0.1.1')).toBe('success');
    expect(result('dev.cdevents.service.upgraded.0.1.1')).toBe('success');
    expect(result('com.acme.deploy.succeeded')).toBe('success');
    expect(result('com.acme.deploy.finished')).toBe('success');
    expect(result('com.acme.deploy.started')).toBeUndefined();
    // data.result wins over the type.
    expect(input(change('com.acme.deploy.failed', { result: 'success' })).result).toBe('success');
  });

  it('reads the commit time from data or a CDEvent customData, naming the path when it is bad', () => {
    expect(input(change('x.deploy', { customData: { committedAt: '2026-03-01T09:30:00Z' } })).committedAt).toBe(
      '2026-03-01T09:30:00.000Z'
    );
    expect(
      input(
        change('x.deploy', { committedAt: '2026-03-01T09:00:00Z', customData: { committedAt: '2026-03-01T09:30:00Z' } })
      ).committedAt
    ).toBe('2026-03-01T09:00:00.000Z');
    expect(input(change('x.deploy', { customData: 'x' }))).not.toHaveProperty('committedAt');
    expect(input(change('x.deploy', { customData: null }))).not.toHaveProperty('committedAt');
    expect(input(change('x.deploy', { customData: {} }))).not.toHaveProperty('committedAt');
    expect(issuesOf(() => adaptCloudEvents(change('x.deploy', { customData: { committedAt: 5 } }), ctx))).toEqual([
      { path: 'data.customData.committedAt', message: expect.stringContaining('ISO 8601') },
    ]);
    expect(issuesOf(() => adaptCloudEvents([change('x.deploy', { committedAt: 'x' })], ctx))[0]!.path).toBe(
      '[0].data.committedAt'
    );
    expect(issuesOf(() => adaptCloudEvents(change('x.deploy', { finishedAt: 'x' }), ctx))[0]!.path).toBe(
      'data.finishedAt'
    );
  });

  it('maps by data.service, data.repository, extension attributes and data.labels; now without a time', () => {
    expect(input(change('x.deploy', { service: 'checkout-api' })).service).toBe('checkout-api');
    const noSubject = { subject: undefined };
    expect(input(change('x.deploy', { repository: 'acme/checkout-web' }, noSubject)).service).toBe('checkout-api');
    expect(input(change('x.deploy', {}, { ...noSubject, job: 'catalog' })).service).toBe('catalog-web');
    expect(input(change('x.deploy', { labels: { job: 'catalog' } }, noSubject)).service).toBe('catalog-web');
    const untimed = input(change('x.deploy', {}, { time: undefined }));
    expect(untimed.startedAt).toBe(new Date(NOW).toISOString());
    expect(input(change('x.deploy', {}, { subject: undefined, job: 'catalog' })).title).toBe('x.deploy');
    expect(issuesOf(() => adaptCloudEvents(change('x.deploy', {}, { subject: undefined }), ctx))[0]!.message).toContain(
      'subject "" of source "ci"'
    );
  });

  it('uses the configured change types', () => {
    const only = adaptContext({ cloudevents: { changeTypes: ['com.acme.*'] } });
    expect(adaptCloudEvents(change('com.acme.anything', {}), only).items).toHaveLength(1);
    expect(adaptCloudEvents(change('dev.cdevents.service.deployed.0.1.1', {}), only)).toEqual({
      items: [],
      ignored: 1,
    });
    for (const type of ['x.deploy', 'x.change', 'x.release', 'x.rollout', 'x.upgraded', 'x.rolledback'])
      expect(adaptCloudEvents(change(type, {}), ctx).items).toHaveLength(1);
  });
});
