import { PanelOptionsEditorBuilder, PanelPlugin, standardEditorsRegistry } from '@grafana/data';

// Grafana fills the standard option editor registry at start-up (its own editors); stubs here.
standardEditorsRegistry.setInit(() =>
  ['radio', 'boolean', 'text', 'select', 'number', 'custom'].map((id) => ({ id, name: id, editor: () => null }))
);
import { plugin } from './module';
import { DEFAULT_KPIS, KPI_CATALOG } from './kpis';
import { ScorecardOptions } from './types';

test('the plugin is a PanelPlugin with the options of both views', () => {
  expect(plugin).toBeInstanceOf(PanelPlugin);
  const builder = new PanelOptionsEditorBuilder<ScorecardOptions>();
  plugin.getPanelOptionsSupplier()(builder, { data: [] });
  const list = builder.getItems() as Array<{ path: string; defaultValue?: unknown; showIf?: (o: unknown) => boolean }>;
  const paths = list.map((i) => i.path);
  for (const p of [
    'view',
    'kpis',
    'showScore',
    'showTargets',
    'collapsed',
    'scopeLink',
    'cellLink',
    'window',
    'previousRefId',
    'laneBy',
    'suspectMinutes',
    'showChanges',
    'showFreezes',
  ]) {
    expect(paths).toContain(p);
  }
  const kpis = list.find((i) => i.path === 'kpis')!;
  expect(kpis.defaultValue).toEqual([...DEFAULT_KPIS]);
  expect(kpis.showIf!({ view: 'timeline' })).toBe(false);
  expect(list.find((i) => i.path === 'suspectMinutes')!.showIf!({ view: 'scorecard' })).toBe(false);
  expect(list.find((i) => i.path === 'suspectMinutes')!.defaultValue).toBe(120);
});

test('the KPI catalogue is the registry’s (@ballast/contract), not a copy', async () => {
  const { KPI_REGISTRY } = await import('@ballast/contract');
  expect(KPI_CATALOG.map((k) => k.key)).toEqual(KPI_REGISTRY.map((e) => e.key));
  expect(KPI_CATALOG[0]).toEqual({
    key: 'high_priority_incidents',
    title: 'High-priority incidents',
    unit: 'count',
    direction: 'lower',
  });
  // Every default KPI exists in the registry.
  expect(DEFAULT_KPIS.filter((k) => !KPI_CATALOG.some((c) => c.key === k))).toEqual([]);
});
