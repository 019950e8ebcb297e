import type { AlertsByNameResponse, ChangesBySystemResponse } from '@ballast/contract';
import { Action, Alert, Change, Drill, Finding, Freeze, Incident, Org, Review, Scorecard } from '../types';

export const org: Org = {
  businessLines: [
    { id: 'payments', name: 'Payments', owner: 'Jonas' },
    { id: 'commerce', name: 'Commerce', owner: 'Wei' },
  ],
  teams: [
    { id: 'pay-checkout', name: 'Checkout', businessLine: 'payments', manager: 'Rosa' },
    { id: 'com-cart', name: 'Cart', businessLine: 'commerce', manager: 'Ben' },
  ],
  services: [
    { id: 'checkout-api', name: 'checkout-api', team: 'pay-checkout', owner: 'Rosa' },
    { id: 'cart-gateway', name: 'cart-gateway', team: 'com-cart', owner: 'Ben' },
  ],
  changeSystems: [
    { id: 'argocd', name: 'Argo CD', integrated: true },
    { id: 'manual', name: 'Manual', integrated: false },
  ],
};

const cells = (v: number, status: 'met' | 'missed' | 'at_risk' | 'no_data') => ({
  mttr_seconds: { value: v, target: 3600, status, previous: v * 1.5 },
  alert_accuracy_ratio: { value: 0.8, target: 0.9, status: 'at_risk' as const, previous: 0.7 },
});

export const scorecard: Scorecard = {
  window: '30d',
  generatedAt: '2026-11-30T10:00:00Z',
  kpis: [
    { key: 'mttr_seconds', title: 'MTTR', unit: 'seconds', direction: 'lower' },
    { key: 'alert_accuracy_ratio', title: 'Alert accuracy', unit: 'ratio', direction: 'higher' },
  ],
  scopes: [
    { level: 'org', id: null, name: 'Org', cells: cells(3000, 'met'), score: 80 },
    {
      level: 'business_line',
      id: 'payments',
      name: 'Payments',
      businessLine: 'payments',
      cells: cells(7200, 'missed'),
      score: 60,
    },
  ],
};

export const incident: Incident = {
  id: 'inc-1',
  title: 'Checkout errors',
  priority: 'P1',
  startedAt: '2026-11-29T07:00:00Z',
  detectedAt: '2026-11-29T07:05:00Z',
  acknowledgedAt: '2026-11-29T07:10:00Z',
  recoveredAt: '2026-11-29T08:00:00Z',
  detectionSource: 'monitoring',
  cause: 'change',
  causedByChange: 'chg-1',
  postmortemUrl: 'https://wiki.example/pm/inc-1',
  drill: false,
  service: 'checkout-api',
  team: 'pay-checkout',
  businessLine: 'payments',
  steps: [
    { step: 'response', at: '2026-11-29T07:10:00Z', owner: 'Eva' },
    { step: 'judgment', at: '2026-11-29T07:15:00Z', owner: 'Mateo' },
    { step: 'resolution', at: '2026-11-29T08:00:00Z', owner: 'Ana', note: 'Rolled back' },
  ],
};

export const alert: Alert = {
  id: 'al-1',
  name: 'HighErrorRate',
  severity: 'critical',
  startsAt: '2026-11-29T07:02:00Z',
  verdict: null,
  service: 'checkout-api',
  team: 'pay-checkout',
  businessLine: 'payments',
  incident: 'inc-1',
};

export const change: Change = {
  id: 'chg-1',
  title: 'Deploy checkout 1.2',
  system: 'manual',
  kind: 'deploy',
  startedAt: '2026-11-29T06:30:00Z',
  controlled: false,
  result: 'failed',
  violatedFreezes: [],
  service: 'checkout-api',
  team: 'pay-checkout',
  businessLine: 'payments',
};

export const freeze: Freeze = {
  id: 'frz-1',
  name: 'Black Friday',
  reason: 'Peak traffic',
  scope: { businessLine: 'payments' },
  startsAt: '2026-11-28T00:00:00Z',
  endsAt: '2026-12-02T00:00:00Z',
};

export const action: Action = {
  id: 'act-1',
  incident: 'inc-1',
  title: 'Add canary for checkout',
  owner: 'Rosa',
  dueAt: '2026-11-01T00:00:00Z',
  team: 'pay-checkout',
  businessLine: 'payments',
};

export const finding: Finding = {
  id: 'fnd-1',
  check: 'disk-usage',
  targetType: 'server',
  severity: 'high',
  foundAt: '2026-11-01T00:00:00Z',
  dueAt: '2026-11-10T00:00:00Z',
  service: 'cart-gateway',
  team: 'com-cart',
  businessLine: 'commerce',
};

export const drill: Drill = {
  id: 'drl-1',
  scenario: 'Database failover',
  startedAt: '2026-11-10T10:00:00Z',
  detectedAt: '2026-11-10T10:03:00Z',
  recoveredAt: '2026-11-10T10:20:00Z',
  score: 85,
  team: 'pay-checkout',
  businessLine: 'payments',
};

export const review: Review = {
  period: 'week',
  from: '2026-11-23T00:00:00Z',
  to: '2026-11-30T00:00:00Z',
  previousFrom: '2026-11-16T00:00:00Z',
  previousTo: '2026-11-23T00:00:00Z',
  generatedAt: '2026-11-30T10:00:00Z',
  revision: 5,
  kpis: scorecard.kpis,
  scopes: scorecard.scopes,
  topIncidents: [incident],
  overdueActions: [action],
};

/** `/alerts-by-name` as the exporter answers it (inferred verdicts counted, as alert_accuracy_ratio counts them). */
export const alertsByName: AlertsByNameResponse = {
  from: '2026-10-31T00:00:00.000Z',
  to: '2026-11-30T00:00:00.000Z',
  items: [
    {
      name: 'HighErrorRate',
      alerts: 12,
      actionable: 5,
      inferredActionable: 2,
      noise: 5,
      inferredNoise: 1,
      unreviewed: 2,
      accuracy: 0.5,
    },
    {
      name: 'DiskFull',
      alerts: 3,
      actionable: 3,
      inferredActionable: 0,
      noise: 0,
      inferredNoise: 0,
      unreviewed: 0,
      accuracy: 1,
    },
  ],
  total: 2,
  limit: 1000,
  offset: 0,
};

/** `/changes-by-system`: every system of the org, counted by the change-control KPIs' rules. */
export const changesBySystem: ChangesBySystemResponse = {
  from: '2026-10-31T00:00:00.000Z',
  to: '2026-11-30T00:00:00.000Z',
  integration: { integrated: 1, total: 2, ratio: 0.5 },
  items: [
    {
      system: 'argocd',
      name: 'Argo CD',
      integrated: true,
      changes: 8,
      controlled: 8,
      coverage: 1,
      withResult: 8,
      failed: 1,
      failureRatio: 0.125,
      freezeViolations: 0,
    },
    {
      system: 'manual',
      name: 'Manual',
      integrated: false,
      changes: 4,
      controlled: 1,
      coverage: 0.25,
      withResult: 2,
      failed: 1,
      failureRatio: 0.5,
      freezeViolations: 2,
    },
  ],
};
