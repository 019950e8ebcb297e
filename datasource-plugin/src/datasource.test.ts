/**
 * Freeze windows and freeze violations, with canned exporter answers: which requests the data
 * source sends (the exporter expands schedules and judges violations; the plugin reads no cron
 * expression) and the frames and annotation events it builds from the answers. The same paths
 * against a real exporter: datasource.exporter.test.ts.
 */
import { AnnotationQuery, DataFrame, FieldType } from '@grafana/data';
import { lastValueFrom } from 'rxjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeDataSource, rangeOf, request } from './testing/dataSource';
import { FakeRequest, installFakeBackendSrv, page } from './testing/fakeBackendSrv';
import { installTemplateSrv } from './dashboards/templateSrv';
import { BallastQuery, Change, Freeze, FreezeOccurrence, FreezeOccurrencesResponse } from './types';

const FROM = Date.parse('2026-10-19T00:00:00Z');
const TO = Date.parse('2026-11-09T00:00:00Z');
const FROM_ISO = '2026-10-19T00:00:00.000Z';
const TO_ISO = '2026-11-09T00:00:00.000Z';

const weekend: Freeze = {
  id: 'frz-payments-weekend',
  name: 'Payments weekend freeze',
  reason: 'settlement',
  scope: { businessLine: 'payments' },
  schedule: { cron: '0 18 * * 5', durationMinutes: 3840, timezone: 'Europe/Berlin' },
};
const release: Freeze = {
  id: 'frz-release',
  name: 'Release <freeze>',
  reason: 'big release',
  scope: {},
  startsAt: '2026-11-02T00:00:00.000Z',
  endsAt: '2026-11-03T00:00:00.000Z',
};
const occurrence = (f: Freeze, startsAt: string, endsAt: string): FreezeOccurrence => ({
  freeze: f.id,
  name: f.name,
  reason: f.reason,
  scope: f.scope,
  startsAt,
  endsAt,
});
/** As the exporter answers: by start, recurring windows expanded in Berlin time (CEST, then CET). */
const OCCURRENCES: FreezeOccurrence[] = [
  occurrence(weekend, '2026-10-16T16:00:00.000Z', '2026-10-19T08:00:00.000Z'),
  occurrence(weekend, '2026-10-23T16:00:00.000Z', '2026-10-26T08:00:00.000Z'),
  occurrence(weekend, '2026-10-30T17:00:00.000Z', '2026-11-02T09:00:00.000Z'),
  occurrence(release, '2026-11-02T00:00:00.000Z', '2026-11-03T00:00:00.000Z'),
  occurrence(weekend, '2026-11-06T17:00:00.000Z', '2026-11-09T09:00:00.000Z'),
];

const change = (
  id: string,
  startedAt: string,
  violatedFreezes: string[] | undefined,
  extra: Partial<Change> = {}
): Change => ({
  id,
  title: `Deploy ${id}`,
  system: 'argo-cd',
  kind: 'deploy',
  startedAt,
  controlled: true,
  result: 'success',
  service: 'checkout-api',
  team: 'payments-checkout',
  businessLine: 'payments',
  ...(violatedFreezes ? { violatedFreezes } : {}),
  ...extra,
});
const CHANGES: Change[] = [
  change('c-weekend', '2026-10-24T10:00:00.000Z', ['frz-payments-weekend']),
  change('c-both', '2026-11-02T08:00:00.000Z', ['frz-payments-weekend', 'frz-release']),
  change('c-exempt', '2026-10-25T10:00:00.000Z', [], { exemption: 'hotfix' }),
  change('c-gone', '2026-10-27T10:00:00.000Z', ['frz-deleted-since']),
  change('c-weekday', '2026-10-28T10:00:00.000Z', []),
];

let occurrencesAnswer: FreezeOccurrencesResponse;
let requests: FakeRequest[];

beforeEach(() => {
  installTemplateSrv([]);
  occurrencesAnswer = { items: OCCURRENCES, truncated: false };
  requests = installFakeBackendSrv(({ path, params }) => {
    switch (path) {
      case '/api/v1/freeze-occurrences':
        return occurrencesAnswer;
      case '/api/v1/freezes':
        return page([weekend, release], params);
      case '/api/v1/changes':
        return page(params.violation === 'true' ? CHANGES.filter((c) => c.violatedFreezes?.length) : CHANGES, params);
      default:
        throw { status: 404, data: { message: `unexpected ${path}` } };
    }
  }).requests;
});

const ds = () => makeDataSource({ url: 'http://ballast-exporter:9464' });

const field = (frame: DataFrame, name: string) => {
  const f = frame.fields.find((x) => x.name === name);
  expect(f, `field ${name}`).toBeDefined();
  return f!;
};

async function annotations(target: BallastQuery) {
  const source = ds();
  const anno = { enable: true, name: 'Ballast', iconColor: 'red', target } as AnnotationQuery<BallastQuery>;
  const res = await source.query(request([source.annotations!.prepareQuery!(anno)!], rangeOf(FROM, TO)));
  expect(res.errors).toBeUndefined();
  return (await lastValueFrom(source.annotations!.processEvents!(anno, res.data)))!;
}

async function table(target: BallastQuery): Promise<DataFrame> {
  const res = await ds().query(request([target], rangeOf(FROM, TO)));
  expect(res.errors).toBeUndefined();
  expect(res.data).toHaveLength(1);
  return res.data[0] as DataFrame;
}

describe('freeze annotations', () => {
  it('ask the exporter for the occurrences of the range, with the scope filters', async () => {
    await annotations({ refId: 'A', annotationSource: 'freezes', businessLine: 'payments', team: 'payments-checkout' });
    expect(requests).toEqual([
      {
        path: '/api/v1/freeze-occurrences',
        params: { from: FROM_ISO, to: TO_ISO, businessLine: 'payments', team: 'payments-checkout' },
      },
    ]);
  });

  it('are one region per occurrence, clipped to the range, named and tagged by their window', async () => {
    const events = await annotations({ refId: 'A', annotationSource: 'freezes' });
    expect(events.map((e) => [e.id, e.time, e.timeEnd, e.isRegion])).toEqual([
      [
        `freeze:frz-payments-weekend:${Date.parse('2026-10-16T16:00:00Z')}`,
        FROM,
        Date.parse('2026-10-19T08:00:00Z'),
        true,
      ],
      [
        `freeze:frz-payments-weekend:${Date.parse('2026-10-23T16:00:00Z')}`,
        Date.parse('2026-10-23T16:00:00Z'),
        Date.parse('2026-10-26T08:00:00Z'),
        true,
      ],
      [
        `freeze:frz-payments-weekend:${Date.parse('2026-10-30T17:00:00Z')}`,
        Date.parse('2026-10-30T17:00:00Z'),
        Date.parse('2026-11-02T09:00:00Z'),
        true,
      ],
      [
        `freeze:frz-release:${Date.parse('2026-11-02T00:00:00Z')}`,
        Date.parse('2026-11-02T00:00:00Z'),
        Date.parse('2026-11-03T00:00:00Z'),
        true,
      ],
      [
        `freeze:frz-payments-weekend:${Date.parse('2026-11-06T17:00:00Z')}`,
        Date.parse('2026-11-06T17:00:00Z'),
        TO,
        true,
      ],
    ]);
    const [first, , , fixed] = events;
    expect(first!.title).toBe('Freeze: Payments weekend freeze');
    expect(first!.text).toBe('<b>Freeze</b>: Payments weekend freeze<br>settlement<br>Scope: businessLine payments');
    expect(first!.tags).toEqual(['freeze', 'payments']);
    // No colour of its own: Grafana paints the layer's events with its iconColor (postProcessQueryResult).
    expect(first!.color).toBeUndefined();
    expect(fixed!.text).toBe('<b>Freeze</b>: Release &#60;freeze&#62;<br>big release<br>Scope: everything');
    expect(fixed!.tags).toEqual(['freeze']);
  });

  it('an error of the exporter is the query’s error', async () => {
    requests = installFakeBackendSrv(() => {
      throw {
        status: 400,
        data: { error: 'Bad Request', message: 'invalid query', issues: [{ path: 'from', message: 'is required' }] },
      };
    }).requests;
    const res = await ds().query(
      request([{ refId: 'A', queryType: 'annotations', annotationSource: 'freezes' }], rangeOf(FROM, TO))
    );
    expect(res.data).toEqual([]);
    expect(res.errors).toEqual([{ refId: 'A', status: 400, message: 'invalid query: from is required' }]);
  });
});

describe('change annotations', () => {
  it('mark the violations the exporter reports, naming the freezes from the freezes of the range', async () => {
    const events = await annotations({
      refId: 'A',
      annotationSource: 'changes',
      kind: 'deploy',
      team: 'payments-checkout',
    });
    expect(requests).toEqual([
      {
        path: '/api/v1/changes',
        params: { from: FROM_ISO, to: TO_ISO, team: 'payments-checkout', kind: 'deploy', limit: '1000', offset: '0' },
      },
      // The whole org's freezes: a change's freeze may be scoped wider than the change filter.
      { path: '/api/v1/freezes', params: { from: FROM_ISO, to: TO_ISO, limit: '1000', offset: '0' } },
    ]);
    const byId = new Map(events.map((e) => [e.id, e]));
    const weekendOnly = byId.get('change:c-weekend')!;
    expect(weekendOnly.title).toBe('⚠ Deploy c-weekend');
    expect(weekendOnly.text).toMatch(/^<b>Freeze violation<\/b>: Payments weekend freeze<br>System: argo-cd/);
    expect(weekendOnly.tags).toContain('freeze-violation');
    expect(byId.get('change:c-both')!.text).toContain(
      '<b>Freeze violation</b>: Payments weekend freeze, Release &#60;freeze&#62;<br>'
    );
    // A freeze the list does not hold (deleted since) is named by its id.
    expect(byId.get('change:c-gone')!.text).toContain('<b>Freeze violation</b>: frz-deleted-since<br>');
    for (const id of ['c-exempt', 'c-weekday']) {
      const e = byId.get(`change:${id}`)!;
      expect(e.title).toBe(`Deploy ${id}`);
      expect(e.text).not.toContain('Freeze violation');
      expect(e.tags).not.toContain('freeze-violation');
    }
    expect(events.every((e) => e.isRegion === false)).toBe(true);
  });

  it('ask for no freezes when no change violated one (and mark none, whatever the times)', async () => {
    requests = installFakeBackendSrv(({ path, params }) => {
      if (path !== '/api/v1/changes') {
        throw { status: 404, data: { message: `unexpected ${path}` } };
      }
      // Inside a freeze occurrence, but the exporter says: no violation (or, older exporters, nothing).
      return page(
        [change('c1', '2026-10-24T10:00:00.000Z', []), change('c2', '2026-10-24T11:00:00.000Z', undefined)],
        params
      );
    }).requests;
    const events = await annotations({ refId: 'A', annotationSource: 'changes' });
    expect(requests.map((r) => r.path)).toEqual(['/api/v1/changes']);
    expect(events).toHaveLength(2);
    expect(events.some((e) => e.tags!.includes('freeze-violation'))).toBe(false);
  });
});

describe('failed changes and freeze violations: their own sources, for their own layers', () => {
  it('freezeViolations asks the exporter for the violating changes only (violation=true) and names their freezes', async () => {
    const events = await annotations({ refId: 'A', annotationSource: 'freezeViolations', team: 'payments-checkout' });
    expect(requests[0]).toEqual({
      path: '/api/v1/changes',
      params: { from: FROM_ISO, to: TO_ISO, team: 'payments-checkout', violation: 'true', limit: '1000', offset: '0' },
    });
    expect(events.map((e) => e.id).sort()).toEqual(['change:c-both', 'change:c-gone', 'change:c-weekend']);
    expect(events.every((e) => e.tags!.includes('freeze-violation'))).toBe(true);
  });

  it('failedChanges asks for the results failed and rolled_back, with the kind when one is set', async () => {
    await annotations({ refId: 'A', annotationSource: 'failedChanges', kind: 'deploy' });
    expect(requests[0]).toEqual({
      path: '/api/v1/changes',
      params: { from: FROM_ISO, to: TO_ISO, result: 'failed,rolled_back', kind: 'deploy', limit: '1000', offset: '0' },
    });
  });
});

describe('freeze windows table', () => {
  // The panel plugin's timeline reads id, name, startsAt, endsAt and scopeBusinessLine/scopeTeam/scopeService.
  const FIELDS = [
    'startsAt',
    'id',
    'freeze',
    'name',
    'reason',
    'endsAt',
    'scopeBusinessLine',
    'scopeTeam',
    'scopeService',
    'schedule',
    'duration',
    'timezone',
  ];

  it('is a row per occurrence of the range (from the exporter), with its window’s schedule', async () => {
    const frame = await table({ refId: 'F', queryType: 'freezes', businessLine: 'payments' });
    expect(requests.map((r) => r.path).sort()).toEqual(['/api/v1/freeze-occurrences', '/api/v1/freezes']);
    expect(requests.find((r) => r.path === '/api/v1/freeze-occurrences')!.params).toEqual({
      from: FROM_ISO,
      to: TO_ISO,
      businessLine: 'payments',
    });
    expect(requests.find((r) => r.path === '/api/v1/freezes')!.params).toEqual({
      from: FROM_ISO,
      to: TO_ISO,
      businessLine: 'payments',
      limit: '1000',
      offset: '0',
    });
    expect(frame.name).toBe('freezes');
    expect(frame.fields.map((f) => f.name)).toEqual(FIELDS);
    expect(frame.length).toBe(5);
    expect(field(frame, 'startsAt').type).toBe(FieldType.time);
    expect(field(frame, 'endsAt').type).toBe(FieldType.time);
    // Not clipped: the occurrence as the exporter computed it.
    expect(field(frame, 'startsAt').values).toEqual(OCCURRENCES.map((o) => Date.parse(o.startsAt)));
    expect(field(frame, 'endsAt').values).toEqual(OCCURRENCES.map((o) => Date.parse(o.endsAt)));
    // Each occurrence its own id (the timeline keeps the first row of each id); the window's id in `freeze`.
    expect(new Set(field(frame, 'id').values).size).toBe(5);
    expect(field(frame, 'id').values[1]).toBe('frz-payments-weekend@2026-10-23T16:00:00.000Z');
    expect(field(frame, 'freeze').values).toEqual(OCCURRENCES.map((o) => o.freeze));
    expect(field(frame, 'schedule').values).toEqual(['0 18 * * 5', '0 18 * * 5', '0 18 * * 5', null, '0 18 * * 5']);
    expect(field(frame, 'timezone').values[0]).toBe('Europe/Berlin');
    expect(field(frame, 'duration').values).toEqual([3840 * 60, 3840 * 60, 3840 * 60, 86_400, 3840 * 60]);
    expect(field(frame, 'duration').config.unit).toBe('s');
    expect(field(frame, 'scopeBusinessLine').values).toEqual(['payments', 'payments', 'payments', null, 'payments']);
    expect(frame.meta?.notices).toBeUndefined();
  });

  it('says when the exporter cut the occurrences short, and follows the limit', async () => {
    occurrencesAnswer = { items: OCCURRENCES, truncated: true };
    const frame = await table({ refId: 'F', queryType: 'freezes', limit: 2 });
    expect(frame.length).toBe(2);
    expect(frame.meta?.notices?.map((n) => n.text)).toEqual([
      'Showing 2 of 5 freezes; raise the limit to see more.',
      'The exporter returned the first 5 freeze occurrences of this range only; narrow the range or the scope.',
    ]);
  });

  it('“Active now” keeps the occurrences open now', async () => {
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    occurrencesAnswer = {
      items: [
        occurrence(release, iso(now - 7_200_000), iso(now - 3_600_000)),
        occurrence(weekend, iso(now - 3_600_000), iso(now + 3_600_000)),
      ],
      truncated: false,
    };
    const frame = await table({ refId: 'F', queryType: 'freezes', filters: { active: 'true' } });
    expect(field(frame, 'freeze').values).toEqual(['frz-payments-weekend']);
    expect(requests.every((r) => !('active' in r.params))).toBe(true);
  });
});

describe('changes table', () => {
  it('has the exporter’s verdict as freezeViolation (boolean) and violatedFreezes', async () => {
    const frame = await table({ refId: 'C', queryType: 'changes' });
    expect(requests.map((r) => r.path)).toEqual(['/api/v1/changes']);
    expect(field(frame, 'freezeViolation').type).toBe(FieldType.boolean);
    expect(field(frame, 'freezeViolation').values).toEqual([true, true, false, true, false]);
    expect(field(frame, 'violatedFreezes').values).toEqual([
      'frz-payments-weekend',
      'frz-payments-weekend, frz-release',
      null,
      'frz-deleted-since',
      null,
    ]);
    // The fields consumers read keep their names.
    for (const name of [
      'startedAt',
      'id',
      'title',
      'system',
      'service',
      'team',
      'businessLine',
      'result',
      'exemption',
      'controlled',
    ]) {
      field(frame, name);
    }
  });

  it('an exporter that does not say gives no verdict (null), not “no violation”', async () => {
    requests = installFakeBackendSrv(({ params }) =>
      page([change('c1', '2026-10-24T10:00:00.000Z', undefined)], params)
    ).requests;
    const frame = await table({ refId: 'C', queryType: 'changes' });
    expect(field(frame, 'freezeViolation').values).toEqual([null]);
  });

  it('the violation filter is sent to the exporter (which filters and counts)', async () => {
    installTemplateSrv([{ name: 'violation', options: ['true', 'false'], current: 'true' }]);
    const frame = await table({
      refId: 'C',
      queryType: 'changes',
      filters: { violation: '$violation', controlled: 'true' },
    });
    expect(requests).toEqual([
      {
        path: '/api/v1/changes',
        params: { from: FROM_ISO, to: TO_ISO, controlled: 'true', violation: 'true', limit: '1000', offset: '0' },
      },
    ]);
    expect(field(frame, 'freezeViolation').values.every(Boolean)).toBe(true);
  });
});
