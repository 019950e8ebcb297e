/**
 * The demo org has red lines on and records that breach them: overdue actions and findings, and
 * high-priority incidents whose post-mortem came late or not at all (judged with the rules' own
 * functions on the generated data; the demo's freeze violations are pinned in demo.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { generateDemo } from '../src/demo/generate.js';
import { OrgIndex, orgSchema } from '../src/domain/org.js';
import { enabledRules, ruleSettings } from '../src/domain/red-lines-config.js';
import { crossed, lineAfter } from '../src/domain/red-lines.js';
import { toMs } from '../src/domain/time.js';

const NOW = Date.parse('2026-03-15T12:00:00Z');

describe('demo red lines', { timeout: 300_000 }, () => {
  it('switches rules on and breaches each of them', () => {
    const data = generateDemo({ seed: 42, now: NOW });
    const org = orgSchema.parse(data.org);
    const index = new OrgIndex(org);
    expect(enabledRules(org.redLines)).toEqual([
      'change_in_freeze',
      'incident_without_postmortem',
      'action_overdue',
      'finding_overdue',
    ]);
    const days = ruleSettings(org.redLines);
    const ms = (iso: string | undefined) => (iso === undefined ? null : toMs(iso));
    const overdueActions = data.actions.filter((a) =>
      crossed(lineAfter(toMs(a.dueAt), days.action_overdue.days), ms(a.completedAt), NOW)
    );
    const overdueFindings = data.findings.filter(
      (f) => f.dueAt !== undefined && crossed(lineAfter(toMs(f.dueAt), days.finding_overdue.days), ms(f.closedAt), NOW)
    );
    const latePostmortems = data.incidents.filter((i) => {
      if (!index.isHighPriority(i.priority) || i.drill || i.recoveredAt === undefined) return false;
      const step = i.steps?.find((s) => s.step === 'postmortem');
      return crossed(lineAfter(toMs(i.recoveredAt), days.incident_without_postmortem.days), ms(step?.at), NOW);
    });
    // Some, not most: a demo where everything is a violation shows nothing.
    for (const [breaches, all] of [
      [overdueActions, data.actions],
      [overdueFindings, data.findings],
      [latePostmortems, data.incidents.filter((i) => index.isHighPriority(i.priority) && !i.drill)],
    ] as const) {
      expect(breaches.length).toBeGreaterThan(0);
      expect(breaches.length).toBeLessThan(all.length / 2);
    }
  });
});
