/**
 * GitHub `deployment_status` webhooks. One change record per deployment (`gh-<deployment id>`): its
 * statuses move it from started to success / failed. The body is authenticated by
 * `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the webhook secret), compared in constant time.
 * GitHub does not promise delivery order and lets anyone with a delivery redeliver it: the status
 * created last decides the result (mergeGithubChange), and a delivery id already written is answered
 * as a duplicate (api/ingest-routes.ts, `Receiver.deliveryId`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { committedAtOf } from './commit-time.js';
import { resolveService } from './mapping.js';
import {
  clip,
  isoTime,
  mergeChange,
  parseBody,
  present,
  recordIdOf,
  type AdaptContext,
  type Adapted,
  type Merge,
} from './pipeline.js';
import { ValidationError } from '../service/errors.js';

export function validSignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(match[1]!, 'hex'));
}

const deploymentStatusSchema = z.object({
  action: z.string().optional(),
  deployment_status: z.object({
    state: z.string().min(1),
    created_at: z.string(),
    environment: z.string().optional(),
    description: z.string().nullable().optional(),
  }),
  deployment: z.object({
    id: z.number().int().nonnegative(),
    ref: z.string().optional(),
    task: z.string().optional(),
    environment: z.string().optional(),
    created_at: z.string(),
    // Free-form data the workflow attached to the deployment: `service`, `gateCheck`, `exemption`,
    // `committedAt` (GitHub's deployment carries the commit's `sha` but not its time).
    payload: z.unknown().optional(),
  }),
  repository: z.object({ full_name: z.string().min(1) }),
});

const FINISHED: Record<string, 'success' | 'failed'> = { success: 'success', failure: 'failed', error: 'failed' };
/** `inactive` only says a newer deployment replaced this one: nothing about the change itself. */
const IGNORED_STATES = new Set(['inactive']);

export function adaptGithub(event: string | undefined, body: unknown, ctx: AdaptContext): Adapted {
  if (event === 'ping') return { items: [], ignored: 1 };
  if (event !== 'deployment_status') {
    throw new ValidationError([
      {
        path: 'X-GitHub-Event',
        message: `"${event ?? ''}" is not handled; subscribe the webhook to "Deployment statuses" only`,
      },
    ]);
  }
  const hook = parseBody(deploymentStatusSchema, body);
  const { deployment, deployment_status: status, repository } = hook;
  if (IGNORED_STATES.has(status.state)) return { items: [], ignored: 1 };
  const extra = payloadFields(deployment.payload);
  const environment = status.environment ?? deployment.environment;
  const service = resolveService(
    { service: extra.service, repository: repository.full_name, labels: environment ? { environment } : {} },
    ctx.config.services,
    ctx.org
  );
  if (!service) {
    throw new ValidationError([
      {
        path: 'repository.full_name',
        message: `no service is mapped for repository "${repository.full_name}" (ingestion.services in the config)`,
      },
    ]);
  }
  const result = FINISHED[status.state];
  const startedAt = isoTime(deployment.created_at, 'deployment.created_at');
  const committedAt = committedAtOf(extra.committedAt, 'deployment.payload.committedAt', startedAt);
  return {
    ignored: 0,
    items: [
      {
        id: recordIdOf('gh', deployment.id),
        origin: 'deployment',
        input: {
          title: clip(
            `${repository.full_name}${deployment.ref ? `@${deployment.ref}` : ''}${environment ? ` to ${environment}` : ''}`,
            500
          ),
          system: ctx.config.systems.github,
          service,
          kind: 'deploy',
          startedAt,
          ...(committedAt ? { committedAt } : {}),
          ...(result ? { result, finishedAt: isoTime(status.created_at, 'deployment_status.created_at') } : {}),
          ...(extra.gateCheck ? { gateCheck: extra.gateCheck } : {}),
          ...(extra.exemption ? { exemption: extra.exemption } : {}),
        },
      },
    ],
  };
}

/** The deployment payload may be an object or a JSON string, depending on how it was created. */
function payloadFields(payload: unknown): {
  service?: string;
  gateCheck?: string;
  exemption?: string;
  committedAt?: unknown;
} {
  let value = payload;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return {};
    }
  }
  if (typeof value !== 'object' || value === null) return {};
  const o = value as Record<string, unknown>;
  return {
    service: present(o.service),
    gateCheck: present(o.gateCheck),
    exemption: present(o.exemption),
    committedAt: o.committedAt,
  };
}

const at = (iso: unknown) => (typeof iso === 'string' ? Date.parse(iso) : undefined);

/**
 * A status older than the stored result (by its created_at, the finishedAt it set) arrived late:
 * it does not undo the result; a status of the same second keeps the first one written.
 */
export const mergeGithubChange: Merge = (incoming, stored) => {
  const merged = mergeChange(incoming, stored);
  const storedAt = at(stored.finishedAt);
  const incomingAt = at(incoming.finishedAt);
  if (stored.result === undefined || storedAt === undefined || incomingAt === undefined || incomingAt > storedAt)
    return merged;
  return { ...merged, result: stored.result, finishedAt: stored.finishedAt };
};

/** GitHub's id of one delivery (`X-GitHub-Delivery`, a GUID); a redelivery carries the same one. */
export const githubDeliveryId = (header: (name: string) => string | undefined): string | undefined => {
  const id = header('x-github-delivery')?.trim();
  return id && /^[0-9A-Za-z-]{1,100}$/.test(id) ? id : undefined;
};
