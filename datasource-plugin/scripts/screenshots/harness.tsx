/**
 * Screenshot harness: renders the plugin's real editors with the real @grafana/ui in Grafana's
 * dark theme, outside Grafana. The view comes from the URL hash (#config, #query-kpi, ...). The
 * data source is a stand-in that answers getOrg()/kpiDefinitions() with a fixed, demo-like org.
 */
import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { css } from '@emotion/css';
import { createTheme, DataSourceSettings, ThemeContext } from '@grafana/data';
import { setTemplateSrv, TemplateSrv } from '@grafana/runtime';
import { Alert, GlobalStyles } from '@grafana/ui';
import { AnnotationEditor } from '../../src/components/AnnotationEditor';
import { ConfigEditor } from '../../src/components/ConfigEditor';
import { QueryEditor } from '../../src/components/QueryEditor';
import { VariableQueryEditor } from '../../src/components/VariableQueryEditor';
import type { DataSource } from '../../src/datasource';
import {
  BallastOptions,
  BallastQuery,
  BallastSecureOptions,
  BallastVariableQuery,
  KpiDefinition,
  Org,
} from '../../src/types';

const ORG: Org = {
  businessLines: [
    { id: 'payments', name: 'Payments', owner: 'Jonas Murphy' },
    { id: 'commerce', name: 'Commerce', owner: 'Wei Fischer' },
    { id: 'logistics', name: 'Logistics', owner: 'Julia Weber' },
  ],
  teams: [
    { id: 'payments-checkout', name: 'Payments Checkout', businessLine: 'payments', manager: 'Rosa Yilmaz' },
    { id: 'payments-ledger', name: 'Payments Ledger', businessLine: 'payments', manager: 'Elif Wang' },
    { id: 'commerce-cart', name: 'Commerce Cart', businessLine: 'commerce', manager: 'Ximena Kaur' },
  ],
  services: [
    { id: 'checkout-api', name: 'Checkout API', team: 'payments-checkout', owner: 'Kofi Garcia' },
    { id: 'ledger-writer', name: 'Ledger writer', team: 'payments-ledger', owner: 'Femi Petrova' },
  ],
  changeSystems: [{ id: 'argo-cd', name: 'Argo CD', integrated: true }],
};
const DEFS: KpiDefinition[] = [
  {
    key: 'mttr_seconds',
    title: 'MTTR',
    unit: 'seconds',
    direction: 'lower',
    description: 'Mean recovery time of high-priority incidents',
  },
  {
    key: 'detection_ratio',
    title: 'Detected by us',
    unit: 'ratio',
    direction: 'higher',
    description: 'Share detected by monitoring or inspection',
  },
  {
    key: 'change_failure_ratio',
    title: 'Change failure rate',
    unit: 'ratio',
    direction: 'lower',
    description: 'Failed or rolled back changes',
  },
];
const datasource = { getOrg: async () => ORG, kpiDefinitions: async () => DEFS } as unknown as DataSource;

const VARIABLES = ['businessLine', 'team', 'service', 'kpi'];
setTemplateSrv({
  getVariables: () => VARIABLES.map((name) => ({ name, current: { value: '$__all' } })),
  replace: (s?: string) => s ?? '',
  containsTemplate: () => false,
  updateTimeRange: () => undefined,
} as unknown as TemplateSrv);

const theme = createTheme({ colors: { mode: 'dark' } });

function Page({ title, children }: { title: string; children: React.ReactNode }) {
  const styles = {
    page: css({ padding: theme.spacing(3), background: theme.colors.background.canvas, minHeight: '100vh' }),
    box: css({
      background: theme.colors.background.primary,
      border: `1px solid ${theme.colors.border.weak}`,
      borderRadius: theme.shape.radius.default,
      padding: theme.spacing(2),
    }),
    title: css({ ...theme.typography.h4, marginBottom: theme.spacing(2) }),
  };
  return (
    <div className={styles.page}>
      <div className={styles.title}>{title}</div>
      <div className={styles.box}>{children}</div>
    </div>
  );
}

function settings(
  jsonData: BallastOptions,
  configured: boolean
): DataSourceSettings<BallastOptions, BallastSecureOptions> {
  return {
    id: 1,
    uid: 'ballast',
    name: 'Ballast',
    type: 'ballast-stability-datasource',
    access: 'proxy',
    jsonData,
    secureJsonFields: { apiToken: configured },
  } as never;
}

function Config({
  initial,
  test,
}: {
  initial: DataSourceSettings<BallastOptions, BallastSecureOptions>;
  test?: React.ReactNode;
}) {
  const [options, setOptions] = useState(initial);
  return (
    <Page title="Data sources › Ballast">
      <ConfigEditor options={options} onOptionsChange={setOptions} />
      {test}
    </Page>
  );
}

function Query({ initial }: { initial: BallastQuery }) {
  const [query, setQuery] = useState(initial);
  return (
    <Page title="Query: Ballast">
      <QueryEditor datasource={datasource} query={query} onChange={setQuery} onRunQuery={() => undefined} />
    </Page>
  );
}

function Annotation() {
  const [query, setQuery] = useState<BallastQuery>({
    refId: 'Anno',
    queryType: 'annotations',
    annotationSource: 'changes',
    kind: 'deploy,config',
    team: '$team',
  });
  return (
    <Page title="Annotation query: Ballast">
      <AnnotationEditor datasource={datasource} query={query} onChange={setQuery} onRunQuery={() => undefined} />
    </Page>
  );
}

function Variable() {
  const [query, setQuery] = useState<BallastVariableQuery>({
    refId: 'v',
    variableType: 'teams',
    businessLine: '$businessLine',
  });
  return (
    <Page title="Variable query: Ballast">
      <VariableQueryEditor
        datasource={datasource}
        query={query as never}
        onChange={(q) => setQuery(q as never)}
        onRunQuery={() => undefined}
      />
    </Page>
  );
}

const VIEWS: Record<string, () => React.ReactElement> = {
  config: () => <Config initial={settings({ url: 'http://ballast-exporter:9464' }, true)} />,
  'config-errors': () => (
    <Config
      initial={settings({}, false)}
      test={
        <Alert
          severity="error"
          title="Cannot reach the exporter at http://ballast-exporter:9464: HTTP 502 Bad Gateway"
        />
      }
    />
  ),
  'query-kpi': () => (
    <Query
      initial={{
        refId: 'A',
        queryType: 'kpi',
        kpi: 'mttr_seconds',
        format: 'timeseries',
        window: '30d',
        level: 'team',
        businessLine: '$businessLine',
        team: '$team',
      }}
    />
  ),
  'query-incidents': () => (
    <Query
      initial={{
        refId: 'A',
        queryType: 'incidents',
        team: '$team',
        filters: { highPriority: 'true', open: 'true', detectionSource: 'monitoring,inspection' },
      }}
    />
  ),
  'query-changes': () => (
    <Query
      initial={{
        refId: 'A',
        queryType: 'changes',
        businessLine: 'payments',
        filters: { result: 'failed,rolled_back', controlled: 'false' },
      }}
    />
  ),
  annotation: () => <Annotation />,
  variable: () => <Variable />,
};

const view = VIEWS[window.location.hash.slice(1)] ?? VIEWS.config!;
createRoot(document.getElementById('root')!).render(
  <ThemeContext.Provider value={theme}>
    <GlobalStyles />
    {view()}
  </ThemeContext.Provider>
);
