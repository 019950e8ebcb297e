import { FieldType, toDataFrame } from '@grafana/data';
// The data source's own table builder: the panel must read exactly what it produces.
import { recordsFrame } from '../../../datasource-plugin/src/frames.ts';
import { timelineFrames } from '../demo/demo';
import {
  Change,
  freezeCovers,
  FreezeWindow,
  Incident,
  laneOf,
  NO_SERVICE,
  NO_TEAM,
  parseTimeline,
  priorityColorName,
  suspectChanges,
} from './timeline';

const T0 = Date.UTC(2026, 5, 30, 12);
const MIN = 60e3;

const incident = (over: Partial<Incident> = {}): Incident => ({
  id: 'INC-1',
  title: 'Checkout 5xx',
  priority: 'P1',
  service: 'checkout-api',
  team: 'checkout',
  businessLine: 'payments',
  start: T0,
  end: T0 + 30 * MIN,
  ...over,
});
const change = (id: string, minutesBefore: number, over: Partial<Change> = {}): Change => ({
  id,
  title: `Deploy ${id}`,
  system: 'argo',
  service: 'checkout-api',
  team: 'checkout',
  businessLine: 'payments',
  time: T0 - minutesBefore * MIN,
  result: 'succeeded',
  exemption: null,
  freezeViolation: false,
  ...over,
});
const freeze = (over: Partial<FreezeWindow> = {}): FreezeWindow => ({
  id: 'f',
  name: 'Release freeze',
  start: T0,
  end: T0 + 60 * MIN,
  businessLine: null,
  team: null,
  service: null,
  ...over,
});

describe('parseTimeline: the demo tables', () => {
  const demo = timelineFrames(300, 8);
  const data = parseTimeline(demo.frames);

  it('reads incidents (open ones without an end), changes and freeze windows', () => {
    expect(data.incidents).toHaveLength(12);
    expect(data.changes).toHaveLength(300 - 12 - 2);
    expect(data.freezes).toHaveLength(2);
    const open = data.incidents.find((i) => i.id === 'INC-1001')!;
    expect(open.end).toBeNull();
    const closed = data.incidents.find((i) => i.id === 'INC-1000')!;
    expect(closed.end).toBeGreaterThan(closed.start);
    expect(closed).toMatchObject({ priority: 'P1', title: 'Checkout 5xx' });
    expect(data.freezes[0]).toMatchObject({ id: 'freeze-1', name: 'Release freeze', team: null, businessLine: null, service: null });
    expect(data.freezes[1].team).not.toBeNull();
    expect(data.freezes[1].end - data.freezes[1].start).toBe(14 * 3600e3);
  });

  it('shows the freeze violations the table says (the exporter\'s judgement): inside a covering window, not exempted', () => {
    const violations = data.changes.filter((c) => c.freezeViolation);
    expect(violations.length).toBeGreaterThan(0);
    const column = demo.frames.find((f) => f.name === 'changes')!.fields.find((f) => f.name === 'freezeViolation')!;
    expect(data.changes.map((c) => c.freezeViolation)).toEqual(column.values);
    for (const c of violations) {
      expect(c.exemption, c.id).toBeNull();
      expect(data.freezes.some((z) => z.start <= c.time && c.time < z.end && freezeCovers(z, c)), c.id).toBe(true);
    }
    expect(data.changes.some((c) => c.exemption !== null && data.freezes.some((z) => z.team === null && z.start <= c.time && c.time < z.end))).toBe(true);
  });
});

describe('parseTimeline: the data source’s tables (datasource-plugin recordsFrame)', () => {
  const frames = [
    recordsFrame('A', 'incidents', [
      { id: 'INC-7', title: 'Login latency', priority: 'P2', service: 'auth-api', team: 'auth', businessLine: 'identity', startedAt: '2026-06-30T10:00:00Z', recoveredAt: '2026-06-30T10:45:00Z' },
      { id: 'INC-8', title: 'Queue backlog', priority: 'P0', service: null, team: 'ingest', startedAt: '2026-06-30T11:00:00Z', recoveredAt: null },
    ], 2),
    recordsFrame('B', 'changes', [
      // The exporter's judgement (violatedFreezes) wins, even about windows the panel does not see.
      { id: 'CHG-1', title: null, kind: 'deploy', system: 'argo', service: 'auth-api', team: 'auth', businessLine: 'identity', startedAt: '2026-06-30T09:30:00Z', result: 'failed', exemption: null, violatedFreezes: ['fz-1'] },
      { id: 'CHG-4', title: 'Schema', system: 'argo', team: 'ingest', businessLine: 'data', startedAt: '2026-06-30T09:50:00Z', violatedFreezes: ['fz-elsewhere'] },
      // Without it the panel judges nothing: no violation is drawn.
      { id: 'CHG-2', title: 'Hotfix', system: 'jenkins', team: 'auth', businessLine: 'identity', startedAt: '2026-06-30T09:40:00Z', exemption: 'approved' },
      { id: 'CHG-3', title: 'Config', system: 'terraform', team: 'ingest', businessLine: 'data', startedAt: '2026-06-30T09:45:00Z' },
      { id: 'CHG-5', title: 'Flag', system: 'argo', team: 'auth', businessLine: 'identity', startedAt: '2026-06-30T11:59:00Z' },
    ], 5),
    // A row per occurrence (GET /api/v1/freeze-occurrences): recurring windows come expanded.
    recordsFrame('C', 'freezes', [
      { freeze: 'fz-1', name: 'Identity freeze', reason: 'audit', scope: { businessLine: 'identity' }, startsAt: '2026-06-30T09:00:00Z', endsAt: '2026-06-30T12:00:00Z' },
      { freeze: 'fz-2', name: 'Fridays', reason: 'weekend', scope: { team: 'auth' }, startsAt: '2026-06-26T18:00:00Z', endsAt: '2026-06-27T04:00:00Z', schedule: { cron: '0 18 * * 5', durationMinutes: 600, timezone: 'UTC' } },
    ], 2),
  ];
  const data = parseTimeline(frames);

  it('reads the columns the data source writes (startedAt/recoveredAt, scopeBusinessLine/scopeTeam/scopeService)', () => {
    expect(data.incidents).toEqual([
      { id: 'INC-7', title: 'Login latency', priority: 'P2', service: 'auth-api', team: 'auth', businessLine: 'identity', start: Date.parse('2026-06-30T10:00:00Z'), end: Date.parse('2026-06-30T10:45:00Z') },
      { id: 'INC-8', title: 'Queue backlog', priority: 'P0', service: null, team: 'ingest', businessLine: null, start: Date.parse('2026-06-30T11:00:00Z'), end: null },
    ]);
    expect(data.freezes).toEqual([
      { id: 'fz-1@2026-06-30T09:00:00Z', name: 'Identity freeze', start: Date.parse('2026-06-30T09:00:00Z'), end: Date.parse('2026-06-30T12:00:00Z'), businessLine: 'identity', team: null, service: null },
      { id: 'fz-2@2026-06-26T18:00:00Z', name: 'Fridays', start: Date.parse('2026-06-26T18:00:00Z'), end: Date.parse('2026-06-27T04:00:00Z'), businessLine: null, team: 'auth', service: null },
    ]);
    expect(data.changes.map((c) => [c.id, c.title, c.system, c.result, c.freezeViolation])).toEqual([
      ['CHG-1', 'deploy CHG-1', 'argo', 'failed', true],
      ['CHG-4', 'Schema', 'argo', null, true], // the exporter says so
      ['CHG-2', 'Hotfix', 'jenkins', null, false], // exempted
      ['CHG-3', 'Config', 'terraform', null, false], // another business line
      ['CHG-5', 'Flag', 'argo', null, false], // inside the identity freeze, but the table does not say
    ]);
  });

  it('recognises the tables by their fields when the frames have other names, and reads each id once', () => {
    const renamed = frames.map((f) => ({ ...f, name: `query ${f.refId}` }));
    const again = parseTimeline([...renamed, ...renamed]);
    expect([again.incidents.length, again.changes.length, again.freezes.length]).toEqual([2, 5, 2]);
    expect(parseTimeline([toDataFrame({ name: 'up', fields: [{ name: 'Value', type: FieldType.number, values: [1] }] })])).toEqual({
      incidents: [],
      changes: [],
      freezes: [],
    });
  });

  it('uses a freezeViolation column when the table has one', () => {
    const table = toDataFrame({
      name: 'changes',
      fields: [
        { name: 'id', type: FieldType.string, values: ['a', 'b'] },
        { name: 'startedAt', type: FieldType.time, values: [Date.parse('2026-06-30T09:30:00Z'), Date.parse('2026-06-30T13:00:00Z')] },
        { name: 'businessLine', type: FieldType.string, values: ['identity', 'identity'] },
        { name: 'freeze_violation', type: FieldType.boolean, values: [false, true] },
      ],
    });
    expect(parseTimeline([table, frames[2]]).changes.map((c) => c.freezeViolation)).toEqual([false, true]);
  });
});

describe('suspectChanges', () => {
  const WINDOW = 120 * MIN;

  it('takes changes at most the window before the start, the window’s edge and the start itself included', () => {
    const changes = [
      change('edge', 120),
      change('too-early', 120 + 1 / 60e3), // 1 ms too early
      change('at-start', 0),
      change('after', -1 / 60e3), // 1 ms after the start
      change('inside', 30),
    ];
    const found = suspectChanges([incident()], changes, WINDOW).get('INC-1')!;
    expect(found.map((c) => c.id)).toEqual(['at-start', 'inside', 'edge']); // newest first
  });

  it('matches on the same service or the same team, each change once', () => {
    const changes = [
      change('same-both', 10),
      change('same-team-other-service', 20, { service: 'checkout-worker' }),
      change('same-service-other-team', 30, { team: 'platform' }),
      change('other', 40, { service: 'auth-api', team: 'auth' }),
      change('no-owner', 50, { service: null, team: null }),
    ];
    expect(suspectChanges([incident()], changes, WINDOW).get('INC-1')!.map((c) => c.id)).toEqual([
      'same-both',
      'same-team-other-service',
      'same-service-other-team',
    ]);
    // An incident without a service matches on its team only.
    expect(suspectChanges([incident({ service: null })], changes, WINDOW).get('INC-1')!.map((c) => c.id)).toEqual(['same-both', 'same-team-other-service']);
  });

  it('a window of 0 finds none; incidents without suspects are not in the map', () => {
    expect(suspectChanges([incident()], [change('at-start', 0)], 0).size).toBe(0);
    const map = suspectChanges([incident(), incident({ id: 'INC-2', start: T0 + 86400e3 })], [change('a', 5)], WINDOW);
    expect([...map.keys()]).toEqual(['INC-1']);
  });

  it('a larger window finds a superset', () => {
    const demo = parseTimeline(timelineFrames(300, 8).frames);
    const count = (minutes: number) => [...suspectChanges(demo.incidents, demo.changes, minutes * MIN).values()].reduce((n, l) => n + l.length, 0);
    expect(count(10)).toBeLessThan(count(120));
    expect(count(120)).toBeLessThanOrEqual(count(240));
  });
});

describe('freeze coverage', () => {
  const owner = { businessLine: 'payments', team: 'checkout', service: 'checkout-api' };

  it('an org-wide window covers everything; a scoped one only what each of its fields names', () => {
    expect(freezeCovers(freeze(), owner)).toBe(true);
    expect(freezeCovers(freeze(), {})).toBe(true);
    expect(freezeCovers(freeze({ businessLine: 'payments' }), owner)).toBe(true);
    expect(freezeCovers(freeze({ businessLine: 'retail' }), owner)).toBe(false);
    expect(freezeCovers(freeze({ team: 'checkout' }), owner)).toBe(true);
    expect(freezeCovers(freeze({ team: 'checkout' }), { ...owner, team: 'ledger' })).toBe(false);
    expect(freezeCovers(freeze({ service: 'checkout-api' }), owner)).toBe(true);
    expect(freezeCovers(freeze({ service: 'checkout-api' }), { ...owner, service: null })).toBe(false);
    expect(freezeCovers(freeze({ businessLine: 'payments', team: 'ledger' }), owner)).toBe(false);
  });

});

describe('lanes and colours', () => {
  it('a lane per team or per service, with a lane for items without one', () => {
    const item = { team: 'checkout', service: 'checkout-api' };
    expect(laneOf(item, 'team')).toBe('checkout');
    expect(laneOf(item, 'service')).toBe('checkout-api');
    expect(laneOf({ team: null, service: null }, 'team')).toBe(NO_TEAM);
    expect(laneOf({ team: 'checkout', service: null }, 'service')).toBe(NO_SERVICE);
    const demo = parseTimeline(timelineFrames(300, 8).frames);
    expect(new Set(demo.changes.map((c) => laneOf(c, 'team'))).size).toBe(8);
    expect(new Set(demo.changes.map((c) => laneOf(c, 'service'))).size).toBe(24);
  });

  it('priority colours: P0–P1 red, P2 orange, P3 yellow, others blue', () => {
    expect(['P0', 'P1', 'p1', 'SEV1', 'P2', 'P3', 'P4', 'high', ''].map(priorityColorName)).toEqual([
      'red',
      'red',
      'red',
      'red',
      'orange',
      'yellow',
      'blue',
      'blue',
      'blue',
    ]);
  });
});
