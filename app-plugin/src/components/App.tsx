import React from 'react';
import { css } from '@emotion/css';
import { AppRootProps, GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, LinkButton, Tab, TabsBar, useStyles2 } from '@grafana/ui';
import { api } from '../api/client';
import { useAsync } from '../api/useAsync';
import { BASE_URL, PAGES, ROUTES } from '../constants';
import { AppSettings, Org } from '../types';
import { CONFIG_URL, pageUrl } from './links';
import { Loadable } from './Loadable';
import { OrgProvider } from './OrgContext';
import { filtersFrom, useLocationState } from './urlState';
import { OverviewPage } from '../pages/Overview';
import { IncidentsPage } from '../pages/Incidents';
import { IncidentDetailPage } from '../pages/IncidentDetail';
import { ChangesPage } from '../pages/Changes';
import { AlertsPage } from '../pages/Alerts';
import { ActionsPage } from '../pages/Actions';
import { DrillsPage } from '../pages/Drills';
import { CommitteePage } from '../pages/Committee';
import { ReportsPage } from '../pages/Reports';
import { RedLinesPage } from '../pages/RedLines';

/** The app's root: routes /a/ballast-stability-app/<page>[/<id>] to its page, inside Grafana's PluginPage. */
export function App(props: AppRootProps<AppSettings>) {
  const styles = useStyles2(getStyles);
  const { pathname, query } = useLocationState();
  const base = props.basename || BASE_URL;
  const rest = pathname.startsWith(base) ? pathname.slice(base.length) : pathname.replace(/^.*\/a\/[^/]+/, '');
  const [section = '', id] = rest.replace(/^\/+/, '').split('/').map(decodeURIComponent);
  const filters = filtersFrom(query);
  const org = useAsync(() => api.get<Org>('/org'), []);
  const current = PAGES.find((p) => p.route === section) ?? PAGES[0];

  let page: React.ReactNode;
  switch (section) {
    case ROUTES.Incidents:
      page = id ? <IncidentDetailPage id={id} filters={filters} /> : <IncidentsPage filters={filters} query={query} />;
      break;
    case ROUTES.Changes:
      page = <ChangesPage filters={filters} query={query} />;
      break;
    case ROUTES.Alerts:
      page = <AlertsPage filters={filters} query={query} />;
      break;
    case ROUTES.Actions:
      page = <ActionsPage filters={filters} />;
      break;
    case ROUTES.Drills:
      page = <DrillsPage filters={filters} />;
      break;
    case ROUTES.Committee:
      page = <CommitteePage filters={filters} query={query} savedId={id} />;
      break;
    case ROUTES.RedLines:
      page = <RedLinesPage filters={filters} query={query} />;
      break;
    case ROUTES.Reports:
      page = <ReportsPage id={id} />;
      break;
    default:
      page = <OverviewPage filters={filters} />;
  }

  return (
    <PluginPage>
      <div className={styles.root} data-testid="ballast-app-root" data-page={current.route || 'overview'}>
        <div className={styles.tabs}>
          <TabsBar>
            {PAGES.map((p) => (
              <Tab
                key={p.route}
                label={p.title}
                icon={p.icon as never}
                href={pageUrl(p.route, filters)}
                active={p === current}
              />
            ))}
          </TabsBar>
        </div>
        <Loadable state={org} what="the org from the Ballast exporter" isEmpty={() => false}>
          {(o) => <OrgProvider org={o}>{page}</OrgProvider>}
        </Loadable>
        {org.error && (
          <Alert severity="info" title="Check the app configuration">
            The app reaches the exporter through Grafana&apos;s proxy with the URL and token of its configuration.{' '}
            <LinkButton href={CONFIG_URL} variant="secondary" size="sm" icon="cog">
              Configuration
            </LinkButton>
          </Alert>
        )}
      </div>
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ color: theme.colors.text.primary }),
  tabs: css({ marginBottom: theme.spacing(2), '@media print': { display: 'none' } }),
});
