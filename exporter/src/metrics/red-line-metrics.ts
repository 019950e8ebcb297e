/**
 * `stability_red_line_violations{rule, business_line?, team?, window}`: red-line violations in
 * force at some moment of each KPI window, waived ones left out, per enabled rule and scope (org
 * series carry neither scope label, business-line series one, team series both, as the KPI
 * families). Set from the KPI snapshot, which counts them in its refresh: a scrape reads the
 * cached text like every KPI family's.
 */
import { Gauge, type Registry } from 'prom-client';
import { KPI_WINDOWS } from '../domain/kpi-keys.js';
import type { RedLineCounts } from '../service/red-lines.js';
import type { ScopeCount } from '../domain/red-lines.js';

export class RedLineFamilies {
  private readonly violations: Gauge;

  constructor(registry: Registry) {
    this.violations = new Gauge({
      name: 'stability_red_line_violations',
      help: 'Red-line violations in force at some moment of the window, waived ones excluded, per enabled rule (docs/metrics.md "Red lines").',
      labelNames: ['rule', 'window', 'business_line', 'team'],
      registers: [registry],
    });
  }

  /** Sets every series of the counts (the registry was reset before), scopes labelled as the KPI families. */
  set(counts: RedLineCounts | undefined, scopeLabels: (scope: ScopeCount) => Record<string, string>): void {
    if (!counts) return;
    for (const window of KPI_WINDOWS) {
      const byRule = counts.windows[window];
      if (!byRule) continue;
      for (const rule of counts.rules) {
        for (const scope of byRule[rule]) this.violations.set({ rule, window, ...scopeLabels(scope) }, scope.count);
      }
    }
  }
}
