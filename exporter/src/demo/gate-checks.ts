/**
 * Demo gate answers: every demo change that cites a gate check cites one of these, asked a few
 * minutes before the change started, so the change is judged on real evidence as any other
 * (service/change-control.ts). The gate refused the changes it was asked for inside a freeze:
 * those count as uncontrolled, with the refusal as their reason. Pure and deterministic.
 */
import { openOccurrence, scopeApplies, type FreezeWindowSpec } from '../domain/freezes.js';
import { toIso, toMs } from '../domain/time.js';
import type { ChangeRecord } from './changes.js';
import type { DemoContext } from './context.js';
import type { FreezeRecord } from './freezes.js';

/** One kept gate answer, as the gate_checks table holds it. */
export interface DemoGateCheck {
  id: string;
  service: string;
  at: number;
  allowed: boolean;
  freezes: { id: string; name: string; reason: string; startsAt: string; endsAt: string }[];
}

export function demoGateChecks(ctx: DemoContext, changes: ChangeRecord[], freezes: FreezeRecord[]): DemoGateCheck[] {
  const specs: FreezeWindowSpec[] = freezes.map((f) => ({
    id: f.id,
    name: f.name,
    reason: f.reason,
    scope: f.scope ?? {},
    startsAt: f.startsAt ? toMs(f.startsAt) : undefined,
    endsAt: f.endsAt ? toMs(f.endsAt) : undefined,
    schedule: f.schedule,
  }));
  return changes.flatMap((change) => {
    if (!change.gateCheck || !change.service) return [];
    // 2 to 31 minutes before the start, from the check's own digits (no extra random draws).
    const at = toMs(change.startedAt) - ((Number(change.gateCheck.replace(/\D/g, '')) % 30) + 2) * 60_000;
    const owner = ctx.index.ownerOf({ service: change.service });
    const target = { service: change.service, team: owner.team, businessLine: owner.businessLine };
    const open = specs.flatMap((spec) => {
      const o = scopeApplies(spec.scope, target) ? openOccurrence(spec, at) : null;
      return o
        ? [{ id: o.id, name: o.name, reason: o.reason, startsAt: toIso(o.startsAt), endsAt: toIso(o.endsAt) }]
        : [];
    });
    return [{ id: change.gateCheck, service: change.service, at, allowed: open.length === 0, freezes: open }];
  });
}
