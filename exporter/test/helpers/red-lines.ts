/**
 * The red-line tests' org and records (red-lines.test.ts, service-red-lines.test.ts): every rule
 * on, and record builders whose times are days before NOW, so each since/until is worked out by hand.
 */
import type { Org } from '../../src/domain/org.js';
import { smallOrg } from './org.js';

export const DAY = 86_400_000;
export const NOW = Date.parse('2026-03-10T00:00:00Z');
export const iso = (ms: number) => new Date(ms).toISOString();
export const ago = (days: number) => NOW - days * DAY;

/** Every rule on; grace: post-mortem 5 days, actions 7, findings 7, alerts 3. */
export function redLineOrg(): Org {
  return {
    ...smallOrg(),
    redLines: {
      change_in_freeze: { enabled: true },
      incident_without_postmortem: { enabled: true, days: 5 },
      action_overdue: { enabled: true, days: 7 },
      finding_overdue: { enabled: true, days: 7 },
      alert_without_verdict: { enabled: true, days: 3 },
    },
  };
}

export const incident = (service: string, recoveredDaysAgo: number, extra: Record<string, unknown> = {}) => ({
  title: `Outage of ${service}`,
  priority: 'P1',
  service,
  startedAt: iso(ago(recoveredDaysAgo) - 3_600_000),
  detectedAt: iso(ago(recoveredDaysAgo) - 3_000_000),
  recoveredAt: iso(ago(recoveredDaysAgo)),
  detectionSource: 'monitoring',
  ...extra,
});
export const postmortemStep = (daysAgo: number) => ({
  steps: [{ step: 'postmortem', at: iso(ago(daysAgo)), owner: 'Dennis' }],
});
export const action = (incidentId: string, owner: string, dueDaysAgo: number, completedDaysAgo?: number) => ({
  incident: incidentId,
  title: `Fix for ${incidentId}`,
  owner,
  dueAt: iso(ago(dueDaysAgo)),
  ...(completedDaysAgo !== undefined ? { completedAt: iso(ago(completedDaysAgo)) } : {}),
});
export const finding = (service: string, dueDaysAgo?: number, closedDaysAgo?: number) => ({
  check: 'tls-expiry',
  targetType: 'server',
  severity: 'high',
  service,
  foundAt: iso(ago(120)),
  ...(dueDaysAgo !== undefined ? { dueAt: iso(ago(dueDaysAgo)) } : {}),
  ...(closedDaysAgo !== undefined ? { closedAt: iso(ago(closedDaysAgo)) } : {}),
});
export const alert = (service: string, startDaysAgo: number, extra: Record<string, unknown> = {}) => ({
  name: 'HighErrorRate',
  severity: 'critical',
  service,
  startsAt: iso(ago(startDaysAgo)),
  ...extra,
});
export const change = (service: string, extra: Record<string, unknown> = {}) => ({
  title: `Deploy ${service}`,
  system: 'manual',
  kind: 'deploy',
  service,
  startedAt: iso(ago(2.5)),
  ...extra,
});
