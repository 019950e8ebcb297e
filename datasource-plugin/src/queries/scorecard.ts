/** The scorecard query: one table, a row per scope, filtered by level, business line and team. */
import type { DataFrame } from '@grafana/data';
import { scorecardFrame } from '../frames';
import type { BallastQuery, ScorecardResponse } from '../types';
import { listOf, QueryContext } from './context';

export async function runScorecard(ctx: QueryContext, q: BallastQuery): Promise<DataFrame[]> {
  const card = await ctx.client.get<ScorecardResponse>('/api/v1/scorecard', { window: q.window ?? 'ytd' });
  const lines = listOf(q.businessLine);
  const teams = listOf(q.team);
  const scopes = card.scopes.filter((s) => {
    if (q.level && s.level !== q.level) {
      return false;
    }
    if (teams.length) {
      return s.level === 'team' && s.id !== null && teams.includes(s.id);
    }
    if (lines.length) {
      const line = s.level === 'business_line' ? s.id : s.businessLine;
      return !!line && lines.includes(line);
    }
    return true;
  });
  return [scorecardFrame(q.refId, card, scopes)];
}
