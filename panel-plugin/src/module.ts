import { PanelPlugin } from '@grafana/data';
import { BallastPanel } from './components/BallastPanel';
import { KpiOrderEditor } from './components/KpiOrderEditor';
import { DEFAULT_KPIS } from './kpis';
import { DEFAULT_OPTIONS, ScorecardOptions } from './types';

const isScorecard = (o: ScorecardOptions) => o.view !== 'timeline';
const isTimeline = (o: ScorecardOptions) => o.view === 'timeline';

export const plugin = new PanelPlugin<ScorecardOptions>(BallastPanel).setPanelOptions((builder) =>
  builder
    .addRadio({
      path: 'view',
      name: 'View',
      defaultValue: DEFAULT_OPTIONS.view,
      settings: {
        options: [
          {
            value: 'scorecard',
            label: 'Scorecard',
            description: 'KPIs per org, business line and team against their targets',
          },
          {
            value: 'timeline',
            label: 'Timeline',
            description: 'Incidents, changes and freeze windows per team or service',
          },
        ],
      },
    })
    .addCustomEditor({
      id: 'kpis',
      path: 'kpis',
      name: 'KPIs',
      description: 'The KPI columns and their order. None ticked: every KPI in the data.',
      category: ['Scorecard'],
      defaultValue: [...DEFAULT_KPIS],
      editor: KpiOrderEditor,
      showIf: isScorecard,
    })
    .addBooleanSwitch({
      path: 'showScore',
      name: 'Show score',
      description: 'The weighted overall score of each scope (Ballast data source).',
      category: ['Scorecard'],
      defaultValue: DEFAULT_OPTIONS.showScore,
      showIf: isScorecard,
    })
    .addBooleanSwitch({
      path: 'showTargets',
      name: 'Show targets',
      category: ['Scorecard'],
      defaultValue: DEFAULT_OPTIONS.showTargets,
      showIf: isScorecard,
    })
    .addBooleanSwitch({
      path: 'collapsed',
      name: 'Collapse business lines',
      description: 'Start with the teams hidden.',
      category: ['Scorecard'],
      defaultValue: DEFAULT_OPTIONS.collapsed,
      showIf: isScorecard,
    })
    .addTextInput({
      path: 'scopeLink',
      name: 'Scope link',
      description:
        'URL opened from a scope name. Placeholders: ${level} ${scope} ${team} ${businessLine} ${window}; dashboard variables work too.',
      category: ['Scorecard'],
      defaultValue: DEFAULT_OPTIONS.scopeLink,
      settings: { placeholder: '/d/ballast-team?var-team=${team}&var-businessLine=${businessLine}' },
      showIf: isScorecard,
    })
    .addTextInput({
      path: 'cellLink',
      name: 'Cell link',
      description: 'URL opened from a KPI cell: the scope placeholders and ${kpi}.',
      category: ['Scorecard'],
      defaultValue: DEFAULT_OPTIONS.cellLink,
      settings: { placeholder: '/a/ballast-stability-app/governance?kpi=${kpi}&team=${team}' },
      showIf: isScorecard,
    })
    .addSelect({
      path: 'window',
      name: 'Window (Prometheus)',
      description: 'Which window label of the stability_* series to show; Ballast frames carry their own.',
      category: ['Scorecard'],
      defaultValue: DEFAULT_OPTIONS.window,
      settings: { options: ['7d', '30d', '90d', 'ytd'].map((w) => ({ value: w, label: w })) },
      showIf: isScorecard,
    })
    .addTextInput({
      path: 'previousRefId',
      name: 'Previous window query (Prometheus)',
      description:
        'refId of the query giving the previous window, e.g. stability_mttr_seconds offset 30d: the trend arrows.',
      category: ['Scorecard'],
      defaultValue: DEFAULT_OPTIONS.previousRefId,
      showIf: isScorecard,
    })
    .addRadio({
      path: 'laneBy',
      name: 'Lanes',
      category: ['Timeline'],
      defaultValue: DEFAULT_OPTIONS.laneBy,
      settings: {
        options: [
          { value: 'team', label: 'Team' },
          { value: 'service', label: 'Service' },
        ],
      },
      showIf: isTimeline,
    })
    .addNumberInput({
      path: 'suspectMinutes',
      name: 'Suspect changes window (minutes)',
      description:
        'Changes on the same service or team that started at most this long before an incident are suspects.',
      category: ['Timeline'],
      defaultValue: DEFAULT_OPTIONS.suspectMinutes,
      settings: { min: 0, integer: true },
      showIf: isTimeline,
    })
    .addBooleanSwitch({
      path: 'showChanges',
      name: 'Show changes',
      category: ['Timeline'],
      defaultValue: DEFAULT_OPTIONS.showChanges,
      showIf: isTimeline,
    })
    .addBooleanSwitch({
      path: 'showFreezes',
      name: 'Show freeze windows',
      category: ['Timeline'],
      defaultValue: DEFAULT_OPTIONS.showFreezes,
      showIf: isTimeline,
    })
);
