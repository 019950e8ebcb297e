/**
 * The business volume of a day: a configured PromQL instant query run against the org's
 * Prometheus (`GET /api/v1/query`, https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries)
 * at the end of the reported day. A vector is summed (one number per business line), a scalar
 * taken as is. Failures become a short reason shown in the report, never a failed report.
 */
export const PROMETHEUS_TIMEOUT_MS = 10_000;

interface PromAnswer {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: unknown };
}

export async function queryVolume(
  prometheusUrl: string,
  query: string,
  at: number
): Promise<{ value: number | null; error: string | null }> {
  const url = new URL('api/v1/query', prometheusUrl.endsWith('/') ? prometheusUrl : `${prometheusUrl}/`);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query, time: String(at / 1000) }),
      signal: AbortSignal.timeout(PROMETHEUS_TIMEOUT_MS),
    });
    const answer = (await res.json().catch(() => null)) as PromAnswer | null;
    if (!answer || answer.status !== 'success' || !answer.data)
      return {
        value: null,
        error: answer?.error ? `Prometheus: ${answer.error.slice(0, 200)}` : `Prometheus HTTP ${res.status}`,
      };
    return valueOf(answer.data.resultType, answer.data.result);
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    return {
      value: null,
      error: e.name === 'TimeoutError' ? 'Prometheus did not answer' : `Prometheus: ${e.cause?.code ?? e.message}`,
    };
  }
}

/** The number of an instant-query result: a scalar, or the sum of a vector's samples. */
export function valueOf(resultType: string, result: unknown): { value: number | null; error: string | null } {
  if (resultType === 'scalar') {
    const v = Number((result as [number, string])[1]);
    return Number.isFinite(v) ? { value: v, error: null } : { value: null, error: 'not a finite number' };
  }
  if (resultType === 'vector') {
    const samples = result as Array<{ value: [number, string] }>;
    if (samples.length === 0) return { value: null, error: 'no data' };
    const v = samples.reduce((sum, s) => sum + Number(s.value[1]), 0);
    return Number.isFinite(v) ? { value: v, error: null } : { value: null, error: 'not a finite number' };
  }
  return { value: null, error: `the query returns a ${resultType}, not a number` };
}
