/** Template-variable values: business lines, teams, services, KPIs and change systems. */
import { CustomVariableSupport, DataQueryRequest, DataQueryResponse, MetricFindValue, ScopedVars } from '@grafana/data';
import { from, map, Observable } from 'rxjs';
import { VariableQueryEditor } from './components/VariableQueryEditor';
import type { DataSource } from './datasource';
import type { QueryContext } from './queries/context';
import { interpolateList } from './template';
import { BallastVariableQuery, Org, VariableQueryType } from './types';

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

/** The values of a variable query; `teams` and `services` narrowed by their (interpolated) parent. */
export async function variableValues(
  ctx: QueryContext & { getOrg(): Promise<Org> },
  query: BallastVariableQuery | string,
  scopedVars?: ScopedVars
): Promise<MetricFindValue[]> {
  const q = typeof query === 'string' ? parseVariableQuery(query) : query;
  if (q.variableType === 'kpis') {
    return (await ctx.kpiDefinitions()).map((d) => ({ text: d.title, value: d.key }));
  }
  const org = await ctx.getOrg();
  switch (q.variableType) {
    case 'businessLines':
      return org.businessLines.map((b) => ({ text: b.name, value: b.id }));
    case 'teams': {
      const lines = interpolateList(q.businessLine, scopedVars);
      return org.teams
        .filter((t) => lines.length === 0 || lines.includes(t.businessLine))
        .map((t) => ({ text: t.name, value: t.id }));
    }
    case 'services': {
      const teams = interpolateList(q.team, scopedVars);
      return org.services
        .filter((s) => teams.length === 0 || teams.includes(s.team))
        .map((s) => ({ text: s.name, value: s.id }));
    }
    case 'changeSystems':
      return org.changeSystems.map((c) => ({ text: c.name, value: c.id }));
    default:
      return [];
  }
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
