/**
 * Argo CD notifications, from the `ballast-change` webhook template we ship
 * (docs/ingestion.md, provisioning/argocd/argocd-notifications-cm.yaml). One change record per sync
 * operation: `argocd-<namespace>.<application>-<operation start ms>`; the running, succeeded and
 * failed notifications of one sync update that record.
 */
import { z } from 'zod';
import { committedAtOf } from './commit-time.js';
import { resolveService, stringValues } from './mapping.js';
import { clip, isoTime, parseBody, present, recordIdOf, type AdaptContext, type Adapted } from './pipeline.js';
import { ValidationError } from '../service/errors.js';

const text = z.string().optional();

export const argoCdSchema = z.object({
  application: z.string().refine((v) => present(v) !== undefined, 'must name the Argo CD application'),
  namespace: text,
  project: text,
  phase: text,
  startedAt: z.string(),
  finishedAt: text,
  revision: text,
  // The synced revision's commit date (`repo.GetCommitMetadata(…).Date` in the template).
  committedAt: z.unknown().optional(),
  repoURL: text,
  labels: z.record(z.string(), z.unknown()).nullable().optional(),
  gateCheck: text,
  exemption: text,
});

const RESULT: Record<string, 'success' | 'failed'> = { Succeeded: 'success', Failed: 'failed', Error: 'failed' };

export function adaptArgoCd(body: unknown, ctx: AdaptContext): Adapted {
  const n = parseBody(argoCdSchema, body);
  const application = present(n.application)!;
  const namespace = present(n.namespace);
  const startedAt = isoTime(present(n.startedAt), 'startedAt');
  const repository = repositoryOf(present(n.repoURL));
  const labels = {
    ...stringValues(n.labels),
    ...(present(n.project) ? { project: n.project! } : {}),
    ...(namespace ? { namespace } : {}),
  };
  const service = resolveService({ application, repository, labels }, ctx.config.services, ctx.org);
  if (!service) {
    throw new ValidationError([
      {
        path: 'application',
        message: `no service is mapped for application "${application}" (ingestion.services in the config)`,
      },
    ]);
  }
  const result = RESULT[present(n.phase) ?? ''];
  const finishedAt = present(n.finishedAt);
  const revision = present(n.revision);
  const committedAt = committedAtOf(n.committedAt, 'committedAt', startedAt);
  return {
    ignored: 0,
    items: [
      {
        id: recordIdOf('argocd', namespace ? `${namespace}.${application}` : application, Date.parse(startedAt)),
        origin: '',
        input: {
          title: clip(`sync ${application}${revision ? ` to ${revision.slice(0, 12)}` : ''}`, 500),
          system: ctx.config.systems.argocd,
          service,
          kind: 'deploy',
          startedAt,
          ...(committedAt ? { committedAt } : {}),
          ...(result ? { result } : {}),
          ...(result && finishedAt ? { finishedAt: isoTime(finishedAt, 'finishedAt') } : {}),
          ...(present(n.gateCheck) ? { gateCheck: present(n.gateCheck) } : {}),
          ...(present(n.exemption) ? { exemption: present(n.exemption) } : {}),
        },
      },
    ],
  };
}

/** `https://github.com/acme/checkout.git` or `git@github.com:acme/checkout.git` → `acme/checkout`. */
export function repositoryOf(url: string | undefined): string | undefined {
  const match = url ? /[:/]([^/:]+\/[^/]+?)(?:\.git)?\/?$/.exec(url) : null;
  return match?.[1];
}
