/**
 * The `ingestion` section of the config file (BALLAST_CONFIG): which Alertmanager labels name the
 * service, team and severity, which change system each source writes as, and the rules that map a
 * repository, an application or labels to a service. Secrets never live here (they come from env).
 */
import { z } from 'zod';
import { UNASSIGNED_TEAM, type OrgIndex } from '../domain/org.js';
import { DETECTION_SOURCES, recordId, TARGET_TYPES } from '../domain/records.js';
import { ValidationError, zodIssues } from '../service/errors.js';
import { incidentIngestionSchema } from './incident-mapping.js';

const labelName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a Prometheus label name');
/** A value, or a glob where `*` stands for any run of characters. */
const pattern = z.string().min(1).max(300);

export const mappingRuleSchema = z
  .object({
    service: recordId.describe('The service a matching record is written for.'),
    repository: pattern.optional().describe('GitHub repository full name, e.g. acme/checkout or acme/*'),
    application: pattern.optional().describe('Argo CD application, PagerDuty source, CloudEvents subject'),
    labels: z.record(z.string(), pattern).optional().describe('Labels / custom details that must all match'),
  })
  .strict()
  .refine((r) => r.repository !== undefined || r.application !== undefined || r.labels !== undefined, {
    message: 'a rule needs repository, application or labels',
  });

const names = z.array(z.string().min(1).max(200)).max(100);
const days = z.number().positive().max(3660);

/** Jira issues: which become incidents, which improvement actions, and how their fields read. */
const jiraSchema = z
  .object({
    incidents: z
      .object({
        issueTypes: names.default(['Incident']).describe('Issue types that are incidents.'),
        labels: names.default(['incident']).describe('Labels that make any issue an incident.'),
      })
      .strict()
      .prefault({}),
    actions: z
      .object({
        issueTypes: names.default([]).describe('Issue types that are improvement actions.'),
        labels: names.default(['postmortem-action']).describe('Labels that make any issue an improvement action.'),
      })
      .strict()
      .prefault({}),
    fields: z
      .object({
        incident: z
          .string()
          .min(1)
          .max(100)
          .optional()
          .describe('Custom field (e.g. customfield_10050) holding the Ballast incident id of an action.'),
        startedAt: z.string().min(1).max(100).optional().describe('Custom field holding when impact started.'),
        recoveredAt: z.string().min(1).max(100).optional().describe('Custom field holding when service recovered.'),
      })
      .strict()
      .prefault({}),
    detectionSource: z.enum(DETECTION_SOURCES).default('other'),
    actionDueDays: days.default(30).describe('Due date of an action without one: created + this many days.'),
  })
  .strict();

/** Inspection findings from Alertmanager (the ownership and severity labels are `alertmanager.labels`). */
const findingsSchema = z
  .object({
    targetTypeLabel: labelName.default('target_type'),
    defaultTargetType: z.enum(TARGET_TYPES).default('other'),
    /** Severity → days from foundAt to dueAt. */
    dueDays: z.record(z.string().min(1).max(50), days).default({ critical: 7, warning: 30, info: 90 }),
    defaultDueDays: days.default(30),
  })
  .strict();

/** Chaos drills (LitmusChaos, Chaos Mesh): owner labels and the Chaos Mesh score rule. */
const chaosSchema = z
  .object({
    labels: z
      .object({
        service: z.string().min(1).max(300).default('service'),
        team: z.string().min(1).max(300).default('team'),
      })
      .strict()
      .prefault({}),
    detectedAtAnnotation: z.string().min(1).max(300).default('ballast.io/detected-at'),
    detectionTargetMinutes: z.number().positive().max(10_080).default(5),
  })
  .strict();

export const ingestionSchema = z
  .object({
    alertmanager: z
      .object({
        labels: z
          .object({
            service: labelName.default('service'),
            team: labelName.default('team'),
            severity: labelName.default('severity'),
            name: labelName.default('alertname'),
          })
          .strict()
          .prefault({}),
        defaultSeverity: z
          .string()
          .min(1)
          .max(50)
          .default('none')
          .describe('Severity of alerts without the severity label.'),
      })
      .strict()
      .prefault({}),
    /** Change system id each source writes as; each must be listed in the org's changeSystems. */
    systems: z
      .object({
        github: recordId.default('github'),
        argocd: recordId.default('argo-cd'),
        pagerduty: recordId.default('pagerduty'),
        cloudevents: recordId.default('cloudevents'),
      })
      .strict()
      .prefault({}),
    cloudevents: z
      .object({
        changeTypes: z
          .array(pattern)
          .min(1)
          .default(['*deploy*', '*change*', '*release*', '*rollout*', '*upgraded*', '*rolledback*'])
          .describe('Globs on the CloudEvents type that name a change; other types are ignored.'),
      })
      .strict()
      .prefault({}),
    jira: jiraSchema.prefault({}),
    findings: findingsSchema.prefault({}),
    chaos: chaosSchema.prefault({}),
    incidents: incidentIngestionSchema.prefault({}),
    /** First matching rule wins. */
    services: z.array(mappingRuleSchema).default([]),
  })
  .strict();

export type IngestionConfig = z.infer<typeof ingestionSchema>;
export type MappingRule = z.infer<typeof mappingRuleSchema>;

export function defaultIngestion(): IngestionConfig {
  return ingestionSchema.parse({});
}

/**
 * The config file is the org document plus an optional `ingestion` section; the org part goes to
 * OrgService unchanged, so orgSchema stays strict.
 */
export function splitConfigFile(document: unknown): { org: unknown; ingestion: IngestionConfig } {
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    return { org: document, ingestion: defaultIngestion() };
  const { ingestion, ...org } = document as Record<string, unknown>;
  const parsed = ingestionSchema.safeParse(ingestion ?? {});
  if (!parsed.success) throw new ValidationError(zodIssues(parsed.error, 'ingestion'));
  return { org, ingestion: parsed.data };
}

const globs = new Map<string, RegExp>();
export function globMatch(glob: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  let re = globs.get(glob);
  if (!re) {
    re = new RegExp(
      `^${glob
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`
    );
    globs.set(glob, re);
  }
  return re.test(value);
}

/** What a source knows about the thing a record concerns. */
export interface Subject {
  /** A service id the sender named explicitly (used when the org knows it). */
  service?: string;
  repository?: string;
  application?: string;
  labels?: Record<string, string>;
}

/** The service a subject maps to: an explicit known service, then the first matching rule, then an application or repository name equal to a service id. */
export function resolveService(subject: Subject, rules: MappingRule[], org: OrgIndex): string | undefined {
  if (subject.service !== undefined && org.services.has(subject.service)) return subject.service;
  const rule = rules.find(
    (r) =>
      org.services.has(r.service) &&
      (r.repository === undefined || globMatch(r.repository, subject.repository)) &&
      (r.application === undefined || globMatch(r.application, subject.application)) &&
      Object.entries(r.labels ?? {}).every(([k, v]) => globMatch(v, subject.labels?.[k]))
  );
  if (rule) return rule.service;
  const repoName = subject.repository?.split('/').pop();
  return [subject.application, repoName].find((name) => name !== undefined && org.services.has(name));
}

/** Ownership of an alert: its service, else its team, else the reserved unassigned team. */
export function resolveAlertOwner(
  subject: Subject & { team?: string },
  rules: MappingRule[],
  org: OrgIndex
): { service?: string; team?: string } {
  const service = resolveService(subject, rules, org);
  if (service) return { service };
  if (subject.team !== undefined && org.teams.has(subject.team)) return { team: subject.team };
  return { team: UNASSIGNED_TEAM };
}

/** Keeps only string values (labels, custom details), so rules can match them. */
export function stringValues(o: unknown): Record<string, string> {
  if (typeof o !== 'object' || o === null) return {};
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
