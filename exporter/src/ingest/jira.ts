/**
 * Jira Cloud issue webhooks (`jira:issue_created`, `jira:issue_updated`, `jira:issue_deleted`). An
 * issue of a configured type or label is an incident (`jira-<issue id>`) or an improvement action
 * (`jira-action-<issue id>`): the issue id, not its key, since the key changes when an issue moves
 * to another project. An action names its incident by a configured field or by an issue link, so
 * post-mortem follow-ups tracked in Jira count toward action completion without double entry.
 * Signed with `X-Hub-Signature: sha256=<hex>` (the GitHub scheme) when the webhook has a secret.
 */
import { z } from 'zod';
import { DAY_MS, toIso } from '../domain/time.js';
import { ValidationError } from '../service/errors.js';
import { mapPriority } from './incident-mapping.js';
import { resolveService, type IngestionConfig } from './mapping.js';
import { clip, isoTime, parseBody, present, type AdaptContext, type Adapted, type Merge } from './pipeline.js';

const named = z.object({ name: z.string() }).nullish();
const linkedIssue = z.object({
  id: z.string(),
  key: z.string().optional(),
  fields: z.object({ issuetype: named }).optional(),
});

const jiraWebhookSchema = z.object({
  webhookEvent: z.string(),
  issue: z.object({
    id: z.string().regex(/^[0-9A-Za-z]{1,50}$/, 'must be the Jira issue id'),
    key: z.string().min(1).max(100),
    self: z.string().optional(),
    fields: z
      .object({
        summary: z.string().nullish(),
        issuetype: named,
        labels: z.array(z.string()).nullish(),
        // The docs' example sends the priority's name; Jira Cloud sends the priority object.
        priority: z.union([z.string(), z.object({ name: z.string() })]).nullish(),
        created: z.string({ message: 'is required (the issue creation time)' }),
        updated: z.string().nullish(),
        resolutiondate: z.string().nullish(),
        duedate: z.string().nullish(),
        assignee: z.object({ displayName: z.string().optional(), emailAddress: z.string().optional() }).nullish(),
        components: z.array(z.object({ name: z.string() })).nullish(),
        project: z.object({ key: z.string() }).nullish(),
        issuelinks: z
          .array(z.object({ inwardIssue: linkedIssue.optional(), outwardIssue: linkedIssue.optional() }))
          .nullish(),
      })
      .loose(),
  }),
});

type JiraIssue = z.infer<typeof jiraWebhookSchema>['issue'];
type JiraConfig = IngestionConfig['jira'];

const EVENTS = new Set(['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted']);

export const jiraIncidentId = (issueId: string) => `jira-${issueId}`;

export function adaptJira(body: unknown, ctx: AdaptContext): Adapted {
  const event = (body as { webhookEvent?: unknown } | null)?.webhookEvent;
  if (typeof event === 'string' && !EVENTS.has(event)) {
    throw new ValidationError([
      {
        path: 'webhookEvent',
        message: `"${event}" is not handled; subscribe the webhook to Issue created, updated and deleted only`,
      },
    ]);
  }
  const { webhookEvent, issue } = parseBody(jiraWebhookSchema, body);
  const config = ctx.config.jira;
  const kind = kindOf(issue, config);
  // A deleted issue keeps its record: deleting evidence is a person's act through the API, not a tool's.
  if (!kind || webhookEvent === 'jira:issue_deleted') return { items: [], ignored: 1 };
  return kind === 'incident' ? incident(issue, ctx) : action(issue, config);
}

function kindOf(issue: JiraIssue, config: JiraConfig): 'incident' | 'action' | undefined {
  const type = issue.fields.issuetype?.name;
  const labels = issue.fields.labels ?? [];
  const matches = (rule: { issueTypes: string[]; labels: string[] }) =>
    (type !== undefined && rule.issueTypes.includes(type)) || labels.some((l) => rule.labels.includes(l));
  if (matches(config.incidents)) return 'incident';
  if (matches(config.actions)) return 'action';
  return undefined;
}

function incident(issue: JiraIssue, ctx: AdaptContext): Adapted {
  const { fields } = issue;
  const config = ctx.config.jira;
  const project = fields.project?.key;
  const components = (fields.components ?? []).map((c) => c.name);
  const service = [...components, project]
    .map((application) =>
      resolveService({ application, labels: { project: project ?? '' } }, ctx.config.services, ctx.org)
    )
    .find((s) => s !== undefined);
  if (!service) {
    throw new ValidationError([
      {
        path: 'issue.fields.components',
        message: `no service is mapped for project "${project ?? ''}" or components [${components.join(', ')}] (ingestion.services in the config)`,
      },
    ]);
  }
  const created = jiraTime(fields.created, 'issue.fields.created');
  const resolved = present(fields.resolutiondate);
  const resolvedAt = resolved ? jiraTime(resolved, 'issue.fields.resolutiondate') : undefined;
  const startedAt = customTime(fields, config.fields.startedAt) ?? created;
  const recoveredAt = customTime(fields, config.fields.recoveredAt) ?? resolvedAt;
  // The incident tools' one priority mapping (ingestion.incidents.priorities, source `jira`).
  const priority = mapPriority(
    'jira',
    typeof fields.priority === 'string' ? fields.priority : fields.priority?.name,
    ctx.config.incidents
  );
  const updated = present(fields.updated);
  const url = browseUrl(issue);
  return {
    collection: 'incidents',
    merge: mergeJiraIncident,
    ignored: 0,
    items: [
      {
        id: jiraIncidentId(issue.id),
        origin: 'issue',
        input: {
          title: clip(`${issue.key} ${present(fields.summary) ?? ''}`.trim(), 500),
          priority,
          service,
          startedAt,
          detectedAt: created < startedAt ? startedAt : created,
          ...(recoveredAt ? { recoveredAt } : {}),
          ...(resolvedAt ? { resolvedAt } : {}),
          detectionSource: config.detectionSource,
          source: 'jira',
          ...(url ? { sourceUrl: url } : {}),
          ...(updated ? { sourceUpdatedAt: jiraTime(updated, 'issue.fields.updated') } : {}),
        },
      },
    ],
  };
}

function action(issue: JiraIssue, config: JiraConfig): Adapted {
  const { fields } = issue;
  const created = jiraTime(fields.created, 'issue.fields.created');
  const incident = incidentOf(issue, config);
  if (!incident) {
    throw new ValidationError([
      {
        path: 'issue.fields.issuelinks',
        message: `improvement action ${issue.key} names no incident: link it to the incident's issue${config.fields.incident ? ` or set ${config.fields.incident}` : ''}`,
      },
    ]);
  }
  const due = present(fields.duedate);
  const resolved = present(fields.resolutiondate);
  const updated = present(fields.updated);
  const asOf = updated ? jiraTime(updated, 'issue.fields.updated') : created;
  return {
    collection: 'actions',
    merge: mergeJiraAction(asOf),
    ignored: 0,
    items: [
      {
        id: `jira-action-${issue.id}`,
        origin: 'issue',
        input: {
          incident,
          title: clip(`${issue.key} ${present(fields.summary) ?? ''}`.trim(), 500),
          owner: clip(
            present(fields.assignee?.displayName) ?? present(fields.assignee?.emailAddress) ?? 'unassigned',
            200
          ),
          dueAt: due ? dueDate(due) : toIso(Date.parse(created) + config.actionDueDays * DAY_MS),
          // A reopened issue has no resolution date any more: the action is open again.
          ...(resolved ? { completedAt: jiraTime(resolved, 'issue.fields.resolutiondate') } : {}),
        },
      },
    ],
  };
}

/** The configured field first (an incident from any tool), then a linked incident issue, then any linked issue. */
function incidentOf(issue: JiraIssue, config: JiraConfig): string | undefined {
  const field = config.fields.incident ? present(issue.fields[config.fields.incident]) : undefined;
  if (field) return field;
  const linked = (issue.fields.issuelinks ?? []).flatMap((l) => [l.inwardIssue, l.outwardIssue]).filter((i) => i);
  const isIncident = (i: (typeof linked)[number]) =>
    config.incidents.issueTypes.includes(i?.fields?.issuetype?.name ?? '');
  const chosen = linked.find(isIncident) ?? linked[0];
  return chosen ? jiraIncidentId(chosen.id) : undefined;
}

function customTime(fields: Record<string, unknown>, name: string | undefined): string | undefined {
  const value = name ? present(fields[name]) : undefined;
  return value ? jiraTime(value, `issue.fields.${name}`) : undefined;
}

/** Jira's due date is a calendar day (`2026-03-15`): due by the end of it (UTC). */
function dueDate(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return jiraTime(`${value}T23:59:59.999Z`, 'issue.fields.duedate');
  return jiraTime(value, 'issue.fields.duedate');
}

/**
 * Jira owns the issue's fields; what people set in Ballast (detection source, cause, acknowledgement,
 * post-mortem…) is kept, and so is the last recovery of a reopened incident. Steps are not sent, so they stay.
 */
export const mergeJiraIncident: Merge = (incoming, stored) => {
  // Jira sends the whole issue each time, and may deliver an older state after a newer one.
  const { sourceUpdatedAt: was } = stored;
  const { sourceUpdatedAt: now } = incoming;
  if (typeof was === 'string' && typeof now === 'string' && now < was) return stored;
  return {
    ...incoming,
    recoveredAt: incoming.recoveredAt ?? stored.recoveredAt,
    acknowledgedAt: stored.acknowledgedAt,
    detectionSource: stored.detectionSource ?? incoming.detectionSource,
    cause: stored.cause,
    causedByChange: stored.causedByChange,
    postmortemUrl: stored.postmortemUrl,
    drill: stored.drill,
  };
};

/**
 * Jira owns the action; but an issue state older than its stored completion (a delivery that was
 * late, its `updated` before that resolution) does not reopen it: a reopened issue is updated after.
 */
const mergeJiraAction =
  (asOf: string): Merge =>
  (incoming, stored) =>
    incoming.completedAt === undefined && typeof stored.completedAt === 'string' && asOf < stored.completedAt
      ? { ...incoming, completedAt: stored.completedAt }
      : incoming;

/** The issue's page: `https://<site>/browse/<key>`, from its REST `self` link. */
function browseUrl(issue: JiraIssue): string | undefined {
  try {
    return issue.self ? `${new URL(issue.self).origin}/browse/${encodeURIComponent(issue.key)}` : undefined;
  } catch {
    return undefined;
  }
}

/** Jira prints offsets without a colon (`2026-03-01T10:00:00.000+0100`); the API's reader wants `+01:00`. */
function jiraTime(value: unknown, path: string): string {
  return isoTime(typeof value === 'string' ? value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2') : value, path);
}
