/**
 * Delivers one rendered report to one configured destination, reading the destination's secret
 * from the environment by name. Every error it returns has the secrets removed (redact.ts).
 */
import type { Deliver, SendResult } from '../service/reports/ports.js';
import { sendEmail } from './email.js';
import { redact } from './redact.js';
import { postJson } from './webhook.js';

export const SEND_TIMEOUT_MS = 15_000;

export function deliverer(secret: (name: string) => string | undefined): Deliver {
  return async (destination, rendered, ids, reports) => {
    const secrets: string[] = [];
    const result = await (async (): Promise<SendResult> => {
      if (destination.kind === 'email') {
        if (!reports.smtp || rendered.kind !== 'email') return { ok: false, error: 'no SMTP settings (reports.smtp)' };
        const smtp = reports.smtp;
        const user = smtp.userEnv ? secret(smtp.userEnv) : undefined;
        const pass = smtp.passwordEnv ? secret(smtp.passwordEnv) : undefined;
        secrets.push(user ?? '', pass ?? '');
        if (smtp.userEnv && !user) return { ok: false, error: `environment variable ${smtp.userEnv} is not set` };
        if (smtp.passwordEnv && !pass)
          return { ok: false, error: `environment variable ${smtp.passwordEnv} is not set` };
        const domain = smtp.from.replace(/^.*@/, '').replace(/[>\s].*$/, '') || 'ballast.local';
        return sendEmail(smtp, { user, pass }, destination.to, rendered.message, {
          timeoutMs: SEND_TIMEOUT_MS,
          messageId: `<${ids.delivery.replace(/[^A-Za-z0-9._-]/g, '.')}@${domain}>`,
        });
      }
      const url = secret(destination.urlEnv);
      if (!url) return { ok: false, error: `environment variable ${destination.urlEnv} is not set` };
      secrets.push(url);
      if (!URL.canParse(url)) return { ok: false, error: `environment variable ${destination.urlEnv} is not a URL` };
      secrets.push(new URL(url).pathname, new URL(url).search);
      if (rendered.kind !== 'json') return { ok: false, error: 'nothing to post' };
      return postJson(url, rendered.body, { timeoutMs: SEND_TIMEOUT_MS, idempotencyKey: ids.delivery });
    })().catch((error: unknown) => ({ ok: false, error: error instanceof Error ? error.message : String(error) }));
    return result.ok ? result : { ok: false, error: redact(result.error ?? 'failed', secrets) };
  };
}
