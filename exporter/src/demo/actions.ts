/**
 * Demo improvement actions: one to four per postmortem, due two to six weeks later. Most are done
 * on time, some late, a few still open past their due date.
 */
import { DAY_MS, toIso, toMs } from '../domain/time.js';
import { closedAt, type ClosingRates, type DemoContext, type DemoRecord } from './context.js';
import type { IncidentRecord } from './incidents.js';
import { People } from './org.js';
import type { Random } from './random.js';

export type ActionRecord = DemoRecord<'actions'>;

const TITLES = [
  'Add an alert on the failure mode seen in',
  'Write a runbook for',
  'Add a canary stage to the rollout of',
  'Automate rollback for',
  'Load-test the new limits of',
  'Add a circuit breaker in front of the dependencies of',
  'Add a dashboard panel for the saturation of',
  'Cover the failing path with an integration test in',
];

const COMPLETION: ClosingRates = { doneBeforeDue: 0.45, done: [0.93, 0.985], late: 0.1 };

export function demoActions(ctx: DemoContext, rng: Random, incidents: IncidentRecord[]): ActionRecord[] {
  const people = new People(rng);
  const actions: ActionRecord[] = [];
  for (const incident of incidents) {
    const postmortem = incident.steps?.find((s) => s.step === 'postmortem');
    if (!postmortem) continue;
    const reviewedAt = toMs(postmortem.at);
    const count = rng.int(1, 4);
    for (let k = 1; k <= count; k++) {
      const dueAt = reviewedAt + Math.round(rng.between(14, 45) * DAY_MS);
      const completedAt = closedAt(ctx, rng, reviewedAt, dueAt, COMPLETION);
      actions.push({
        id: `act-${incident.id.replace(/^inc-/, '')}-${k}`,
        incident: incident.id,
        title: `${rng.pick(TITLES)} ${incident.service}`,
        owner: people.person(),
        dueAt: toIso(dueAt),
        ...(completedAt !== undefined ? { completedAt: toIso(completedAt) } : {}),
      });
    }
  }
  return actions;
}
