/**
 * The stability records Ballast keeps, as the API accepts them. These zod schemas are the single
 * source of truth: they validate requests, they generate the OpenAPI document, and their inferred
 * types are what the store and the KPI formulas work with.
 *
 * Timestamps travel as ISO 8601 strings with an offset and are held as epoch milliseconds inside.
 * The enums are those of enums.ts (zod-free, for the plugins); this module is the one that needs zod,
 * so plugins only `import type` from it.
 */
import { z } from 'zod';

import {
  CHANGE_KINDS,
  CHANGE_RESULTS,
  DETECTION_SOURCES,
  INCIDENT_CAUSES,
  INCIDENT_STEPS,
  TARGET_TYPES,
  VERDICTS,
  type Collection,
} from './enums.js';
import { recordTimeProblem } from './time.js';

// The enums travel with the schemas: one import for the exporter's domain.
export * from './enums.js';
export * from './time.js';

export const RECORD_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/;
export const recordId = z
  .string()
  .regex(
    RECORD_ID_PATTERN,
    'must be 1-200 characters of letters, digits and . _ : @ - (starting with a letter or digit)'
  );

/** ISO 8601 date-time with an explicit offset (`Z` or `+02:00`), read by the one parser (time.ts), in the record range. */
export const timestamp = z
  .string()
  .superRefine((value, ctx) => {
    const problem = recordTimeProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ format: 'date-time' });

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a text cannot be stored as sent (null when it can). PostgreSQL refuses NUL and both stores
 * would rewrite a lone surrogate to U+FFFD, so an identical re-send would read as a change: both
 * are refused, on both stores.
 */
export function unsafeTextProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain NUL (\\u0000)';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode (no lone surrogate)';
  return null;
}

const safeText = (value: string, ctx: z.RefinementCtx) => {
  const problem = unsafeTextProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
};

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`).superRefine(safeText);
/** Links are rendered: only http(s), never javascript: or data:. */
const url = z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }).max(2000);

/** Every record names the service it concerns, or the team when no single service applies. */
const ownership = {
  service: recordId.optional().describe('Service id from the org config; implies its team and business line.'),
  team: recordId.optional().describe('Team id from the org config; needed when no service is given.'),
};

export const incidentStepSchema = z.object({
  step: z.enum(INCIDENT_STEPS),
  at: timestamp,
  owner: text(200),
  note: text(4000).optional(),
  outOfOrder: text(500)
    .optional()
    .describe(
      'Why this step breaks the process order (a step of an earlier stage after a later one). Without it such a step is refused (400); receivers set it naming the tool.'
    ),
});

export const incidentSchema = z.object({
  title: text(500),
  priority: text(20).describe('Priority label, e.g. P0. Which labels count as high priority is set by the org policy.'),
  ...ownership,
  startedAt: timestamp,
  detectedAt: timestamp,
  acknowledgedAt: timestamp.optional(),
  recoveredAt: timestamp.optional().describe('Last recovery; a reopened incident carries its last recovery.'),
  resolvedAt: timestamp.optional(),
  detectionSource: z.enum(DETECTION_SOURCES),
  cause: z.enum(INCIDENT_CAUSES).default('unknown'),
  causedByChange: recordId.optional(),
  postmortemUrl: url.optional(),
  drill: z.boolean().default(false),
  source: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,49}$/, 'must be a tool name: lower-case letters, digits and . _ - (e.g. pagerduty)')
    .optional()
    .describe('The tool the incident came from (e.g. pagerduty, opsgenie, incident.io); its receiver sets it.'),
  sourceUrl: url.optional().describe('The incident in its tool (http or https), shown as a link back.'),
  sourceUpdatedAt: timestamp
    .optional()
    .describe("Time of the tool's latest event applied: a receiver keeps the newest title, priority and owner."),
  steps: z
    .array(incidentStepSchema)
    .max(200)
    .optional()
    .describe('Process steps; replaces the stored steps when given.'),
});

export const actionSchema = z.object({
  incident: recordId,
  title: text(500),
  owner: text(200),
  dueAt: timestamp,
  completedAt: timestamp.optional(),
});

export const alertSchema = z.object({
  name: text(300),
  severity: text(50),
  ...ownership,
  startsAt: timestamp,
  endsAt: timestamp.optional(),
  verdict: z.enum(VERDICTS).nullable().default(null),
  incident: recordId.optional(),
  fingerprint: z
    .string()
    .regex(/^[0-9a-f]{1,64}$/, 'must be the lowercase hexadecimal Alertmanager fingerprint')
    .optional()
    .describe(
      "Alertmanager's fingerprint of the alert's labels (the Alertmanager receiver sets it): while an alert with it is open, a notification of it updates that record."
    ),
});

export const findingSchema = z.object({
  check: text(300),
  targetType: z.enum(TARGET_TYPES),
  severity: text(50),
  ...ownership,
  foundAt: timestamp,
  dueAt: timestamp.optional(),
  closedAt: timestamp.optional(),
  fingerprint: alertSchema.shape.fingerprint.describe(
    "Alertmanager's fingerprint of the inspection alert (the findings receiver sets it): while a finding with it is open, a notification of it updates that finding."
  ),
});

export const changeSchema = z.object({
  title: text(500).optional(),
  system: recordId.describe('Change system id from the org config.'),
  ...ownership,
  kind: z.enum(CHANGE_KINDS),
  startedAt: timestamp,
  finishedAt: timestamp.optional(),
  committedAt: timestamp
    .optional()
    .describe('When the deployed commit was made (DORA lead time: finishedAt − committedAt); not after startedAt.'),
  controlled: z
    .boolean()
    .optional()
    .describe(
      'What the sender says. false is honoured; true is kept as a claim (controlledClaim) and not counted: a change counts as controlled only with evidence (an integrated change system, or a valid gateCheck).'
    ),
  result: z.enum(CHANGE_RESULTS).optional(),
  exemption: text(500)
    .optional()
    .describe(
      'Why this change may run inside a freeze window. Setting or changing it takes an admin (or a Grafana Admin/Editor, see changeControl); the exporter records exemptionBy and exemptionAt.'
    ),
  gateCheck: text(100)
    .optional()
    .describe(
      'checkId of the freeze-gate answer this change was cleared by: must be one this exporter gave (else 400); it is evidence only when it allowed the change, for its service or team, asked at most changeControl.gateCheckMaxAgeMinutes before startedAt.'
    ),
});

export const freezeScopeSchema = z
  .object({ businessLine: recordId.optional(), team: recordId.optional(), service: recordId.optional() })
  .strict()
  .default({});

export const freezeScheduleSchema = z
  .object({
    cron: text(100).describe('Five-field cron expression giving each window start, e.g. "0 18 * * 5".'),
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 366),
    timezone: text(64).describe('IANA timezone the cron expression is read in, e.g. Europe/Berlin.'),
  })
  .strict();

export const freezeSchema = z.object({
  name: text(200),
  reason: text(2000),
  scope: freezeScopeSchema,
  startsAt: timestamp.optional(),
  endsAt: timestamp.optional(),
  schedule: freezeScheduleSchema.optional(),
  announcedAt: timestamp
    .optional()
    .describe(
      'When the window was first announced: changes started before it never violate it. Omitted: the time of the first write. Given (importing history) only on the first write, and recorded in the audit; never moved after.'
    ),
});

export const drillSchema = z.object({
  scenario: text(500),
  team: recordId,
  service: recordId.optional(),
  startedAt: timestamp,
  detectedAt: timestamp.optional(),
  recoveredAt: timestamp.optional(),
  score: z.number().min(0).max(100),
});

export type IncidentInput = z.infer<typeof incidentSchema>;
export type IncidentStepInput = z.infer<typeof incidentStepSchema>;
export type ActionInput = z.infer<typeof actionSchema>;
export type AlertInput = z.infer<typeof alertSchema>;
export type FindingInput = z.infer<typeof findingSchema>;
export type ChangeInput = z.infer<typeof changeSchema>;
export type FreezeInput = z.infer<typeof freezeSchema>;
export type DrillInput = z.infer<typeof drillSchema>;

export const recordSchemas = {
  incidents: incidentSchema,
  alerts: alertSchema,
  findings: findingSchema,
  changes: changeSchema,
  freezes: freezeSchema,
  drills: drillSchema,
  actions: actionSchema,
} as const satisfies Record<Collection, z.ZodObject>;

export type RecordInput<C extends Collection> = z.infer<(typeof recordSchemas)[C]>;
