/** A DataSource instance as Grafana would create it for tests, and a query request for a time range. */
import { CoreApp, DataQueryRequest, DataSourceInstanceSettings, dateTime, TimeRange } from '@grafana/data';
import { DataSource } from '../datasource';
import { BallastOptions, BallastQuery } from '../types';
import { PROXY_URL } from './backendSrv';

export function makeDataSource(jsonData: BallastOptions = { url: 'http://ballast-exporter:9464' }): DataSource {
  const settings = {
    id: 1,
    uid: 'ballast-test',
    type: 'ballast-stability-datasource',
    name: 'Ballast',
    url: PROXY_URL,
    access: 'proxy',
    jsonData,
    readOnly: false,
    meta: { id: 'ballast-stability-datasource' },
  } as unknown as DataSourceInstanceSettings<BallastOptions>;
  return new DataSource(settings);
}

export function rangeOf(fromMs: number, toMs: number): TimeRange {
  const from = dateTime(fromMs);
  const to = dateTime(toMs);
  return { from, to, raw: { from, to } };
}

export function request(
  targets: BallastQuery[],
  range: TimeRange,
  extra: Partial<DataQueryRequest<BallastQuery>> = {}
): DataQueryRequest<BallastQuery> {
  return {
    app: CoreApp.Dashboard,
    requestId: 'test',
    interval: '1h',
    intervalMs: 3_600_000,
    maxDataPoints: 500,
    range,
    scopedVars: {},
    targets,
    timezone: 'utc',
    startTime: Date.now(),
    ...extra,
  } as DataQueryRequest<BallastQuery>;
}
