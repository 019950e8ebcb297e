import React from 'react';
import { render } from '@testing-library/react';
import { AppRootProps } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { GrafanaRouter } from './GrafanaRouter';
import { App } from '../components/App';
import { BASE_URL } from '../constants';
import { AppSettings } from '../types';

export const appProps = {
  meta: { id: 'ballast-stability-app', jsonData: {} },
  basename: BASE_URL,
  query: {},
  path: BASE_URL,
  onNavChanged: () => {},
} as unknown as AppRootProps<AppSettings>;

/** Renders the app root at `path` (relative to the app, e.g. 'incidents?open=true'). */
export function renderApp(path = '') {
  locationService.push(`${BASE_URL}${path ? (path.startsWith('?') ? path : `/${path}`) : ''}`);
  return render(
    <GrafanaRouter>
      <App {...appProps} />
    </GrafanaRouter>
  );
}
