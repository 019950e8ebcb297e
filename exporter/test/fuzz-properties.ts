/**
 * Property-based fuzzing of the API's validation (fast-check): generated records, ids, query
 * strings and headers against a running exporter. The one property: a 4xx answer names a field,
 * a 2xx write reads back equal, and nothing is ever a 5xx. Shared by the short run in `npm test`
 * (fuzz-api.test.ts) and the long one in `npm run bench -- fuzz`.
 */
import fc from 'fast-check';
import { TOKENS } from './helpers/server.js';

export interface FuzzTarget {
  url: string;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** Answers seen per status class (`2xx` …), so a run shows it reached both branches of the property. */
const tally: Record<string, number> = {};

async function send(url: string, init: RequestInit): Promise<Answer> {
  const res = await fetch(url, init);
  const kind = `${init.method ?? 'GET'} ${Math.floor(res.status / 100)}xx`;
  tally[kind] = (tally[kind] ?? 0) + 1;
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { unparsed: text };
  }
  return { status: res.status, body };
}

const admin = { authorization: `Bearer ${TOKENS.admin}` };

/** A 4xx names what was wrong (a field for 400, a reason otherwise); a 5xx fails the run. */
function judged(what: string, a: Answer): void {
  if (a.status >= 500) throw new Error(`${what}: ${a.status} ${JSON.stringify(a.body)}`);
  if (a.status === 400) {
    const issues = a.body.issues as { path?: unknown; message?: unknown }[] | undefined;
    if (!issues?.length || issues.some((i) => typeof i.path !== 'string' || !i.path || typeof i.message !== 'string'))
      throw new Error(`${what}: 400 without a named field: ${JSON.stringify(a.body)}`);
  } else if (a.status >= 400 && typeof a.body.message !== 'string') {
    throw new Error(`${what}: ${a.status} without a message: ${JSON.stringify(a.body)}`);
  }
}

const NOW = Date.now();
const YEAR = 365 * 86_400_000;

/** Text as senders really get it wrong: empty, padded, NUL, lone surrogates, too long, any Unicode. */
const text = fc.oneof(
  fc.constantFrom(
    'Checkout down',
    ' padded ',
    '',
    '   ',
    'a\u0000b',
    'x\ud800y',
    '\udc00',
    '💥 ünïcode',
    'x'.repeat(600)
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 })
);

const timestamp = fc.oneof(
  fc
    .date({ min: new Date(Date.UTC(2000, 0, 1)), max: new Date(NOW + 5 * YEAR), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc
    .date({ min: new Date(NOW - 3 * YEAR), max: new Date(NOW), noInvalidDate: true })
    .map((d) => d.toISOString().replace('Z', '+02:00')),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom(
    '1',
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    'Mon, 01 Dec 2025 10:00:00 GMT',
    '2025-12-01T10:00:00',
    '2026-02-30T00:00:00Z',
    '2025-06-01T10:00:00.123456789Z',
    '2025-06-01T10:00:00+0200',
    ''
  ),
  fc.integer().map(String)
);

const url = fc.oneof(
  fc.constantFrom(
    'javascript:alert(1)',
    'data:text/html,x',
    'https://wiki.example/pm/1',
    'http://[::1]:3000/x',
    'ftp://x'
  ),
  fc.webUrl(),
  fc.string({ maxLength: 20 })
);

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
const service = fc.constantFrom('checkout-api', 'ledger-db', 'nope', '', 'bad id!');

// Valid records, so that writes succeed and are read back; then a few fields swapped for hostile values.
const goodText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).filter((t) => t.trim().length > 0);
const START = Date.UTC(2001, 0, 1);
const gap = fc.integer({ min: 0, max: 30 * 86_400_000 });
/** One instant in any accepted spelling: Z, an offset, with or without fractions. */
const spelled = (ms: number, style: number) => {
  const z = new Date(ms).toISOString();
  if (style === 1) return z.replace('.000Z', 'Z').replace(/\.\d{3}Z$/, 'Z');
  if (style === 2) return new Date(ms + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
  return z;
};
const instant = fc.tuple(fc.integer({ min: START, max: NOW }), fc.nat({ max: 2 }));
const goodRecords = {
  incidents: fc
    .record({
      at: instant,
      gaps: fc.tuple(gap, gap, gap, gap),
      present: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()),
      title: goodText,
      priority: fc.constantFrom('P0', 'P1', 'P3'),
      service: fc.constantFrom('checkout-api', 'ledger-db'),
      detectionSource: fc.constantFrom('monitoring', 'user'),
      postmortemUrl: maybe(fc.webUrl({ validSchemes: ['https', 'http'] })),
    })
    .map(({ at: [t, style], gaps: [d, a, r, z], present: [ack, rec, res], ...rest }) => ({
      ...rest,
      startedAt: spelled(t, style),
      detectedAt: spelled(t + d, style),
      ...(ack ? { acknowledgedAt: spelled(t + d + a, style) } : {}),
      ...(rec ? { recoveredAt: spelled(t + d + a + r, style) } : {}),
      ...(rec && res ? { resolvedAt: spelled(t + d + a + r + z, style) } : {}),
    })),
  changes: fc
    .record({
      at: instant,
      took: maybe(gap),
      title: maybe(goodText),
      system: fc.constantFrom('manual', 'argo-cd'),
      service: fc.constantFrom('checkout-api', 'ledger-db'),
      kind: fc.constantFrom('deploy', 'config'),
      result: maybe(fc.constantFrom('success', 'failed')),
    })
    .map(({ at: [t, style], took, ...rest }) => ({
      ...rest,
      startedAt: spelled(t, style),
      ...(took !== undefined ? { finishedAt: spelled(t + took, style) } : {}),
    })),
  alerts: fc
    .record({
      at: instant,
      lasted: maybe(gap),
      name: goodText,
      severity: fc.constantFrom('critical', 'warning'),
      service: fc.constantFrom('checkout-api', 'ledger-db'),
    })
    .map(({ at: [t, style], lasted, ...rest }) => ({
      ...rest,
      startsAt: spelled(t, style),
      ...(lasted !== undefined ? { endsAt: spelled(t + lasted, style) } : {}),
    })),
};

/** Hostile values for a field, by its kind. */
const hostile = (key: string): fc.Arbitrary<unknown> =>
  key.endsWith('At')
    ? timestamp
    : key.endsWith('Url')
      ? url
      : key === 'service'
        ? service
        : fc.oneof(text, fc.integer(), fc.constant(null), fc.boolean());

const recordArbitraries = Object.fromEntries(
  Object.entries(goodRecords).map(([collection, good]) => [
    collection,
    fc
      .tuple(
        good as fc.Arbitrary<Record<string, unknown>>,
        // Half the records untouched (they must be written and read back equal), half with one or two hostile fields.
        fc.oneof(
          fc.constant([] as string[]),
          fc.array(
            fc.constantFrom(
              'title',
              'name',
              'priority',
              'severity',
              'service',
              'startedAt',
              'detectedAt',
              'acknowledgedAt',
              'recoveredAt',
              'resolvedAt',
              'finishedAt',
              'startsAt',
              'endsAt',
              'postmortemUrl',
              'unknownField'
            ),
            { minLength: 1, maxLength: 2 }
          )
        ),
        fc.gen()
      )
      .map(([record, keys, gen]) => {
        const out = { ...record };
        for (const key of keys) out[key] = gen(() => hostile(key));
        return out;
      }),
  ])
) as Record<'incidents' | 'changes' | 'alerts', fc.Arbitrary<Record<string, unknown>>>;

type FuzzCollection = keyof typeof recordArbitraries;

/** Record ids: valid ones, and what a path may carry. */
const recordIdArb = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,30}$/), weight: 9 },
  { arbitrary: fc.constantFrom('-leading', 'x'.repeat(201), 'with space', 'ünï', '..', '.'), weight: 1 }
);

/** Whether a field read back is the one written: text trimmed, times as the same instant. */
function sameValue(key: string, sent: unknown, got: unknown): boolean {
  if (typeof sent === 'string' && key.endsWith('At'))
    return typeof got === 'string' && Date.parse(got) === Date.parse(sent);
  if (typeof sent === 'string') return got === sent || got === sent.trim();
  return JSON.stringify(got) === JSON.stringify(sent);
}

/** PUT a generated record under a generated id: 400 naming a field, or 2xx that GET returns equal. */
export function recordsProperty(target: FuzzTarget) {
  return fc.asyncProperty(
    fc.constantFrom<FuzzCollection>('incidents', 'changes', 'alerts'),
    recordIdArb,
    fc.gen(),
    async (collection, id, gen) => {
      const record = gen(() => recordArbitraries[collection] as fc.Arbitrary<Record<string, unknown>>);
      const path = `${target.url}/api/v1/${collection}/${encodeURIComponent(id)}`;
      const put = await send(path, {
        method: 'PUT',
        headers: { ...admin, 'content-type': 'application/json' },
        body: JSON.stringify(record),
      });
      judged(`PUT ${collection}/${id} ${JSON.stringify(record)}`, put);
      if (put.status >= 300) return;
      const got = await send(path, { headers: admin });
      if (got.status !== 200) throw new Error(`GET after ${put.status}: ${got.status}`);
      for (const [key, value] of Object.entries(record)) {
        if (value !== undefined && !sameValue(key, value, got.body[key]))
          throw new Error(
            `${collection}/${id}.${key}: wrote ${JSON.stringify(value)}, read ${JSON.stringify(got.body[key])}`
          );
      }
    }
  );
}

const PARAMS = ['from', 'to', 'team', 'service', 'businessLine', 'limit', 'offset', 'violation', 'verdict', 'name'];
const paramName = fc.oneof(
  fc.constantFrom(...PARAMS),
  fc.constantFrom(...PARAMS).map((p) => `${p}[x]`),
  fc.constantFrom(...PARAMS).map((p) => `${p}[]`),
  fc.string({ unit: 'grapheme-ascii', maxLength: 8 })
);
const paramValue = fc.oneof(
  fc.constantFrom(
    '99999999999999999999',
    '%E0%A4%A',
    '%00',
    '-1',
    '0',
    '1e3',
    'true',
    'checkout',
    '2026-03-01T00:00:00Z'
  ),
  fc.integer().map(String),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 })
);

/** Generated query strings on every list: 200 or 400 naming a parameter. */
export function queryProperty(target: FuzzTarget) {
  return fc.asyncProperty(
    fc.constantFrom('incidents', 'changes', 'alerts', 'freezes', 'drills'),
    fc.array(fc.tuple(paramName, paramValue), { maxLength: 6 }),
    fc.nat({ max: 120 }),
    async (collection, pairs, repeats) => {
      const query = pairs
        .map(([k, v]) => `${encodeURIComponent(k).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${v}`)
        .concat(repeats > 100 ? Array(repeats).fill('team=checkout') : [])
        .join('&');
      judged(
        `GET ${collection}?${query}`,
        await send(`${target.url}/api/v1/${collection}?${query}`, { headers: admin })
      );
    }
  );
}

/** Generated ids in paths, percent-encoded or raw bytes. */
export function idProperty(target: FuzzTarget) {
  return fc.asyncProperty(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 30 }).map(encodeURIComponent),
      fc.stringMatching(/^(%[0-9A-Fa-f]{1,2}|[A-Za-z0-9._~-]){1,12}$/)
    ),
    async (id) => {
      judged(`GET incidents/${id}`, await send(`${target.url}/api/v1/incidents/${id}`, { headers: admin }));
    }
  );
}

/** Generated headers and bodies on the write endpoints. */
export function headersProperty(target: FuzzTarget) {
  return fc.asyncProperty(
    fc.constantFrom('/api/v1/incidents/h-1', '/api/v1/alerts/batch', '/api/v1/ingest/alertmanager', '/api/v1/org'),
    fc.constantFrom(
      `Bearer ${TOKENS.admin}`,
      `Bearer ${TOKENS.read}`,
      'Bearer nope',
      'Basic YWxhZGRpbjpvcGVuc2VzYW1l',
      '',
      undefined
    ),
    fc.constantFrom(
      'application/json',
      'application/json; charset=latin1',
      'application/x+json',
      'text/plain',
      undefined
    ),
    fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', undefined),
    fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
      fc.json().map((j) => Buffer.from(j)),
      fc.constant(Buffer.from('{"records":[]}'))
    ),
    async (path, authorization, contentType, contentEncoding, body) => {
      const headers: Record<string, string> = {};
      if (authorization !== undefined) headers.authorization = authorization;
      if (contentType !== undefined) headers['content-type'] = contentType;
      if (contentEncoding !== undefined) headers['content-encoding'] = contentEncoding;
      const method = path.endsWith('batch') || path.includes('ingest') ? 'POST' : 'PUT';
      judged(
        `${method} ${path} ${JSON.stringify(headers)}`,
        await send(`${target.url}${path}`, { method, headers, body })
      );
    }
  );
}

export const PROPERTIES = { records: recordsProperty, query: queryProperty, ids: idProperty, headers: headersProperty };

/** Runs every property `runs` times against `target`: the runs made and the answers seen, by method and status class. */
export async function fuzz(
  target: FuzzTarget,
  runs: number,
  seed?: number
): Promise<{ runs: number; answers: Record<string, number> }> {
  const before = { ...tally };
  const params = { numRuns: runs, ...(seed !== undefined ? { seed } : {}) };
  for (const property of Object.values(PROPERTIES))
    await fc.assert(property(target) as fc.IAsyncProperty<unknown[]>, params);
  const answers = Object.fromEntries(Object.entries(tally).map(([k, n]) => [k, n - (before[k] ?? 0)]));
  return { runs: runs * Object.keys(PROPERTIES).length, answers };
}
