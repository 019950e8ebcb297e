/**
 * The org config's `redLines:` block: which built-in red lines are on and how much grace each
 * gives. A rule not named is off (turning a penalty on is the org's decision, not an upgrade's);
 * a rule named is on unless `enabled: false`, with its `days` or the default below.
 */
import { RED_LINE_RULES, type RedLineRule } from '@ballast/contract';
import { z } from 'zod';

/** Grace in days each rule gives when the config names the rule without `days` (docs/metrics.md). */
export const DEFAULT_RED_LINE_DAYS: Record<RedLineRule, number> = {
  change_in_freeze: 0,
  incident_without_postmortem: 5,
  action_overdue: 7,
  finding_overdue: 7,
  alert_without_verdict: 3,
};

const days = z
  .number()
  .int('must be a whole number of days')
  .min(0, 'must be at least 0')
  .max(365, 'must be at most 365')
  .describe('Grace in days before a record crosses the line.');

const withDays = (rule: RedLineRule) =>
  z.object({ enabled: z.boolean().default(true), days: days.default(DEFAULT_RED_LINE_DAYS[rule]) }).strict();

export const redLinesSchema = z
  .object({
    // A change inside a freeze is a breach the moment it starts: no grace to tune.
    change_in_freeze: z
      .object({ enabled: z.boolean().default(true) })
      .strict()
      .optional(),
    incident_without_postmortem: withDays('incident_without_postmortem').optional(),
    action_overdue: withDays('action_overdue').optional(),
    finding_overdue: withDays('finding_overdue').optional(),
    alert_without_verdict: withDays('alert_without_verdict').optional(),
  })
  .strict()
  .describe('Red lines (docs/metrics.md "Red lines"): each rule named is on, with its grace in days.');

export type RedLinesSettings = z.infer<typeof redLinesSchema>;

/** Every rule's effective setting (off when not named). */
export interface RuleSetting {
  enabled: boolean;
  days: number;
}

export function ruleSettings(config: RedLinesSettings | undefined): Record<RedLineRule, RuleSetting> {
  return Object.fromEntries(
    RED_LINE_RULES.map((rule) => {
      const given = config?.[rule] as { enabled: boolean; days?: number } | undefined;
      return [rule, { enabled: given?.enabled ?? false, days: given?.days ?? DEFAULT_RED_LINE_DAYS[rule] }];
    })
  ) as Record<RedLineRule, RuleSetting>;
}

export const enabledRules = (config: RedLinesSettings | undefined): RedLineRule[] => {
  const settings = ruleSettings(config);
  return RED_LINE_RULES.filter((r) => settings[r].enabled);
};
