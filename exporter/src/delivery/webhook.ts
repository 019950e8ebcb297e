/**
 * POSTs a JSON message to a webhook (Slack, Teams, Mattermost, a generic receiver), bounded in
 * time. A 2xx is delivered; anything else, or no answer, is a failure to retry. The URL is a
 * secret (its path is the token): it is never part of an error this returns.
 */
import type { SendResult } from '../service/reports/ports.js';

export async function postJson(
  url: string,
  body: unknown,
  options: { timeoutMs: number; idempotencyKey: string }
): Promise<SendResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'ballast-exporter',
        // A receiver that sees the same key twice (an operator re-sending) can drop the copy.
        'idempotency-key': options.idempotencyKey,
      },
      body: JSON.stringify(body),
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    // Drained so the connection is reused; a body may say why (Slack answers e.g. "invalid_blocks").
    const text = (await res.text().catch(() => '')).slice(0, 200);
    if (res.ok) return { ok: true };
    return { ok: false, error: `HTTP ${res.status}${text ? `: ${text}` : ''}` };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError') return { ok: false, error: `no answer within ${options.timeoutMs} ms` };
    return { ok: false, error: e.cause?.code ?? e.cause?.message ?? e.message };
  }
}
