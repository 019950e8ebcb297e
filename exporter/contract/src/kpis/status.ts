/** The status rule: how a KPI's value stands against its target. The exporter and the panel both use this one. */
import type { Direction } from './types.js';

export const STATUSES = ['met', 'at_risk', 'missed', 'no_data'] as const;
export type Status = (typeof STATUSES)[number];

/** How far on the wrong side of the target still counts as at risk (share of the target). */
export const AT_RISK_SHARE = 0.1;

/** met, at_risk (wrong side by at most 10 % of the target), missed; no_data without a finite value or target. */
export function statusOf(direction: Direction, value: number | null, target: number | null): Status {
  if (value === null || target === null || !Number.isFinite(value) || !Number.isFinite(target)) {
    return 'no_data';
  }
  const shortfall = direction === 'lower' ? value - target : target - value;
  if (shortfall <= 0) {
    return 'met';
  }
  return shortfall <= Math.abs(target) * AT_RISK_SHARE ? 'at_risk' : 'missed';
}
