/**
 * Freeze windows with a history of versions (src/domain/freezes.ts): the version in force at a
 * moment, the order versions take effect in, each version's occurrences cut to the span it was in
 * force, and which changes violated which window judged on the version in force when they started.
 * Pure; instants written out by hand (UTC).
 */
import { describe, expect, it } from 'vitest';
import {
  inEffectOrder,
  occurrencesInForce,
  versionInForce,
  violatedFreezeHistories,
  type FreezeHistory,
  type FreezeVersion,
  type FreezeWindowSpec,
} from '../src/domain/freezes.js';

const at = (iso: string) => Date.parse(iso);

// 09:00 UTC every day, one hour.
const daily = (over: Partial<FreezeWindowSpec> = {}): FreezeWindowSpec => ({
  id: 'w',
  name: 'Daily',
  reason: 'batch',
  scope: {},
  schedule: { cron: '0 9 * * *', durationMinutes: 60, timezone: 'UTC' },
  ...over,
});
const fixed = (startsAt: string, endsAt: string, over: Partial<FreezeWindowSpec> = {}): FreezeWindowSpec => ({
  id: 'w',
  name: 'Fixed',
  reason: 'release',
  scope: {},
  startsAt: at(startsAt),
  endsAt: at(endsAt),
  ...over,
});
const version = (n: number, effectiveAt: string, spec: FreezeWindowSpec, ended = false): FreezeVersion => ({
  version: n,
  effectiveAt: at(effectiveAt),
  ended,
  spec,
});

/** Daily from 03-01 09:30 (mid-occurrence), a fixed window from 03-03, ended 03-04 13:00. */
function history(): FreezeHistory {
  return {
    id: 'h',
    versions: [
      version(1, '2026-03-01T09:30:00Z', daily()),
      version(
        2,
        '2026-03-03T00:00:00Z',
        fixed('2026-03-03T12:00:00Z', '2026-03-04T14:00:00Z', { scope: { team: 'checkout' } })
      ),
      version(3, '2026-03-04T13:00:00Z', daily(), true),
    ],
  };
}

describe('versionInForce and inEffectOrder', () => {
  it('is the last version announced at or before the moment, none once ended', () => {
    const h = history();
    const moments = ['2026-03-01T09:29:59Z', '2026-03-01T09:30:00Z', '2026-03-02T23:59:59Z', '2026-03-03T00:00:00Z'];
    expect(moments.map((m) => versionInForce(h, at(m))?.version ?? null)).toEqual([null, 1, 1, 2]);
    expect(versionInForce(h, at('2026-03-04T13:00:00Z'))).toBeNull();
    expect(versionInForce(h, at('2027-01-01T00:00:00Z'))).toBeNull();
    expect(versionInForce({ id: 'e', versions: [] }, 0)).toBeNull();
  });

  it('orders by announcement, then by version number, without touching the list given', () => {
    const given = [
      version(2, '2026-03-02T00:00:00Z', daily()),
      version(1, '2026-03-02T00:00:00Z', daily()),
      version(3, '2026-03-01T00:00:00Z', daily()),
      version(4, '2026-03-03T00:00:00Z', daily()),
    ];
    expect(inEffectOrder(given).map((v) => v.version)).toEqual([3, 1, 2, 4]);
    expect(given.map((v) => v.version)).toEqual([2, 1, 3, 4]);
  });
});

describe('occurrencesInForce', () => {
  it("gives each version's occurrences cut to the span it was in force, with its scope, none once ended", () => {
    expect(occurrencesInForce(history(), at('2026-03-01T00:00:00Z'), at('2026-03-06T00:00:00Z'))).toEqual([
      {
        id: 'h',
        name: 'Daily',
        reason: 'batch',
        startsAt: at('2026-03-01T09:30:00Z'),
        endsAt: at('2026-03-01T10:00:00Z'),
        scope: {},
      },
      {
        id: 'h',
        name: 'Daily',
        reason: 'batch',
        startsAt: at('2026-03-02T09:00:00Z'),
        endsAt: at('2026-03-02T10:00:00Z'),
        scope: {},
      },
      {
        id: 'h',
        name: 'Fixed',
        reason: 'release',
        startsAt: at('2026-03-03T12:00:00Z'),
        endsAt: at('2026-03-04T13:00:00Z'),
        scope: { team: 'checkout' },
      },
    ]);
  });

  it('keeps whole the occurrences the range only overlaps, and leaves out versions outside it', () => {
    const inRange = occurrencesInForce(history(), at('2026-03-02T09:30:00Z'), at('2026-03-03T12:30:00Z'));
    expect(inRange.map((o) => [o.name, o.startsAt, o.endsAt])).toEqual([
      ['Daily', at('2026-03-02T09:00:00Z'), at('2026-03-02T10:00:00Z')],
      ['Fixed', at('2026-03-03T12:00:00Z'), at('2026-03-04T13:00:00Z')],
    ]);
    // From the moment version 1 was replaced: only version 2.
    expect(
      occurrencesInForce(history(), at('2026-03-03T00:00:00Z'), at('2026-03-05T00:00:00Z')).map((o) => o.name)
    ).toEqual(['Fixed']);
    // Up to the moment version 2 was announced: only version 1.
    expect(
      occurrencesInForce(history(), at('2026-03-02T00:00:00Z'), at('2026-03-03T00:00:00Z')).map((o) => o.startsAt)
    ).toEqual([at('2026-03-02T09:00:00Z')]);
    // Before anything was announced, or after the window ended: nothing.
    expect(occurrencesInForce(history(), at('2026-02-01T00:00:00Z'), at('2026-03-01T09:30:00Z'))).toEqual([]);
    expect(occurrencesInForce(history(), at('2026-03-05T00:00:00Z'), at('2026-03-09T00:00:00Z'))).toEqual([]);
  });

  it('gives nothing for a version replaced the moment it was announced, and at most `limit` per version', () => {
    const h: FreezeHistory = {
      id: 'h',
      versions: [
        version(1, '2026-03-01T00:00:00Z', fixed('2026-03-01T00:00:00Z', '2026-03-09T00:00:00Z', { name: 'Gone' })),
        version(2, '2026-03-01T00:00:00Z', daily()),
      ],
    };
    const all = occurrencesInForce(h, at('2026-03-01T00:00:00Z'), at('2026-03-04T00:00:00Z'));
    expect(all.map((o) => [o.name, o.startsAt])).toEqual([
      ['Daily', at('2026-03-01T09:00:00Z')],
      ['Daily', at('2026-03-02T09:00:00Z')],
      ['Daily', at('2026-03-03T09:00:00Z')],
    ]);
    expect(occurrencesInForce(h, at('2026-03-01T00:00:00Z'), at('2026-03-04T00:00:00Z'), 2)).toHaveLength(2);
  });
});

describe('violatedFreezeHistories', () => {
  it('judges each change on the version in force when it started, windows by id', () => {
    const a: FreezeHistory = {
      id: 'a',
      versions: [
        version(1, '2026-03-01T00:00:00Z', daily({ scope: { team: 'checkout' } })),
        version(2, '2026-03-02T11:00:00Z', daily({ scope: { team: 'checkout' } }), true),
      ],
    };
    const b: FreezeHistory = {
      id: 'b',
      versions: [version(1, '2026-03-01T00:00:00Z', fixed('2026-03-02T10:00:00Z', '2026-03-02T12:00:00Z'))],
    };
    // Written at 10:00 about a window from 09:00: the changes before 10:00 are left alone.
    const c: FreezeHistory = {
      id: 'c',
      versions: [version(1, '2026-03-02T10:00:00Z', fixed('2026-03-02T09:00:00Z', '2026-03-02T12:00:00Z'))],
    };
    const change = (iso: string, team = 'checkout', exemption: string | null = null) => ({
      startedAt: at(iso),
      team,
      exemption,
    });
    const changes = [
      change('2026-03-02T09:30:00Z'),
      change('2026-03-02T10:30:00Z'),
      change('2026-03-02T11:30:00Z'),
      change('2026-03-03T09:30:00Z'),
      change('2026-03-02T09:30:00Z', 'ledger'),
      change('2026-03-02T10:30:00Z', 'checkout', 'hotfix'),
      change('2026-02-28T10:30:00Z'),
    ];
    expect(violatedFreezeHistories([c, b, a], changes)).toEqual([['a'], ['b', 'c'], ['b', 'c'], [], [], [], []]);
    expect(violatedFreezeHistories([a, b], [])).toEqual([]);
    expect(violatedFreezeHistories([], changes.slice(0, 2))).toEqual([[], []]);
  });
});
