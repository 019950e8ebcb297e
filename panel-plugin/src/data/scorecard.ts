/**
 * Reads the scorecard from the panel's frames: the Ballast data source's Scorecard frame when
 * there is one, else Prometheus series of the stability_* gauges; `source: 'none'` otherwise.
 */
import { DataFrame } from '@grafana/data';
import { isBallastScorecard, readBallastScorecard } from './ballastScorecard';
import { PrometheusOptions, readPrometheusScorecard } from './prometheusScorecard';
import { ScorecardModel } from './scorecardModel';

export type { Cell, Level, ScopeRow, ScorecardModel, ScorecardSource } from './scorecardModel';

export type ScorecardParseOptions = PrometheusOptions;

const NOTHING: ScorecardModel = { source: 'none', window: null, kpis: [], scopes: [], notes: [] };

export function parseScorecard(frames: DataFrame[], options: ScorecardParseOptions): ScorecardModel {
  // Ballast frames carry names, owners, statuses and scores: they win over Prometheus series
  // that the same panel may also query.
  const ballast = frames.filter(isBallastScorecard);
  if (ballast.length > 0) {
    return { source: 'ballast', ...readBallastScorecard(ballast) };
  }
  const prometheus = readPrometheusScorecard(frames, options);
  return prometheus ? { source: 'prometheus', ...prometheus } : NOTHING;
}
