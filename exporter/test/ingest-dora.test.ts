/**
 * `committedAt` (DORA lead time) through the GitHub, Argo CD and CloudEvents receivers over real
 * HTTP on both stores. Where each payload carries the commit time:
 * - GitHub `deployment_status` (docs.github.com, "Webhook events and payloads", deployment_status):
 *   the `deployment` object names the commit's `sha` but no time, and its free-form `payload` is what
 *   the workflow set when creating the deployment (`gh api …/deployments -f payload=…` sends it as a
 *   JSON string): Ballast reads `payload.committedAt` there.
 * - Argo CD notifications: the template function `repo.GetCommitMetadata(sha)` returns a
 *   `CommitMetadata` whose `Date` is a Go `time.Time` (argoproj/argo-cd
 *   util/notification/expression/shared/commit.go); `toJson` prints it as RFC 3339 with the commit's
 *   offset, and an unknown date as Go's zero time `0001-01-01T00:00:00Z`.
 * - CloudEvents: `data.committedAt`; for a CDEvent, whose data is `{context, subject, customData}`,
 *   the spec's extension point `customData` (cdevents/spec spec.md, "customData").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KpiService } from '../src/service/kpis.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE_TARGETS } from './helpers/stores.js';
import {
  cdEventDeployed,
  GITHUB_SECRET,
  githubDeploymentStatus,
  githubHeaders,
  writeConfigFile,
} from './ingest-fixtures.js';

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();
/** The same instant written with a +02:00 offset, as git and Go print local times. */
const withOffset = (isoUtc: string) => {
  const local = new Date(Date.parse(isoUtc) + 2 * HOUR).toISOString().replace(/Z$/, '');
  return `${local}+02:00`;
};

describe.each(STORE_TARGETS)('committedAt through the receivers on $kind', (target) => {
  let server: TestServer;
  let kpis: KpiService;
  const post = (source: string, body: unknown) =>
    server.call('POST', `/api/v1/ingest/${source}`, { role: 'ingest', body });
  const github = (body: unknown) => {
    const raw = JSON.stringify(body);
    return server.call('POST', '/api/v1/ingest/github', { role: null, body: raw, headers: githubHeaders(raw) });
  };
  const change = async (id: string) => (await server.call('GET', `/api/v1/changes/${id}`, { role: 'read' })).json();
  const leadTime = async () => {
    const { values } = await kpis.values('7d', { level: 'org' }, ['change_lead_time_seconds']);
    return values[0]!;
  };

  beforeAll(async () => {
    server = await startTestServer(await target.fresh(), {
      configFile: await writeConfigFile(),
      webhookSecrets: { github: GITHUB_SECRET },
    });
    kpis = new KpiService(server.services.store, server.services.orgs);
  });
  afterAll(() => server?.close());

  describe('GitHub', () => {
    const created = ago(5);
    const committedAt = ago(7);

    it('reads payload.committedAt (a JSON string payload, with an offset), keeps it across statuses, and the lead time counts it', async () => {
      const payload = JSON.stringify({ committedAt: withOffset(committedAt) });
      expect(
        (
          await github(
            githubDeploymentStatus({ id: 500, state: 'in_progress', createdAt: created, statusAt: created, payload })
          )
        ).status
      ).toBe(200);
      const finished = ago(4);
      // The success status comes from a tool that sets no payload: the stored commit time stays.
      const res = await github(
        githubDeploymentStatus({ id: 500, state: 'success', createdAt: created, statusAt: finished })
      );
      expect(await res.json()).toMatchObject({ updated: 1 });
      expect(await change('gh-500')).toMatchObject({
        committedAt,
        startedAt: created,
        finishedAt: finished,
        result: 'success',
      });
      // One deploy: finishedAt − committedAt (3 h, give or take the ms between the two `ago` calls).
      expect(await leadTime()).toMatchObject({
        value: (Date.parse(finished) - Date.parse(committedAt)) / 1000,
        denominator: 1,
      });
    });

    it('leaves committedAt absent when the payload has none, and names a malformed one with 400', async () => {
      await github(githubDeploymentStatus({ id: 501, state: 'success', createdAt: created, statusAt: ago(4.5) }));
      expect((await change('gh-501')).committedAt).toBeUndefined();
      const res = await github(
        githubDeploymentStatus({
          id: 502,
          state: 'success',
          createdAt: created,
          statusAt: created,
          payload: { committedAt: 'yesterday-ish' },
        })
      );
      expect(res.status).toBe(400);
      expect((await res.json()).issues).toEqual([
        {
          path: 'deployment.payload.committedAt',
          message: 'must be an ISO 8601 date-time with an offset, e.g. 2026-03-01T12:00:00Z',
        },
      ]);
      const number = await github(
        githubDeploymentStatus({
          id: 502,
          state: 'success',
          createdAt: created,
          statusAt: created,
          payload: { committedAt: 1767225600 },
        })
      );
      expect(number.status).toBe(400);
      expect((await server.call('GET', '/api/v1/changes/gh-502', { role: 'read' })).status).toBe(404);
    });

    it('takes a commit time later than the deployment (the committer clock was ahead) as the deployment start', async () => {
      await github(
        githubDeploymentStatus({
          id: 503,
          state: 'in_progress',
          createdAt: created,
          statusAt: created,
          payload: { committedAt: ago(4.9) },
        })
      );
      expect(await change('gh-503')).toMatchObject({ committedAt: created, startedAt: created });
    });
  });

  describe('Argo CD', () => {
    const startedAt = ago(3);
    const committedAt = ago(30);
    const notification = (phase: string, extra: Record<string, unknown>) => ({
      application: 'ledger-main',
      namespace: 'argocd',
      project: 'default',
      phase,
      startedAt,
      finishedAt: '',
      revision: 'a10867b14bb761a232cd80139fbd4c0d33264240',
      repoURL: 'https://github.com/acme/ledger.git',
      labels: null,
      ...extra,
    });
    const id = `argocd-argocd.ledger-main-${Date.parse(startedAt)}`;

    it('reads the template\'s committedAt; a Running notification without it ("") and a re-sent one keep the stored time', async () => {
      expect(
        await (await post('argocd', notification('Running', { committedAt: '', revision: '' }))).json()
      ).toMatchObject({ created: 1 });
      expect((await change(id)).committedAt).toBeUndefined();
      const finishedAt = ago(2.5);
      const succeeded = notification('Succeeded', { finishedAt, committedAt: withOffset(committedAt) });
      expect(await (await post('argocd', succeeded)).json()).toMatchObject({ updated: 1 });
      expect(await (await post('argocd', notification('Running', { committedAt: '' }))).json()).toMatchObject({
        deduplicated: 1,
      });
      expect(await change(id)).toMatchObject({ committedAt, finishedAt, result: 'success' });
    });

    it("treats Go's zero time (a commit date the repo server does not know) as absent", async () => {
      const other = notification('Succeeded', {
        application: 'ledger-batch',
        finishedAt: ago(2.9),
        committedAt: '0001-01-01T00:00:00Z',
      });
      expect((await post('argocd', other)).status).toBe(200);
      expect((await change(`argocd-argocd.ledger-batch-${Date.parse(startedAt)}`)).committedAt).toBeUndefined();
    });
  });

  describe('CloudEvents', () => {
    it('reads data.committedAt, and customData.committedAt of a CDEvent', async () => {
      const [six, eight] = [ago(6), ago(8)];
      const plain = {
        specversion: '1.0',
        id: 'rel-1',
        source: '/ci/releases',
        type: 'com.example.release.finished',
        subject: 'ledger-main',
        time: ago(2),
        data: { result: 'success', committedAt: six, finishedAt: ago(1.5) },
      };
      const cdevent = cdEventDeployed('cd-1', ago(2));
      const withCustom = { ...cdevent, data: { ...cdevent.data, customData: { committedAt: withOffset(eight) } } };
      const res = await server.call('POST', '/api/v1/ingest/cloudevents', {
        role: 'ingest',
        body: [plain, withCustom],
        headers: { 'content-type': 'application/cloudevents-batch+json' },
      });
      expect(await res.json()).toMatchObject({ created: 2 });
      const { items } = await (
        await server.call('GET', '/api/v1/changes?system=cloudevents&limit=10', { role: 'read' })
      ).json();
      expect(items.map((c: { committedAt?: string }) => c.committedAt).sort()).toEqual([eight, six]);
    });

    it('names the bad commit time of a batch member', async () => {
      const bad = { ...cdEventDeployed('cd-2', ago(1)), data: { customData: { committedAt: 'not a time' } } };
      const res = await post('cloudevents', [cdEventDeployed('cd-3', ago(1)), bad]);
      expect(res.status).toBe(400);
      expect((await res.json()).issues[0].path).toBe('[1].data.customData.committedAt');
    });
  });
});
