/**
 * LitmusChaos ChaosResult objects (litmuschaos.io/v1alpha1), as `kubectl get chaosresult -o json`
 * prints them: one object or a list. A completed result is one drill (`litmus-<object uid>`): the
 * experiment on its target is the scenario, the target application maps to the service, and the
 * score follows the rule in docs/ingestion.md. A result still running (verdict Awaited) is ignored,
 * so the same object sent again once completed is then written, and sent again changes nothing.
 */
import { z } from 'zod';
import { ValidationError } from '../service/errors.js';
import { drillOwner } from './drills.js';
import { stringValues } from './mapping.js';
import {
  clip,
  isoTime,
  parseBody,
  recordIdOf,
  type AdaptContext,
  type Adapted,
  type Item,
  type Merge,
} from './pipeline.js';

const chaosResultSchema = z.object({
  kind: z.literal('ChaosResult', { message: 'must be "ChaosResult"' }).optional(),
  metadata: z.object({
    name: z.string().min(1),
    namespace: z.string().optional(),
    uid: z.string().min(1).optional(),
    creationTimestamp: z.string({ message: 'is required (when the experiment started)' }),
    labels: z.record(z.string(), z.string()).optional(),
    managedFields: z.array(z.object({ time: z.string().optional() })).optional(),
  }),
  spec: z.object({ engine: z.string().optional(), experiment: z.string().min(1) }),
  status: z.object({
    experimentStatus: z.object({
      phase: z.string().optional(),
      verdict: z.string().min(1),
      probeSuccessPercentage: z.union([z.string(), z.number()]).optional(),
    }),
    history: z
      .object({
        passedRuns: z.number().int().nonnegative().optional(),
        failedRuns: z.number().int().nonnegative().optional(),
        stoppedRuns: z.number().int().nonnegative().optional(),
        targets: z.array(z.object({ name: z.string().optional(), kind: z.string().optional() })).nullish(),
      })
      .nullish(),
  }),
});

type ChaosResult = z.infer<typeof chaosResultSchema>;

const listSchema = z.object({ items: z.array(z.unknown()).max(1000) });

export function adaptLitmus(body: unknown, ctx: AdaptContext): Adapted {
  const list = typeof body === 'object' && body !== null && 'items' in body;
  const objects = list ? parseBody(listSchema, body).items : [body];
  const items: Item[] = [];
  let ignored = 0;
  objects.forEach((object, i) => {
    const origin = list ? `items[${i}]` : '';
    const result = parseBody(chaosResultSchema, object, origin);
    const score = scoreOf(result, origin);
    if (score === undefined) return void ignored++;
    const at = (path: string) => (origin ? `${origin}.${path}` : path);
    const targets = (result.status.history?.targets ?? []).map((t) => t.name).filter((n): n is string => !!n);
    const labels = stringValues(result.metadata.labels);
    const owner = drillOwner(
      labels,
      [...targets, ...(result.spec.engine ? [result.spec.engine] : [])],
      ctx,
      at('status.history.targets')
    );
    const target = result.status.history?.targets?.[0];
    const on = target?.name ? ` on ${target.kind ? `${target.kind}/` : ''}${target.name}` : '';
    // Each run of the same engine patches the same object and counts itself in its history.
    const history = result.status.history;
    const run = (history?.passedRuns ?? 0) + (history?.failedRuns ?? 0) + (history?.stoppedRuns ?? 0);
    items.push({
      id: recordIdOf(
        'litmus',
        result.metadata.uid ?? `${result.metadata.namespace ?? ''}/${result.metadata.name}`,
        Math.max(run, 1)
      ),
      origin,
      input: {
        scenario: clip(`LitmusChaos ${result.spec.experiment}${on}`, 500),
        ...owner,
        startedAt: startOf(result, run, at),
        score,
      },
    });
  });
  return { items, ignored };
}

/**
 * The object is created by the first run; a later run is known by its last update (managedFields),
 * the closest time the object carries.
 */
function startOf(result: ChaosResult, run: number, at: (path: string) => string): string {
  const created = isoTime(result.metadata.creationTimestamp, at('metadata.creationTimestamp'));
  if (run <= 1) return created;
  const updated = (result.metadata.managedFields ?? [])
    .map((f) => (f.time && !Number.isNaN(Date.parse(f.time)) ? isoTime(f.time, at('metadata.managedFields')) : ''))
    .sort()
    .pop();
  return updated && updated > created ? updated : created;
}

/**
 * The drill score rule: the probe success percentage of a Pass or Fail verdict (100 for a Pass and
 * 0 for a Fail without probes); 0 for a run that was stopped or errored (an aborted drill is not a
 * passed one); none (not yet a drill) while the verdict is Awaited.
 */
function scoreOf(result: ChaosResult, origin: string): number | undefined {
  const { verdict, probeSuccessPercentage } = result.status.experimentStatus;
  const phase = result.status.experimentStatus.phase;
  if (verdict === 'Awaited' || phase === 'Running' || phase === 'Awaited') return undefined;
  if (verdict !== 'Pass' && verdict !== 'Fail') return 0;
  const percentage = Number(String(probeSuccessPercentage ?? '').replace('%', ''));
  if (probeSuccessPercentage === undefined || probeSuccessPercentage === '' || !Number.isFinite(percentage)) {
    return verdict === 'Pass' ? 100 : 0;
  }
  if (percentage < 0 || percentage > 100) {
    const path = `${origin ? `${origin}.` : ''}status.experimentStatus.probeSuccessPercentage`;
    throw new ValidationError([{ path, message: 'must be a percentage from 0 to 100' }]);
  }
  return percentage;
}

/** A result sent again keeps its first start (a later run of the same engine may patch the object). */
export const mergeLitmus: Merge = (incoming, stored) => ({ ...incoming, startedAt: stored.startedAt });
