/** Test helpers: PanelProps as Grafana passes them, rendered inside a real @grafana/ui theme. */
import React from 'react';
import { render } from '@testing-library/react';
import { createTheme, dateTime, DataFrame, LoadingState, PanelProps, getDefaultTimeRange } from '@grafana/data';
import { ThemeContext } from '@grafana/ui';
import { vi } from 'vitest';
import { BallastPanel } from '../components/BallastPanel';
import { DEFAULT_OPTIONS, ScorecardOptions } from '../types';

export function panelProps(
  series: DataFrame[],
  options: Partial<ScorecardOptions> = {},
  extra: Partial<PanelProps<ScorecardOptions>> = {}
) {
  const timeRange = extra.timeRange ?? getDefaultTimeRange();
  return {
    id: 1,
    data: { series, state: LoadingState.Done, timeRange },
    timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...options },
    fieldConfig: { defaults: {}, overrides: [] },
    transparent: false,
    width: 1400,
    height: 600,
    renderCounter: 1,
    title: 'Scorecard',
    eventBus: {} as PanelProps['eventBus'],
    onOptionsChange: vi.fn(),
    onFieldConfigChange: vi.fn(),
    replaceVariables: vi.fn((s: string) => s.replace('$env', 'prod')),
    onChangeTimeRange: vi.fn(),
    ...extra,
  } as unknown as PanelProps<ScorecardOptions>;
}

export function renderPanel(props: PanelProps<ScorecardOptions>, mode: 'dark' | 'light' = 'dark') {
  const theme = createTheme({ colors: { mode } });
  const result = render(
    <ThemeContext.Provider value={theme}>
      <BallastPanel {...props} />
    </ThemeContext.Provider>
  );
  return { ...result, theme };
}

export function range(from: number, to: number) {
  return { from: dateTime(from), to: dateTime(to), raw: { from: dateTime(from), to: dateTime(to) } };
}
