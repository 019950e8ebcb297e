/**
 * Inspection findings from Alertmanager: inspections are Prometheus rules, routed by Alertmanager to
 * their own receiver (`/api/v1/ingest/alertmanager-findings`). A firing alert opens one finding
 * (`finding-<fingerprint>-<startsAt ms>`), its `resolved` closes it, and a re-sent notification writes
 * the same finding again (unchanged). Like alerts, a finding is one per firing episode of its
 * fingerprint: while it is open, a notification whose startsAt Alertmanager moved updates it (the
 * service finds the episode: `episode` of the findings in store/collections.ts). Check = the alert name label, target type
 * and severity from labels, due date from the severity policy (`ingestion.findings.dueDays`).
 */
import { DAY_MS, toIso } from '../domain/time.js';
import { ValidationError } from '../service/errors.js';
import { alertmanagerWebhookSchema, isGoZeroTime } from './alertmanager.js';
import { resolveService } from './mapping.js';
import { clip, isoTime, parseBody, recordIdOf, type AdaptContext, type Adapted, type Merge } from './pipeline.js';
import { TARGET_TYPES, type TargetType } from '../domain/records.js';

export function adaptFindings(body: unknown, ctx: AdaptContext): Adapted {
  const payload = parseBody(alertmanagerWebhookSchema, body);
  const { labels: names, defaultSeverity } = ctx.config.alertmanager;
  const policy = ctx.config.findings;
  const items = payload.alerts.map((alert, i) => {
    const origin = `alerts[${i}]`;
    const label = (name: string) => alert.labels[name]?.trim() || undefined;
    const foundAt = isoTime(alert.startsAt, `${origin}.startsAt`);
    const service = resolveService(
      { service: label(names.service), labels: alert.labels },
      ctx.config.services,
      ctx.org
    );
    const team = label(names.team);
    // A finding needs an owner to be closed by: unlike an alert, it is never kept unassigned.
    if (!service && !(team && ctx.org.teams.has(team))) {
      throw new ValidationError([
        {
          path: `${origin}.labels.${names.service}`,
          message: `no known service or team: set the "${names.service}" or "${names.team}" label on the inspection rule, or map its labels in ingestion.services`,
        },
      ]);
    }
    const severity = clip(label(names.severity) ?? defaultSeverity, 50);
    const targetType = label(policy.targetTypeLabel);
    // Go's zero time is "no end given" (as for alerts): never a zero-length finding.
    const closedAt =
      alert.status === 'resolved' && !isGoZeroTime(alert.endsAt)
        ? isoTime(alert.endsAt, `${origin}.endsAt`)
        : undefined;
    const fingerprint = alert.fingerprint.toLowerCase();
    return {
      id: recordIdOf('finding', fingerprint, Date.parse(foundAt)),
      origin,
      input: {
        check: clip(label(names.name) ?? 'unnamed', 300),
        targetType: (TARGET_TYPES as readonly string[]).includes(targetType ?? '')
          ? (targetType as TargetType)
          : policy.defaultTargetType,
        severity,
        ...(service ? { service } : { team }),
        foundAt,
        dueAt: toIso(Date.parse(foundAt) + (policy.dueDays[severity] ?? policy.defaultDueDays) * DAY_MS),
        ...(closedAt !== undefined ? { closedAt: closedAt < foundAt ? foundAt : closedAt } : {}),
        fingerprint,
      },
    };
  });
  return { items, ignored: 0 };
}

/**
 * A due date, once set, does not move (the policy may change later); a stale firing neither reopens
 * a closed finding nor moves its start; an open one takes the notification's start (Alertmanager
 * moved it).
 */
export const mergeFinding: Merge = (incoming, stored) => ({
  ...incoming,
  foundAt: stored.closedAt !== undefined && incoming.closedAt === undefined ? stored.foundAt : incoming.foundAt,
  dueAt: stored.dueAt ?? incoming.dueAt,
  closedAt: incoming.closedAt ?? stored.closedAt,
});
