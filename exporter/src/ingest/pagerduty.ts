/**
 * PagerDuty Change Events v2 bodies (`{routing_key, payload: {summary, timestamp, source,
 * custom_details}, links}`), for tools that already emit them. They carry no id, so the record id is
 * a digest of source, timestamp and summary: the same event sent twice is one record.
 * The routing_key is not stored (it is PagerDuty's integration key, not ours).
 */
import { z } from 'zod';
import { CHANGE_KINDS, CHANGE_RESULTS } from '../domain/records.js';
import { toIso } from '../domain/time.js';
import { resolveService, stringValues } from './mapping.js';
import { clip, digest, isoTime, parseBody, present, type AdaptContext, type Adapted } from './pipeline.js';
import { ValidationError } from '../service/errors.js';

export const pagerDutyChangeSchema = z.object({
  routing_key: z.string().optional(),
  payload: z.object({
    summary: z.string().trim().min(1, 'must not be empty').max(1024),
    timestamp: z.string().optional(),
    source: z.string().optional(),
    custom_details: z.record(z.string(), z.unknown()).optional(),
  }),
  links: z.array(z.object({ href: z.string(), text: z.string().optional() })).optional(),
});

/** Build tools report their outcome in many words. */
const OUTCOME: Record<string, (typeof CHANGE_RESULTS)[number]> = {
  success: 'success',
  succeeded: 'success',
  passed: 'success',
  successful: 'success',
  failed: 'failed',
  failure: 'failed',
  error: 'failed',
  errored: 'failed',
  rolled_back: 'rolled_back',
  rollback: 'rolled_back',
  reverted: 'rolled_back',
};

export function adaptPagerDuty(body: unknown, ctx: AdaptContext): Adapted {
  const { payload } = parseBody(pagerDutyChangeSchema, body);
  const details = stringValues(payload.custom_details);
  const source = present(payload.source);
  const service = resolveService(
    { service: details.service, application: source, labels: details },
    ctx.config.services,
    ctx.org
  );
  if (!service) {
    throw new ValidationError([
      {
        path: 'payload.source',
        message: `no service is mapped for source "${source ?? ''}" or its custom_details (ingestion.services in the config)`,
      },
    ]);
  }
  const timestamp = present(payload.timestamp);
  const kind = (CHANGE_KINDS as readonly string[]).includes(details.kind ?? '') ? details.kind : 'deploy';
  const result = OUTCOME[(details.result ?? details.build_state ?? details.status ?? '').toLowerCase()];
  return {
    ignored: 0,
    items: [
      {
        id: `pd-${digest([source ?? '', timestamp ?? '', payload.summary].join('\n'))}`,
        origin: 'payload',
        input: {
          title: clip(payload.summary, 500),
          system: ctx.config.systems.pagerduty,
          service,
          kind,
          startedAt: timestamp ? isoTime(timestamp, 'payload.timestamp') : toIso(ctx.now),
          ...(result ? { result } : {}),
          ...(details.gateCheck ? { gateCheck: clip(details.gateCheck, 100) } : {}),
          ...(details.exemption ? { exemption: clip(details.exemption, 500) } : {}),
        },
      },
    ],
  };
}
