import React, { useState } from 'react';
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AnnotationEditor } from './AnnotationEditor';
import { QueryEditor } from './QueryEditor';
import { VariableQueryEditor } from './VariableQueryEditor';
import type { AnnotationQuery } from '@grafana/data';
import type { DataSource } from '../datasource';
import { ANNOTATION_LAYERS } from '../annotationLayers';
import { installTemplateSrv } from '../dashboards/templateSrv';
import { BallastQuery, BallastVariableQuery, KpiDefinition, Org } from '../types';

const ORG: Org = {
  businessLines: [{ id: 'payments', name: 'Payments', owner: 'A' }],
  teams: [
    { id: 'payments-checkout', name: 'Payments Checkout', businessLine: 'payments', manager: 'B' },
    { id: 'payments-ledger', name: 'Payments Ledger', businessLine: 'payments', manager: 'C' },
  ],
  services: [{ id: 'checkout-api', name: 'Checkout API', team: 'payments-checkout', owner: 'D' }],
  changeSystems: [{ id: 'argo-cd', name: 'Argo CD', integrated: true }],
};
const DEFS: KpiDefinition[] = [
  { key: 'mttr_seconds', title: 'MTTR', unit: 'seconds', direction: 'lower', description: 'Mean time to recover' },
  {
    key: 'detection_ratio',
    title: 'Detected by us',
    unit: 'ratio',
    direction: 'higher',
    description: 'Share detected',
  },
];

/** The editors only use getOrg and kpiDefinitions from the data source. */
const datasource = {
  getOrg: () => Promise.resolve(ORG),
  kpiDefinitions: () => Promise.resolve(DEFS),
} as unknown as DataSource;

function Harness({ initial, changes, onRun }: { initial: BallastQuery; changes: BallastQuery[]; onRun: () => void }) {
  const [query, setQuery] = useState(initial);
  return (
    <QueryEditor
      datasource={datasource}
      query={query}
      onChange={(q) => {
        changes.push(q);
        setQuery(q);
      }}
      onRunQuery={onRun}
    />
  );
}

async function choose(label: string, option: string | RegExp) {
  await userEvent.click(screen.getByLabelText(label));
  const menu = await screen.findByLabelText('Select options menu');
  await userEvent.click(within(menu).getByText(option));
}

async function renderEditor(initial: BallastQuery) {
  const changes: BallastQuery[] = [];
  const runs = { count: 0 };
  await act(async () => {
    render(<Harness initial={initial} changes={changes} onRun={() => runs.count++} />);
  });
  return { changes, runs };
}

beforeEach(() => {
  installTemplateSrv([
    { name: 'team', options: ['payments-checkout', 'payments-ledger'], current: '$__all' },
    { name: 'businessLine', options: ['payments'], current: 'payments' },
    { name: 'window', options: ['7d', '30d', '90d', 'ytd'], current: '30d' },
  ]);
});

describe('QueryEditor', () => {
  it('shows the KPI fields for a KPI query: KPI (from the definitions), format, window, level', async () => {
    await renderEditor({ refId: 'A', queryType: 'kpi', kpi: 'mttr_seconds', format: 'value', window: '30d' });
    expect(screen.getByText('MTTR')).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'Time series' })).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'ytd' })).toBeInTheDocument();
    expect(screen.getByLabelText('Level')).toBeInTheDocument();
    expect(screen.queryByLabelText('Service')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Step')).not.toBeInTheDocument();
  });

  it('switching to time series shows the step and runs the query', async () => {
    const { changes, runs } = await renderEditor({
      refId: 'A',
      queryType: 'kpi',
      kpi: 'mttr_seconds',
      format: 'value',
    });
    await userEvent.click(screen.getByRole('radio', { name: 'Time series' }));
    expect(changes.at(-1)!.format).toBe('timeseries');
    expect(runs.count).toBe(1);
    expect(screen.getByLabelText('Step')).toBeInTheDocument();
  });

  it('choosing another KPI and window updates the query', async () => {
    const { changes } = await renderEditor({ refId: 'A', queryType: 'kpi', kpi: 'mttr_seconds' });
    await choose('KPI', 'Detected by us');
    expect(changes.at(-1)!.kpi).toBe('detection_ratio');
    await userEvent.click(screen.getByRole('radio', { name: '90d' }));
    expect(changes.at(-1)!.window).toBe('90d');
  });

  it('the window can be a dashboard variable ($window), and a query saved with one shows it chosen', async () => {
    const { changes } = await renderEditor({ refId: 'A', queryType: 'scorecard' });
    await userEvent.click(screen.getByRole('radio', { name: '$window' }));
    expect(changes.at(-1)!.window).toBe('$window');
    expect(screen.getByRole('radio', { name: '$window' })).toBeChecked();
  });

  it('a KPI value query offers its numerator and denominator, off by default (one number per scope)', async () => {
    const { changes } = await renderEditor({ refId: 'A', queryType: 'kpi', kpi: 'mttr_seconds', format: 'value' });
    const toggle = screen.getByLabelText('Numerator and denominator');
    expect(toggle).not.toBeChecked();
    await userEvent.click(toggle);
    expect(changes.at(-1)!.components).toBe(true);
  });

  it('offers the dashboard’s template variables and the org’s teams as team filters', async () => {
    const { changes } = await renderEditor({ refId: 'A', queryType: 'kpi', kpi: 'mttr_seconds' });
    await userEvent.click(screen.getByLabelText('Team'));
    const menu = await screen.findByLabelText('Select options menu');
    expect(within(menu).getByText('$team')).toBeInTheDocument();
    expect(within(menu).getByText('Payments Ledger')).toBeInTheDocument();
    await userEvent.click(within(menu).getByText('$team'));
    expect(changes.at(-1)!.team).toBe('$team');
  });

  it('a record query type shows that collection’s filters (incidents)', async () => {
    const { changes } = await renderEditor({ refId: 'A', queryType: 'kpi' });
    await choose('Query type', 'Incidents');
    expect(changes.at(-1)!.queryType).toBe('incidents');
    expect(screen.getByLabelText('Priority')).toBeInTheDocument();
    expect(screen.getByLabelText('Open')).toBeInTheDocument();
    expect(screen.getByLabelText('Detected by')).toBeInTheDocument();
    expect(screen.getByLabelText('Service')).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Open'));
    expect(changes.at(-1)!.filters).toEqual({ open: 'true' });
    await choose('Detected by', 'monitoring');
    expect(changes.at(-1)!.filters).toEqual({ open: 'true', detectionSource: 'monitoring' });
  });

  it('changes: several results become a comma-separated filter; a text filter is set on blur', async () => {
    const { changes } = await renderEditor({ refId: 'A', queryType: 'changes' });
    await choose('Result', 'failed');
    await choose('Result', /rolled back/);
    expect(changes.at(-1)!.filters).toEqual({ result: 'failed,rolled_back' });
    await userEvent.type(screen.getByLabelText('System'), '$system');
    await userEvent.tab();
    expect(changes.at(-1)!.filters).toEqual({ result: 'failed,rolled_back', system: '$system' });
  });

  it('changes: the freeze violation filter (yes / no / any) becomes violation=true|false', async () => {
    const { changes } = await renderEditor({ refId: 'A', queryType: 'changes', filters: { controlled: 'true' } });
    const group = (label: string) => within(screen.getByText(label).closest('label')!.parentElement!);
    await userEvent.click(group('Freeze violation').getByRole('radio', { name: 'Yes' }));
    expect(changes.at(-1)!.filters).toEqual({ controlled: 'true', violation: 'true' });
    await userEvent.click(group('Freeze violation').getByRole('radio', { name: 'No' }));
    expect(changes.at(-1)!.filters).toEqual({ controlled: 'true', violation: 'false' });
    await userEvent.click(group('Freeze violation').getByRole('radio', { name: 'Any' }));
    expect(changes.at(-1)!.filters).toEqual({ controlled: 'true' });
  });

  it('bad input: a limit that is not a positive number falls back to the default', async () => {
    const { changes } = await renderEditor({ refId: 'A', queryType: 'alerts', limit: 50 });
    const limit = screen.getByLabelText('Limit');
    await userEvent.clear(limit);
    await userEvent.type(limit, '-5');
    await userEvent.tab();
    expect(changes.at(-1)!.limit).toBeUndefined();
    await userEvent.clear(limit);
    await userEvent.type(limit, '999999');
    await userEvent.tab();
    expect(changes.at(-1)!.limit).toBe(10000);
  });
});

describe('AnnotationEditor', () => {
  it('chooses the source and filters changes by kind', async () => {
    const changes: BallastQuery[] = [];
    function A() {
      const [q, setQ] = useState<BallastQuery>({
        refId: 'Anno',
        queryType: 'annotations',
        annotationSource: 'changes',
      });
      return (
        <AnnotationEditor
          datasource={datasource}
          query={q}
          onChange={(n) => (changes.push(n), setQ(n))}
          onRunQuery={() => {}}
        />
      );
    }
    await act(async () => {
      render(<A />);
    });
    await choose('Change kind', 'deploy');
    expect(changes.at(-1)).toMatchObject({ queryType: 'annotations', kind: 'deploy' });
    await userEvent.click(screen.getByRole('radio', { name: 'Incidents' }));
    expect(changes.at(-1)!.annotationSource).toBe('incidents');
    expect(screen.queryByLabelText('Change kind')).not.toBeInTheDocument();
  });
});

describe('AnnotationEditor in a layer (Grafana passes annotation and onAnnotationChange)', () => {
  it('choosing a source gives the layer that source’s colour and name; a name the user chose stays', async () => {
    const layers: Array<AnnotationQuery<BallastQuery>> = [];
    function L({ name }: { name: string }) {
      const [a, setA] = useState<AnnotationQuery<BallastQuery>>({
        name,
        enable: true,
        iconColor: 'blue',
        target: { refId: 'Anno', queryType: 'annotations', annotationSource: 'changes' },
      });
      return (
        <AnnotationEditor
          datasource={datasource}
          query={a.target!}
          annotation={a}
          onAnnotationChange={(n) => (layers.push(n), setA(n))}
          onChange={(t) => setA({ ...a, target: t })}
          onRunQuery={() => {}}
        />
      );
    }
    const { unmount } = render(<L name="Changes" />);
    await userEvent.click(screen.getByRole('radio', { name: ANNOTATION_LAYERS.freezeViolations.name }));
    expect(layers.at(-1)).toMatchObject({
      name: 'Freeze violations',
      iconColor: ANNOTATION_LAYERS.freezeViolations.iconColor,
      target: { annotationSource: 'freezeViolations' },
    });
    // Changes of the violation source still filter by kind.
    expect(screen.getByLabelText('Change kind')).toBeInTheDocument();
    unmount();
    render(<L name="Deploys of my team" />);
    await userEvent.click(screen.getByRole('radio', { name: ANNOTATION_LAYERS.incidents.name }));
    expect(layers.at(-1)).toMatchObject({
      name: 'Deploys of my team',
      iconColor: ANNOTATION_LAYERS.incidents.iconColor,
    });
  });
});

describe('VariableQueryEditor', () => {
  it('lists teams of a business line', async () => {
    const changes: BallastVariableQuery[] = [];
    function V() {
      const [q, setQ] = useState<BallastVariableQuery>({ refId: 'v', variableType: 'businessLines' });
      return (
        <VariableQueryEditor
          datasource={datasource}
          query={q as never}
          onChange={(n) => (changes.push(n as BallastVariableQuery), setQ(n as BallastVariableQuery))}
          onRunQuery={() => {}}
        />
      );
    }
    render(<V />);
    await choose('Variable values', 'Teams');
    await userEvent.type(screen.getByLabelText('Business line'), '$businessLine');
    await userEvent.tab();
    expect(changes.at(-1)).toMatchObject({ variableType: 'teams', businessLine: '$businessLine' });
  });
});
