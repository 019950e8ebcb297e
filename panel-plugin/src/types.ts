/** Options of the Ballast scorecard panel (module.ts builds the editor for them). */
export type PanelView = 'scorecard' | 'timeline';
export type LaneBy = 'team' | 'service';

export interface ScorecardOptions {
  /** Which view the panel shows. */
  view: PanelView;

  /** Scorecard: the KPI columns, in order (keys). Empty: every KPI the data has. */
  kpis: string[];
  /** Scorecard, Prometheus frames: the `window` label to show (7d, 30d, 90d, ytd). */
  window: string;
  /** Scorecard, Prometheus frames: refId of the query that gives the previous window (trend). */
  previousRefId: string;
  /** Scorecard: show the overall score column. */
  showScore: boolean;
  /** Scorecard: show the target under each value. */
  showTargets: boolean;
  /** Scorecard: business lines start collapsed (only org and business lines visible). */
  collapsed: boolean;
  /** Scorecard: URL a scope's name links to; ${level} ${scope} ${team} ${businessLine} ${window}, dashboard variables too. */
  scopeLink: string;
  /** Scorecard: URL a cell links to; as scopeLink plus ${kpi}. */
  cellLink: string;

  /** Timeline: one lane per team or per service. */
  laneBy: LaneBy;
  /** Timeline: changes that started at most this many minutes before an incident are suspects. */
  suspectMinutes: number;
  /** Timeline: show changes (ticks). */
  showChanges: boolean;
  /** Timeline: show freeze windows (bands). */
  showFreezes: boolean;
}

export const DEFAULT_OPTIONS: ScorecardOptions = {
  view: 'scorecard',
  kpis: [],
  window: 'ytd',
  previousRefId: 'previous',
  showScore: true,
  showTargets: true,
  collapsed: false,
  scopeLink: '',
  cellLink: '',
  laneBy: 'team',
  suspectMinutes: 120,
  showChanges: true,
  showFreezes: true,
};
