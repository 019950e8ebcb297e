/**
 * Page state kept in the URL (filters, time range, tabs), so a page can be shared and reloaded as
 * it was. Reads and writes go through Grafana's locationService.
 */
import { useEffect, useState } from 'react';
import { dateMath, dateTime, TimeRange, UrlQueryMap } from '@grafana/data';
import { locationService } from '@grafana/runtime';

export const DEFAULT_FROM = 'now-30d';
export const DEFAULT_TO = 'now';

function readQuery(): Record<string, string> {
  const out: Record<string, string> = {};
  const search = locationService.getSearchObject() as UrlQueryMap;
  for (const [k, v] of Object.entries(search)) {
    if (v !== undefined && v !== null) {
      out[k] = String(Array.isArray(v) ? v[0] : v);
    }
  }
  return out;
}

/** The current URL pathname and query, re-rendered on every navigation. */
export function useLocationState(): { pathname: string; query: Record<string, string> } {
  const read = () => ({ pathname: locationService.getLocation().pathname, query: readQuery() });
  const [state, setState] = useState(read);
  useEffect(() => {
    // A navigation between the first render and subscribing would otherwise be missed.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setState(read());
    const unlisten = locationService.getHistory().listen(() => setState(read()));
    return () => unlisten();
  }, []);
  return state;
}

/** Sets (or, with '' / undefined, removes) URL query parameters, replacing the history entry. */
export function setQuery(values: Record<string, string | undefined>, replace = true) {
  const update: UrlQueryMap = {};
  for (const [k, v] of Object.entries(values)) {
    update[k] = v === undefined || v === '' ? null : v;
  }
  locationService.partial(update, replace);
}

export interface Filters {
  businessLine?: string;
  team?: string;
  service?: string;
  from: string;
  to: string;
}

export function filtersFrom(query: Record<string, string>): Filters {
  return {
    businessLine: query.businessLine || undefined,
    team: query.team || undefined,
    service: query.service || undefined,
    from: query.from || DEFAULT_FROM,
    to: query.to || DEFAULT_TO,
  };
}

/** The filters' time range as a Grafana TimeRange (relative texts like now-30d resolved now). */
export function timeRangeOf(f: Filters): TimeRange {
  const from = dateMath.parse(f.from, false) ?? dateTime().subtract(30, 'd');
  const to = dateMath.parse(f.to, true) ?? dateTime();
  return { from, to, raw: { from: f.from, to: f.to } };
}

/** Scope and time parameters of the list API for these filters. */
export function listParams(f: Filters, timed = true) {
  const range = timeRangeOf(f);
  return {
    businessLine: f.businessLine,
    team: f.team,
    service: f.service,
    ...(timed ? { from: range.from.toISOString(), to: range.to.toISOString() } : {}),
  };
}

/** The KPI window closest to the filters' time range (the KPI API takes fixed windows). */
export function kpiWindowOf(f: Filters): '7d' | '30d' | '90d' | 'ytd' {
  const range = timeRangeOf(f);
  const days = (range.to.valueOf() - range.from.valueOf()) / 86_400_000;
  return days <= 10 ? '7d' : days <= 45 ? '30d' : days <= 120 ? '90d' : 'ytd';
}

/** The URL query of the shared filters, to carry them over in links between pages. */
export function filterQuery(f: Filters, extra: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  const all: Record<string, string | undefined> = {
    businessLine: f.businessLine,
    team: f.team,
    service: f.service,
    from: f.from === DEFAULT_FROM ? undefined : f.from,
    to: f.to === DEFAULT_TO ? undefined : f.to,
    ...extra,
  };
  for (const [k, v] of Object.entries(all)) {
    if (v) {
      q.set(k, v);
    }
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** A stable dependency key for the filters (raw URL texts, not resolved times, so `now` does not refetch on every render). */
export function filtersKey(f: Filters): string {
  return [f.businessLine, f.team, f.service, f.from, f.to].join('|');
}
