/**
 * The `ingestion.incidents` config section: how the incident tools' priorities and severities map
 * to the org's priority labels, and the few per-tool settings (Grafana's base URL, Opsgenie's alert
 * link, incident.io's timestamp names). Every setting has a default, so incidents flow in before
 * anything is configured.
 */
import { z } from 'zod';

const glob = z.string().min(1).max(300);
const names = z.array(z.string().trim().min(1).max(200)).min(1).max(20);

export const priorityRuleSchema = z
  .object({
    match: glob.describe("The tool's priority or severity label; `*` matches any run of characters, case-insensitive."),
    source: glob.optional().describe('Only for this receiver source (e.g. pagerduty-incidents, incidentio).'),
    priority: z.string().trim().min(1).max(20).describe("The org's priority label, e.g. P1."),
  })
  .strict();

export const incidentIngestionSchema = z
  .object({
    /** First matching rule wins; then the built-in ones (P0-P5, SEV0-SEV5, critical/major/minor…). */
    priorities: z.array(priorityRuleSchema).max(200).default([]),
    defaultPriority: z
      .string()
      .trim()
      .min(1)
      .max(20)
      .default('P3')
      .describe('Priority of an incident whose label no rule maps (or that has none).'),
    grafanaUrl: z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
      .optional()
      .describe("Grafana's root URL: Grafana Incident links are relative to it (overviewURL)."),
    opsgenieAlertUrl: z
      .string()
      .regex(/^https?:\/\/\S*\{id\}\S*$/, 'must be an http(s) URL containing {id}')
      .default('https://app.opsgenie.com/alert/detail/{id}/details')
      .describe('Link to an Opsgenie alert ({id} = alertId); use your account domain if you have one.'),
    incidentio: z
      .object({
        /** incident.io custom timestamp names (case-insensitive) read for each field; the first present wins. */
        timestamps: z
          .object({
            startedAt: names.default(['Impact started']),
            detectedAt: names.default(['Reported at', 'Detected at']),
            acknowledgedAt: names.default(['Accepted at', 'Acknowledged at']),
            recoveredAt: names.default(['Fixed at', 'Mitigated at', 'Resolved at']),
            resolvedAt: names.default(['Closed at', 'Resolved at']),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type IncidentIngestionConfig = z.infer<typeof incidentIngestionSchema>;
export type PriorityRule = z.infer<typeof priorityRuleSchema>;

/** Severity words the tools ship with (incident.io, Grafana Incident, PagerDuty urgency, Opsgenie). */
const WORDS: Record<string, string> = {
  critical: 'P1',
  highest: 'P1', // Jira's five priorities, Highest to Lowest
  lowest: 'P5',
  major: 'P2',
  high: 'P2',
  error: 'P2',
  minor: 'P3',
  medium: 'P3',
  moderate: 'P3',
  warning: 'P3',
  low: 'P4',
  info: 'P5',
};

const rules = new Map<string, RegExp>();
function matches(pattern: string, value: string): boolean {
  let re = rules.get(pattern);
  if (!re) {
    const body = pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    re = new RegExp(`^${body}$`, 'i');
    rules.set(pattern, re);
  }
  return re.test(value);
}

/** The org priority for a tool's label: configured rules, then the built-in names, then the default. */
export function mapPriority(source: string, label: string | undefined, config: IncidentIngestionConfig): string {
  const value = label?.trim() ?? '';
  if (value !== '') {
    const rule = config.priorities.find(
      (r) => (r.source === undefined || matches(r.source, source)) && matches(r.match, value)
    );
    if (rule) return rule.priority;
    const numbered = /^(?:p|sev(?:erity)?[-_ ]?)([0-5])$/i.exec(value);
    if (numbered) return `P${numbered[1]}`;
    const word = WORDS[value.toLowerCase()];
    if (word) return word;
  }
  return config.defaultPriority;
}
