/** Template-variable support: business lines, teams, services, KPIs and change systems. */
import { CustomVariableSupport, DataQueryRequest, DataQueryResponse, MetricFindValue } from '@grafana/data';
import { from, map, Observable } from 'rxjs';
import { VariableQueryEditor } from './components/VariableQueryEditor';
import type { DataSource } from './datasource';
import { BallastVariableQuery, VariableQueryType } from './types';

const TYPES: VariableQueryType[] = ['businessLines', 'teams', 'services', 'kpis', 'changeSystems'];

/** `teams`, `teams(payments)`, `services($team)`, ... as a variable query (for provisioning and old dashboards). */
export function parseVariableQuery(text: string): BallastVariableQuery {
  const m = /^\s*(\w+)\s*(?:\(\s*([^)]*?)\s*\))?\s*$/.exec(text ?? '');
  const type = TYPES.find((t) => t.toLowerCase() === m?.[1]?.toLowerCase()) ?? 'teams';
  const arg = m?.[2] || undefined;
  return {
    refId: 'variable',
    variableType: type,
    ...(type === 'teams' && arg ? { businessLine: arg } : {}),
    ...(type === 'services' && arg ? { team: arg } : {}),
  };
}

export class BallastVariableSupport extends CustomVariableSupport<DataSource, BallastVariableQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: DataSource) {
    super();
  }

  query(request: DataQueryRequest<BallastVariableQuery>): Observable<DataQueryResponse> {
    const target = request.targets[0] ?? { refId: 'variable', variableType: 'teams' };
    return from(this.datasource.metricFindQuery(target, { scopedVars: request.scopedVars })).pipe(
      map((values: MetricFindValue[]) => ({ data: values }))
    );
  }
}
