/**
 * Prometheus Alertmanager webhook (payload version 4). An alert is one record per firing episode of
 * its fingerprint: the first notification of an episode names it `am-<fingerprint>-<startsAt ms>`;
 * while it is open, a notification of that fingerprint updates it, also when Alertmanager moved
 * its startsAt (it merges an alert to the earlier, second-precision start); a `resolved` one sets
 * endsAt; a re-send changes nothing; only a firing after the resolve starts a new record. The
 * service finds the episode (records.ts, `episode` of the alerts in store/collections.ts).
 */
import { z } from 'zod';
import { UNASSIGNED_TEAM } from '../domain/org.js';
import { resolveAlertOwner } from './mapping.js';
import { clip, isoTime, parseBody, recordIdOf, type AdaptContext, type Adapted, type Merge } from './pipeline.js';

const labels = z.record(z.string(), z.string());

const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels,
  annotations: labels.optional(),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().regex(/^[0-9a-fA-F]{1,64}$/, 'must be the hexadecimal alert fingerprint'),
});

export const alertmanagerWebhookSchema = z.object({
  version: z.literal('4', { message: 'only Alertmanager webhook payload version "4" is understood' }),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  groupKey: z.string().optional(),
  alerts: z.array(alertSchema).max(10_000),
});

export function adaptAlertmanager(body: unknown, ctx: AdaptContext): Adapted {
  const payload = parseBody(alertmanagerWebhookSchema, body);
  const { labels: names, defaultSeverity } = ctx.config.alertmanager;
  let unassigned = 0;
  const items = payload.alerts.map((alert, i) => {
    const origin = `alerts[${i}]`;
    const startsAt = isoTime(alert.startsAt, `${origin}.startsAt`);
    const label = (name: string) => alert.labels[name]?.trim() || undefined;
    const owner = resolveAlertOwner(
      { service: label(names.service), team: label(names.team), labels: alert.labels },
      ctx.config.services,
      ctx.org
    );
    if (owner.team === UNASSIGNED_TEAM) unassigned++;
    // Firing alerts carry a provisional endsAt (when Alertmanager would time them out): not an end.
    // Go's zero time (0001-01-01T00:00:00Z, what an unset endsAt marshals to) is no end either: a
    // resolve without a real end leaves the record's end as it is (Alertmanager always sets one).
    const endsAt =
      alert.status === 'resolved' && !isGoZeroTime(alert.endsAt)
        ? isoTime(alert.endsAt, `${origin}.endsAt`)
        : undefined;
    const fingerprint = alert.fingerprint.toLowerCase();
    return {
      id: recordIdOf('am', fingerprint, Date.parse(startsAt)),
      origin,
      input: {
        name: clip(label(names.name) ?? 'unnamed', 300),
        severity: clip(label(names.severity) ?? defaultSeverity, 50),
        ...owner,
        fingerprint,
        startsAt,
        // Clock skew between Prometheus servers can put endsAt a hair before startsAt.
        ...(endsAt !== undefined ? { endsAt: endsAt < startsAt ? startsAt : endsAt } : {}),
      },
    };
  });
  return { items, ignored: 0, unassigned };
}

const GO_ZERO_TIME = Date.parse('0001-01-01T00:00:00Z');
export const isGoZeroTime = (value: string | undefined) => value !== undefined && Date.parse(value) === GO_ZERO_TIME;

/**
 * An alert already stored keeps what people added (verdict, incident, an owner given by hand) and
 * its end: a stale "firing" re-send does not reopen a resolved alert, nor move its start. An open
 * one takes the notification's start (Alertmanager moved it).
 */
export const mergeAlert: Merge = (incoming, stored) => {
  const ownedByHand = incoming.team === UNASSIGNED_TEAM && stored.team !== UNASSIGNED_TEAM;
  const owner = ownedByHand ? (stored.service ? { service: stored.service } : { team: stored.team }) : {};
  const { service: _s, team: _t, ...rest } = incoming;
  return {
    ...(ownedByHand ? rest : incoming),
    ...owner,
    startsAt: stored.endsAt !== undefined && incoming.endsAt === undefined ? stored.startsAt : incoming.startsAt,
    endsAt: incoming.endsAt ?? stored.endsAt,
    verdict: stored.verdict ?? null,
    incident: stored.incident,
  };
};
