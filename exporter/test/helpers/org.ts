/** A small hand-made org that tests can reason about. */
import type { Org } from '../../src/domain/org.js';

export function smallOrg(): Org {
  return {
    businessLines: [
      { id: 'payments', name: 'Payments', owner: 'Ada CTO' },
      { id: 'commerce', name: 'Commerce', owner: 'Grace CTO' },
    ],
    teams: [
      { id: 'checkout', name: 'Checkout', businessLine: 'payments', manager: 'Ken' },
      { id: 'ledger', name: 'Ledger', businessLine: 'payments', manager: 'Barbara' },
      { id: 'catalog', name: 'Catalog', businessLine: 'commerce', manager: 'Linus' },
    ],
    services: [
      { id: 'checkout-api', name: 'Checkout API', team: 'checkout', owner: 'Dennis' },
      { id: 'ledger-db', name: 'Ledger DB', team: 'ledger', owner: 'Margaret' },
      { id: 'catalog-web', name: 'Catalog Web', team: 'catalog', owner: 'Alan' },
    ],
    changeSystems: [
      { id: 'argo-cd', name: 'Argo CD', integrated: true },
      { id: 'manual', name: 'Manual console', integrated: false },
    ],
    goals: [{ year: 2026, kpi: 'mttr_seconds', target: 1800 }],
    policy: {
      highPriorities: ['P0', 'P1'],
      highSeverities: ['critical'],
      timezone: 'UTC',
      transientAlertMinutes: null,
    },
  };
}
