/**
 * The `reports:` section of the org config: when the daily report and the committee packs go out,
 * to which destinations, and where the report's links and business volume come from.
 *
 * Secrets never sit in the config: a webhook URL carries its token in the path, so destinations
 * name the environment variable that holds it (`urlEnv`); SMTP credentials likewise
 * (`userEnv`, `passwordEnv`). The config (stored as the org document, returned by
 * `GET /api/v1/org`) therefore holds names only. Pure: no I/O.
 */
import { z } from 'zod';
import { recordId } from './records.js';
import { isTimezone } from './time.js';

const name = z.string().trim().min(1, 'must not be empty').max(200);
/**
 * The exporter's own secrets: whoever may write the org config must not be able to have them sent
 * to a URL or an SMTP server of their choosing by naming them here.
 */
const OWN_SECRETS = /^(BALLAST_TOKENS|DATABASE_URL|BALLAST_[A-Z0-9_]*_WEBHOOK_SECRET|PG[A-Z]*)$/;
const envName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]{0,127}$/, 'must be the name of an environment variable (A-Z, 0-9, _)')
  .refine(
    (n) => !OWN_SECRETS.test(n),
    "must not name one of the exporter's own secrets (BALLAST_TOKENS, DATABASE_URL, BALLAST_*_WEBHOOK_SECRET, PG*)"
  )
  .describe('Name of the environment variable holding the secret (read when delivering, never stored or logged).');
const parsedUrl = (u: string): URL | null => (URL.canParse(u) ? new URL(u) : null);
const httpUrl = z
  .string()
  .max(2000)
  .refine((u) => /^https?:$/.test(parsedUrl(u)?.protocol ?? ''), 'must be an http:// or https:// URL')
  .refine((u) => !parsedUrl(u)?.username && !parsedUrl(u)?.password, 'must not carry credentials');
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');
const timezone = z.string().refine(isTimezone, 'must be an IANA timezone such as Europe/Paris');
const email = z.string().email('must be an email address');

export const DESTINATION_KINDS = ['slack', 'teams', 'mattermost', 'webhook', 'email'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

/** Inline `url`/`user`/`password` would put a token into the org document: refused with a pointer to *Env. */
const noInlineSecret = (field: string) =>
  z.never({ message: `secrets are not stored in the config: name the environment variable in ${field}Env` }).optional();

const webhookDestination = (kind: 'slack' | 'teams' | 'mattermost' | 'webhook') =>
  z.object({ id: recordId, kind: z.literal(kind), urlEnv: envName, url: noInlineSecret('url') }).strict();

export const emailDestinationSchema = z
  .object({
    id: recordId,
    kind: z.literal('email'),
    to: z.array(email).min(1, 'must name at least one recipient').max(100),
  })
  .strict();

export const destinationSchema = z.discriminatedUnion('kind', [
  webhookDestination('slack'),
  webhookDestination('teams'),
  webhookDestination('mattermost'),
  webhookDestination('webhook'),
  emailDestinationSchema,
]);

export const smtpSchema = z
  .object({
    host: name,
    port: z.number().int().min(1).max(65535).default(587),
    /** true: TLS from the start (port 465); false: STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    from: z.string().min(3).max(320),
    userEnv: envName.optional(),
    passwordEnv: envName.optional(),
    user: noInlineSecret('user'),
    password: noInlineSecret('password'),
  })
  .strict();

const destinations = z.array(recordId).min(1, 'must name at least one destination').max(50);

export const businessVolumeSchema = z
  .object({
    businessLine: recordId,
    /** PromQL instant query; its value at the end of the reported day is the day's volume. */
    query: z.string().trim().min(1, 'must not be empty').max(4000),
    /** What the number counts, shown beside it ("payments", "orders"). */
    unit: name.default('requests'),
  })
  .strict();

export const reportsSchema = z
  .object({
    /** Grafana's root URL; every report item links into the app under it. */
    grafanaUrl: httpUrl,
    prometheus: z.object({ url: httpUrl }).strict().optional(),
    businessVolume: z.array(businessVolumeSchema).max(200).default([]),
    smtp: smtpSchema.optional(),
    destinations: z.array(destinationSchema).min(1, 'must declare at least one destination').max(50),
    daily: z
      .object({ time: clock, timezone, destinations })
      .strict()
      .optional()
      .describe('The daily report, sent once a day at `time` in `timezone`, about the day before.'),
    committee: z
      .object({
        week: z.object({ destinations }).strict().optional(),
        month: z.object({ destinations }).strict().optional(),
        /** Where a saved committee review is sent (as its pack), if anywhere. */
        review: z.object({ destinations }).strict().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ReportsConfig = z.infer<typeof reportsSchema>;
export type Destination = z.infer<typeof destinationSchema>;
export type SmtpConfig = z.infer<typeof smtpSchema>;

export interface ReportsIssue {
  path: string;
  message: string;
}

/** Cross-reference checks: destination ids unique and known, email needs SMTP, volume lines exist. */
export function checkReportsReferences(reports: ReportsConfig, businessLines: ReadonlySet<string>): ReportsIssue[] {
  const issues: ReportsIssue[] = [];
  const ids = new Set<string>();
  reports.destinations.forEach((d, i) => {
    if (ids.has(d.id)) issues.push({ path: `reports.destinations[${i}].id`, message: `duplicate id "${d.id}"` });
    ids.add(d.id);
    if (d.kind === 'email' && !reports.smtp)
      issues.push({ path: `reports.destinations[${i}]`, message: 'an email destination needs reports.smtp' });
  });
  const known = (list: string[] | undefined, path: string) =>
    list?.forEach((id, i) => {
      if (!ids.has(id)) issues.push({ path: `${path}[${i}]`, message: `unknown destination "${id}"` });
    });
  known(reports.daily?.destinations, 'reports.daily.destinations');
  known(reports.committee?.week?.destinations, 'reports.committee.week.destinations');
  known(reports.committee?.month?.destinations, 'reports.committee.month.destinations');
  known(reports.committee?.review?.destinations, 'reports.committee.review.destinations');
  const lines = new Set<string>();
  reports.businessVolume.forEach((v, i) => {
    const path = `reports.businessVolume[${i}].businessLine`;
    if (!businessLines.has(v.businessLine)) issues.push({ path, message: `unknown business line "${v.businessLine}"` });
    if (lines.has(v.businessLine)) issues.push({ path, message: `duplicate business line "${v.businessLine}"` });
    lines.add(v.businessLine);
  });
  if (reports.businessVolume.length > 0 && !reports.prometheus)
    issues.push({ path: 'reports.prometheus', message: 'is required when businessVolume is set' });
  return issues;
}

/** Every environment variable the config names (for a start-up check that they are set). */
export function secretEnvNames(reports: ReportsConfig): string[] {
  const names = reports.destinations.flatMap((d) => (d.kind === 'email' ? [] : [d.urlEnv]));
  if (reports.smtp?.userEnv) names.push(reports.smtp.userEnv);
  if (reports.smtp?.passwordEnv) names.push(reports.smtp.passwordEnv);
  return [...new Set(names)];
}
